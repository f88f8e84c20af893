"""Write a consistent, encrypted backup of the database with a checksum beside it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhicun.ops.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "备份数据库（一致性快照，加密，附校验文件）"

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=None, help="备份文件路径")

    def handle(self, *args, out, **options):
        out = out or Path(f"zhicun-{timezone.localtime():%Y%m%d-%H%M%S}.backup")
        try:
            header = write_backup(out)
        except BackupError as e:
            raise CommandError(str(e)) from e
        rows = sum(header["counts"].values())
        self.stdout.write(f"已备份到 {out}（{len(header['counts'])} 张表，{rows} 条记录）")
