"""Walk the audit trail's hash chain and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from zhicun.audit import chain
from zhicun.audit.models import AuditChain, AuditEvent


def verify_chain():
    head = AuditChain.objects.filter(pk=1).first()
    start_id = head.anchor_id if head else 0
    start_hash = head.anchor_hash if head else chain.GENESIS
    events = AuditEvent.objects.filter(id__gt=start_id).order_by("id").iterator(chunk_size=2000)
    checked, broken = chain.verify(events, start_hash)
    if broken is None and head is not None and checked:
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        if last != head.last_hash:
            return checked, "链尾与记录的最新摘要不一致（最新的事件可能被删除）"
    if broken is not None:
        return (
            checked,
            f"第一个断点：事件 #{broken.pk}（{broken.at:%Y-%m-%d %H:%M:%S} {broken.action}）",
        )
    return checked, None


class Command(BaseCommand):
    help = "校验审计日志的哈希链，发现篡改时指出第一个断点"

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem:
            raise CommandError(f"审计链校验失败：已核对 {checked} 条，{problem}")
        self.stdout.write(f"审计链完整：已核对 {checked} 条")
