"""The outbox (SPEC §10): messages written in the transaction that causes them, sent later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhicun.lib.fields import EncryptedCharField
from zhicun.lib.masking import mask_phone


class Channel(models.TextChoices):
    LOG = "log", "日志"
    WECOM = "wecom", "企业微信群机器人"
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


class Status(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(status=Status.PENDING, next_attempt_at__lte=now or timezone.now())

    def failed(self):
        return self.filter(status=Status.FAILED)


class Message(models.Model):
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A phone number or e-mail address (or a webhook with its key): encrypted, never looked up.
    address = EncryptedCharField("地址", max_length=400, blank=True)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    # Makes "notify once" hold even if the caller's own guard were bypassed.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = "待发消息"
        verbose_name_plural = "待发消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notify_due",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"[{self.get_channel_display()}] {self.subject}"

    @property
    def masked_address(self) -> str:
        """What pages show of the address: a masked phone or e-mail, no webhook key."""
        if self.channel == Channel.SMS:
            return mask_phone(self.address)
        if self.channel == Channel.EMAIL:
            name, _, domain = self.address.partition("@")
            return f"{name[:1]}***@{domain}" if domain else mask_phone(self.address)
        if self.channel == Channel.WECOM:
            return "企业微信群" if self.address else ""
        return self.address
