"""Remove audit events older than the retention period (at least 184 days), keeping the chain
verifiable from an anchor."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from zhicun.audit.models import AuditChain, AuditEvent


class Command(BaseCommand):
    help = "清理超过保存期限的审计日志（保存期限不少于 184 天）"

    def add_arguments(self, parser):
        parser.add_argument("--before", type=datetime.date.fromisoformat, required=True)

    @transaction.atomic
    def handle(self, *args, before, **options):
        limit = timezone.localdate() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
        if before > limit:
            days = settings.AUDIT_RETENTION_DAYS
            raise CommandError(f"只能清理 {limit:%Y-%m-%d} 之前的审计日志（至少保存 {days} 天）")
        cutoff = datetime.datetime.combine(
            before, datetime.time.min, timezone.get_current_timezone()
        )
        head = AuditChain.objects.select_for_update().get(pk=1)
        last = AuditEvent.objects.filter(at__lt=cutoff).order_by("-id").first()
        if last is None:
            self.stdout.write("没有需要清理的审计日志")
            return
        table = AuditEvent._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <= %s", [last.pk])  # noqa: S608  # nosec B608
            removed = cursor.rowcount
        head.anchor_id, head.anchor_hash = last.pk, last.hash
        head.save(update_fields=["anchor_id", "anchor_hash"])
        self.stdout.write(f"已清理 {removed} 条 {before:%Y-%m-%d} 之前的审计日志")
