"""Errands (代办服务, SPEC §5): the catalogue, the errand, documents in custody, money paid on
the villager's behalf, and the history every step writes."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from zhicun.lib import lights
from zhicun.units.scope import ScopedQuerySet

PENSION = "pension"


class ErrandType(models.Model):
    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    description = models.TextField("说明", blank=True)
    documents = models.JSONField("所需材料", default=list, blank=True)
    limit_days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    pays_money = models.BooleanField("代缴代付款项", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "代办事项"
        verbose_name_plural = "代办事项"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pension(self) -> bool:
        return self.code == PENSION


class State(models.TextChoices):
    REGISTERED = "registered", "已登记"
    PROCESSING = "processing", "代办中"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已撤销"
    FAILED = "failed", "未办成"


OPEN = (State.REGISTERED, State.PROCESSING, State.REPLIED)
# The clock runs until the result is told to the villager.
RUNNING = (State.REGISTERED, State.PROCESSING)
ENDED = (State.CLOSED, State.CANCELLED, State.FAILED)


class Channel(models.TextChoices):
    DOOR = "door", "上门登记"
    DESK = "desk", "便民服务站登记"
    PHONE = "phone", "电话登记"


class ReplyMethod(models.TextChoices):
    VISIT = "visit", "上门告知"
    PHONE = "phone", "电话告知"
    MESSAGE = "message", "短信/微信告知"
    DESK = "desk", "服务站当面告知"


class ErrandQuerySet(ScopedQuerySet):
    def open(self) -> "ErrandQuerySet":
        return self.filter(state__in=OPEN)

    def running(self) -> "ErrandQuerySet":
        return self.filter(state__in=RUNNING)

    def red(self, now: dt.datetime | None = None) -> "ErrandQuerySet":
        return self.running().filter(deadline__lt=now or timezone.now())

    def yellow(self, now: dt.datetime | None = None) -> "ErrandQuerySet":
        now = now or timezone.now()
        return self.running().filter(yellow_at__lte=now, deadline__gte=now)

    def handled_by(self, user) -> "ErrandQuerySet":
        return self.filter(Q(handler=user) | Q(handler__isnull=True, registered_by=user))


class Errand(models.Model):
    scope_path = "unit_code"

    person = models.ForeignKey(
        "registry.Person", verbose_name="村民", on_delete=models.PROTECT, related_name="errands"
    )
    type = models.ForeignKey(
        ErrandType, verbose_name="代办事项", on_delete=models.PROTECT, related_name="errands"
    )
    # The person's hamlet when registered: scope and statistics by unit need no join.
    unit = models.ForeignKey(
        "units.Unit", verbose_name="所在单位", on_delete=models.PROTECT, related_name="+"
    )
    unit_code = models.CharField(max_length=18, db_index=True)
    need = models.TextField("办理诉求")
    documents_required = models.JSONField("所需材料", default=list, blank=True)
    channel = models.CharField("登记方式", max_length=8, choices=Channel.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The certification year of a 养老金资格认证 errand (one per person and year).
    year = models.PositiveSmallIntegerField("认证年度", null=True, blank=True)

    state = models.CharField("状态", max_length=12, choices=State.choices)
    deadline = models.DateTimeField("办理时限", null=True, blank=True)
    yellow_at = models.DateTimeField(null=True, blank=True)
    light = models.CharField(max_length=6, blank=True, default="")

    office = models.CharField("办理机构", max_length=100, blank=True)
    result = models.TextField("办理结果", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    reply_method = models.CharField(
        "答复方式", max_length=10, choices=ReplyMethod.choices, blank=True
    )
    on_time = models.BooleanField(null=True, blank=True)
    villager_confirmed = models.BooleanField("村民确认", default=False)
    end_reason = models.CharField("撤销/未办成原因", max_length=500, blank=True)
    villager_informed = models.BooleanField("已告知村民", default=False)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ErrandQuerySet.as_manager()

    class Meta:
        verbose_name = "代办件"
        verbose_name_plural = "代办件"
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "type", "year"],
                condition=Q(year__isnull=False) & ~Q(state__in=["cancelled", "failed"]),
                name="errand_one_per_person_type_year",
            )
        ]
        indexes = [
            models.Index(
                fields=["yellow_at"],
                name="errand_turning_yellow",
                condition=Q(state__in=["registered", "processing"], light="green"),
            ),
            models.Index(
                fields=["deadline"],
                name="errand_turning_red",
                condition=Q(state__in=["registered", "processing"], light__in=["green", "yellow"]),
            ),
            models.Index(fields=["unit_code", "registered_at"], name="errand_unit_registered"),
            models.Index(fields=["state", "unit_code"], name="errand_state_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.type.name if self.type_id else ''}"

    @property
    def number(self) -> str:
        return f"DB{self.pk:07d}" if self.pk else "DB-"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    def current_light(self, now: dt.datetime | None = None) -> str:
        if self.state not in RUNNING:
            return lights.NONE
        return lights.light_of(self.deadline, self.yellow_at, now or timezone.now())

    def paid_total(self) -> int:
        return self.payments.aggregate(total=Sum("amount_fen"))["total"] or 0


class CustodyQuerySet(models.QuerySet):
    def held(self) -> "CustodyQuerySet":
        return self.filter(returned_at__isnull=True)


class CustodyItem(models.Model):
    """One document received from the villager; held until returned."""

    scope_path = "errand__unit_code"

    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="custody")
    name = models.CharField("材料名称", max_length=60)
    original = models.BooleanField("原件", default=True)
    received_at = models.DateTimeField("接收时间")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField("归还时间", null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="归还经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_to = models.CharField("归还给", max_length=40, blank=True)
    villager_confirmed = models.BooleanField("村民确认收回", default=False)

    objects = CustodyQuerySet.as_manager()

    class Meta:
        verbose_name = "托管材料"
        verbose_name_plural = "托管材料"
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(
                fields=["received_by"],
                name="errand_custody_held",
                condition=Q(returned_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.kind_label}）"

    @property
    def kind_label(self) -> str:
        return "原件" if self.original else "复印件"


class Payment(models.Model):
    """Money paid on the villager's behalf, in 分. Never edited: a mistake is corrected by a
    reversing entry (the negative amount, pointing at the entry it reverses)."""

    errand = models.ForeignKey(Errand, on_delete=models.PROTECT, related_name="payments")
    amount_fen = models.BigIntegerField("金额（分）")
    receipt_no = models.CharField("票据号", max_length=60, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField("时间")
    note = models.CharField("说明", max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲正对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )

    class Meta:
        verbose_name = "代缴代付"
        verbose_name_plural = "代缴代付"
        ordering = ["paid_at", "id"]
        indexes = [models.Index(fields=["paid_at"], name="errand_payment_paid_at")]

    def __str__(self) -> str:
        return f"{self.errand_id} {yuan(self.amount_fen)}"

    @property
    def yuan(self) -> str:
        return yuan(self.amount_fen)


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


class ErrandEvent(models.Model):
    """One step: the timeline people read and what statistics count."""

    errand = models.ForeignKey(Errand, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.errand_id} {self.action}"

    @property
    def actor_name(self) -> str:
        return self.actor.display_name if self.actor_id else "系统"

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)


EVENT_LABELS = {
    "register": "上门登记",
    "receive": "接收材料",
    "give_back": "归还材料",
    "start": "开始代办",
    "note": "办理记录",
    "pay": "代缴代付",
    "reverse": "冲正",
    "reply": "答复结果",
    "close": "村民确认，办结",
    "cancel": "撤销",
    "fail": "未办成",
    "light_yellow": "亮黄灯",
    "light_red": "亮红灯",
}
