"""An export too large to serve directly: what was asked (never the data) and what became of it."""

import datetime

from django.conf import settings
from django.db import models

from zhicun.units.scope import ScopedQuerySet

User = settings.AUTH_USER_MODEL


def download_window() -> datetime.timedelta:
    """How long after the approval the requester may download: the one expiry rule."""
    return datetime.timedelta(hours=settings.ZHICUN_EXPORT_DOWNLOAD_HOURS)


class ExportRequestQuerySet(ScopedQuerySet):
    def downloadable(self, now: datetime.datetime) -> "ExportRequestQuerySet":
        """Approved and still within the download window."""
        return self.filter(
            status=ExportRequest.Status.APPROVED, decided_at__gte=now - download_window()
        )

    def overdue(self, now: datetime.datetime) -> "ExportRequestQuerySet":
        """Approved, not downloaded, and past the download window: due to be marked 已过期."""
        return self.filter(
            status=ExportRequest.Status.APPROVED, decided_at__lt=now - download_window()
        )


class ExportRequest(models.Model):
    # The unit is the requester's post unit: approvers must cover it (SPEC §2, §11).
    scope_path = "unit__code"

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"
        DOWNLOADED = "downloaded", "已下载"
        EXPIRED = "expired", "已过期"

    kind = models.CharField("导出内容", max_length=40)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="export_requests", verbose_name="申请人"
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    purpose = models.CharField("导出用途", max_length=200)
    rows = models.PositiveIntegerField("行数")
    format = models.CharField("格式", max_length=8)
    reveal = models.BooleanField("包含完整敏感信息", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    reason = models.CharField("审批意见", max_length=200, blank=True)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    objects = ExportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "导出申请"
        verbose_name_plural = "导出申请"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"导出申请 #{self.pk}（{self.rows} 行）"

    @property
    def expires_at(self) -> datetime.datetime | None:
        if self.decided_at is None:
            return None
        return self.decided_at + download_window()
