"""API tokens of staff, and the third-party applications allowed to post Open311 requests.

Only a SHA-256 hash of a token or key is stored; the value itself is shown once when issued.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

User = settings.AUTH_USER_MODEL


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def usable_q(now, token: str = "", user: str = "user__") -> Q:
    """A token that is neither revoked nor expired, of an active user. `token` and `user` are
    the paths from the queried model to the token and to its user."""
    return Q(
        **{f"{token}revoked_at__isnull": True, f"{token}expires_at__gt": now},
        **{f"{user}is_active": True},
    )


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(usable_q(now or timezone.now()))


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60, blank=True)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("过期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"


class Open311Application(models.Model):
    """A third-party application (a mini program, a hotline system) holding an Open311 key."""

    name = models.CharField("应用名称", max_length=60, unique=True)
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    prefix = models.CharField("密钥前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    requests_made = models.PositiveIntegerField("已提交诉求", default=0)

    class Meta:
        verbose_name = "Open311 应用"
        verbose_name_plural = "Open311 应用"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="open311_app_named")]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Open311Request(models.Model):
    """A case submitted through Open311: which application sent it, and its public token."""

    application = models.ForeignKey(
        Open311Application, on_delete=models.PROTECT, related_name="requests"
    )
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="open311")
    token = models.CharField(max_length=40, unique=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "Open311 诉求"
        verbose_name_plural = "Open311 诉求"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.token
