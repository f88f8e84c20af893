"""Verified villager accounts, their sign-up codes, and corrections they report."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhicun.lib.fields import BlindIndexField, EncryptedCharField
from zhicun.lib.masking import mask_phone
from zhicun.units.scope import ScopedQuerySet

User = settings.AUTH_USER_MODEL


class Villager(models.Model):
    """A user account tied to one person on the register (and so to their household)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="villager")
    # One account per person, held by the database, not only by the sign-up form.
    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="villager_account"
    )
    village = models.ForeignKey(
        "units.Unit", verbose_name="村", on_delete=models.PROTECT, related_name="+"
    )
    phone = EncryptedCharField("手机号", index_field="phone_hash")
    # One account per mobile number, held by the database.
    phone_hash = BlindIndexField(source="phone", unique=True, db_index=False)
    verified_at = models.DateTimeField("验证时间", default=timezone.now)

    class Meta:
        verbose_name = "村民账号"
        verbose_name_plural = "村民账号"

    def __str__(self) -> str:
        return f"{self.person.name}（{mask_phone(self.phone)}）"

    @property
    def household(self):
        return self.person.household


class SignupCode(models.Model):
    """A one-time code sent to a phone during sign-up; only the code's keyed hash is stored, and
    the phone encrypted (the account is created with it), looked up by its own keyed hash."""

    phone = EncryptedCharField("手机号", index_field="phone_hash")
    phone_hash = BlindIndexField(source="phone")
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "注册验证码"
        verbose_name_plural = "注册验证码"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", "待核实"
    DONE = "done", "已更正"
    REJECTED = "rejected", "无需更正"


class CorrectionRequest(models.Model):
    """A villager says their household record is wrong: a task for the hamlet's collector."""

    scope_path = "household__hamlet__code"
    villager_path = "villager__user"

    villager = models.ForeignKey(Villager, on_delete=models.PROTECT, related_name="corrections")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="涉及成员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.TextField("需要更正的内容")
    status = models.CharField(
        "状态", max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    reply = models.CharField("处理说明", max_length=300, blank=True)
    handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "信息更正申请"
        verbose_name_plural = "信息更正申请"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.household} 更正申请"
