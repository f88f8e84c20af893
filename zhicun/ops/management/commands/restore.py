"""Restore a backup into an empty database, compare row counts, and verify the audit chain."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from zhicun.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份文件恢复到空数据库，并校验记录数与审计链"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            header = restore_backup(path)
        except BackupError as e:
            raise CommandError(str(e)) from e
        rows = sum(header["counts"].values())
        self.stdout.write(f"已恢复 {path}（{header['created_at']}，{rows} 条记录，记录数一致）")
        call_command("audit_verify", stdout=self.stdout)
