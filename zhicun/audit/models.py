"""The audit trail (SPEC §11): append-only; rows are never updated or deleted by the application."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除")

    def for_object(self, obj) -> "AuditQuerySet":
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    unit_code = models.CharField("单位代码", max_length=18, blank=True, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    success = models.BooleanField("成功", default=True)
    # Never the sensitive values themselves: changes to sensitive fields are stored masked.
    details = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除")

    @property
    def action_label(self) -> str:
        from zhicun.audit.actions import label

        return label(self.action)


class AuditChain(models.Model):
    """The chain's head: the last hash, and where verification starts after a purge."""

    last_hash = models.CharField(max_length=64)
    anchor_id = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链"
        verbose_name_plural = "审计链"

    def __str__(self) -> str:
        return self.last_hash[:12]
