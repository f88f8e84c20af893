"""Targeted support (SPEC §6): supported households, their reviews, income cards and measures."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length, Substr

from zhicun.lib import codes
from zhicun.lib.fields import EncryptedCharField, TagsField
from zhicun.lib.masking import mask_phone
from zhicun.units.scope import ScopedQuerySet

User = settings.AUTH_USER_MODEL

# A card is flagged when T fell by more than this share (percent) from the previous year's T.
DEFAULT_DROP_PERCENT = 30


def drop_percent() -> int:
    return int(getattr(settings, "SUPPORT_INCOME_DROP_PERCENT", DEFAULT_DROP_PERCENT))


def yuan(fen: int | None) -> str:
    """12345 分 → '123.45'."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


class Kind(models.TextChoices):
    TUOPIN = "tuopin", "脱贫户"
    JIANCE = "jiance", "监测户"


class Status(models.TextChoices):
    PROPOSED = "proposed", "待确定"
    MONITORING = "monitoring", "监测中"
    RISK_REMOVED = "removed", "风险已消除"
    STABLE = "stable", "稳定脱贫"


class SupportedHouseholdQuerySet(ScopedQuerySet):
    def monitoring(self):
        return self.filter(status=Status.MONITORING)


class SupportedHousehold(models.Model):
    """The support record of one household; its status changes only through reviews."""

    scope_path = "household__hamlet__code"

    household = models.OneToOneField(
        "registry.Household",
        verbose_name="户",
        on_delete=models.PROTECT,
        related_name="support",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    monitor_type = models.CharField(
        "监测对象类型", max_length=2, blank=True, choices=codes.choices("monitor_type")
    )
    year_identified = models.PositiveIntegerField("识别年度")
    causes = TagsField("致贫原因", choices=codes.choices("poverty_cause"))
    risk_types = TagsField("风险类型", choices=codes.choices("risk_type"))
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupportedHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶对象户"
        verbose_name_plural = "帮扶对象户"
        ordering = ["household__number"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.household} {self.type_label}"

    @property
    def type_label(self) -> str:
        if self.kind == Kind.JIANCE and self.monitor_type:
            return f"监测户（{codes.label('monitor_type', self.monitor_type)}）"
        return self.get_kind_display()

    def cause_labels(self) -> list[str]:
        return [codes.label("poverty_cause", c) for c in self.causes]

    def risk_labels(self) -> list[str]:
        return [codes.label("risk_type", c) for c in self.risk_types]

    @property
    def current_cadre(self) -> "CadreAssignment | None":
        return self.cadres.filter(end_date__isnull=True).order_by("-start_date").first()

    def open_review(self) -> "Review | None":
        return self.reviews.filter(state__in=Review.OPEN_STATES).first()

    def to_dict(self) -> dict:
        return {
            "household": self.household.number,
            "kind": self.kind,
            "monitor_type": self.monitor_type,
            "year_identified": self.year_identified,
            "causes": list(self.causes),
            "risk_types": list(self.risk_types),
            "status": self.status,
            "notes": self.notes,
        }

    SENSITIVE: dict = {}


class CadreAssignment(models.Model):
    """Who is (or was) the household's 帮扶责任人, from when to when."""

    scope_path = "supported__household__hamlet__code"

    supported = models.ForeignKey(
        SupportedHousehold, on_delete=models.CASCADE, related_name="cadres"
    )
    name = models.CharField("帮扶责任人", max_length=40)
    unit_name = models.CharField("工作单位", max_length=100)
    # Encrypted at rest like every phone; nothing looks a cadre up by it, so no keyed hash.
    phone = EncryptedCharField("联系电话", blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶责任人"
        verbose_name_plural = "帮扶责任人"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supported"],
                condition=Q(end_date__isnull=True),
                name="support_one_current_cadre",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_name}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Direction(models.TextChoices):
    ENTER = "enter", "纳入监测"
    EXIT = "exit", "风险消除（退出监测）"


class Step(models.TextChoices):
    VILLAGE = "village", "村级评议"
    TOWNSHIP = "township", "乡镇审核"
    COUNTY = "county", "县级确定"


STEP_ORDER = [Step.VILLAGE, Step.TOWNSHIP, Step.COUNTY]


class ReviewState(models.TextChoices):
    VILLAGE = "village", "待村级评议"
    TOWNSHIP = "township", "待乡镇审核"
    COUNTY = "county", "待县级确定"
    APPROVED = "approved", "已确定"
    REFUSED = "refused", "未通过"


class Review(models.Model):
    """A proposal to enter or leave monitoring, decided in three steps."""

    scope_path = "supported__household__hamlet__code"
    OPEN_STATES = (ReviewState.VILLAGE, ReviewState.TOWNSHIP, ReviewState.COUNTY)

    supported = models.ForeignKey(
        SupportedHousehold, on_delete=models.CASCADE, related_name="reviews"
    )
    direction = models.CharField("事项", max_length=10, choices=Direction.choices)
    monitor_type = models.CharField(
        "拟定监测类型", max_length=2, blank=True, choices=codes.choices("monitor_type")
    )
    risk_types = TagsField("风险类型", choices=codes.choices("risk_type"))
    reason = models.TextField("申请理由")
    state = models.CharField("进度", max_length=10, choices=ReviewState.choices)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "监测评议"
        verbose_name_plural = "监测评议"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supported"],
                condition=Q(state__in=["village", "township", "county"]),
                name="support_one_open_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supported.household} {self.get_direction_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def pending_step(self) -> str | None:
        return self.state if self.is_open else None


class Decision(models.TextChoices):
    APPROVE = "approve", "同意"
    REFUSE = "refuse", "不同意"


class ReviewStep(models.Model):
    scope_path = "review__supported__household__hamlet__code"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("环节", max_length=10, choices=Step.choices)
    decision = models.CharField("结论", max_length=10, choices=Decision.choices)
    opinion = models.TextField("意见")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "评议环节"
        verbose_name_plural = "评议环节"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "step"], name="support_review_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.get_decision_display()}"


class Threshold(models.Model):
    """The monitoring threshold of a year (per-capita net income, 分) for a region.

    `region_code` is a unit code prefix (a province, a county); empty means everywhere. The most
    specific region containing the household wins.
    """

    year = models.PositiveIntegerField("年度")
    region_code = models.CharField("适用区划代码", max_length=12, blank=True)
    amount = models.PositiveIntegerField("监测标准（分/人·年）")
    note = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "防返贫监测标准"
        verbose_name_plural = "防返贫监测标准"
        ordering = ["-year", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region_code"], name="support_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} 年 {yuan(self.amount)} 元"

    @classmethod
    def for_household(cls, year: int, code: str) -> int | None:
        rows = cls.objects.filter(year=year).values_list("region_code", "amount")
        best = None
        for region, amount in rows:
            if code.startswith(region) and (best is None or len(region) > len(best[0])):
                best = (region, amount)
        return best[1] if best else None


def threshold_subquery(year_ref, code_ref):
    """The amount of the most specific threshold for (year, household code), as a subquery."""
    return Subquery(
        Threshold.objects.filter(year=year_ref)
        .annotate(n=Length("region_code"))
        .filter(region_code=Substr(code_ref, 1, F("n")))
        .order_by("-n")
        .values("amount")[:1]
    )


class IncomeCardQuerySet(ScopedQuerySet):
    def with_flags(self, percent: int | None = None):
        """Annotate threshold, previous T, and the two flags (`below`, `dropped`)."""
        percent = drop_percent() if percent is None else percent
        previous = IncomeCard.objects.filter(
            household=OuterRef("household"), year=OuterRef("year") - 1
        ).values("per_capita")[:1]
        return self.annotate(
            threshold=threshold_subquery(OuterRef("year"), OuterRef("household__hamlet__code")),
            previous_per_capita=Subquery(previous),
            t_percent=F("per_capita") * 100,
        ).annotate(
            below=Case(
                When(threshold__isnull=False, per_capita__lt=F("threshold"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            dropped=Case(
                When(
                    previous_per_capita__gt=0,
                    t_percent__lt=F("previous_per_capita") * (100 - percent),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )

    def flagged(self, percent: int | None = None):
        """The cards with `below` or `dropped`, tested on the values those two are made of: the
        same cards (a condition that is unknown for want of a threshold or of last year's card
        selects nothing, as the flags' ELSE false does), in a statement that carries each
        subquery once or twice instead of twice each inside CASE."""
        percent = drop_percent() if percent is None else percent
        return self.with_flags(percent).filter(
            Q(per_capita__lt=F("threshold"))
            | Q(previous_per_capita__gt=0, t_percent__lt=F("previous_per_capita") * (100 - percent))
        )


class IncomeCard(models.Model):
    """收入明白卡 of one household for one year. Money in 分; K, S and T follow from the rest."""

    scope_path = "household__hamlet__code"

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="income_cards"
    )
    year = models.PositiveIntegerField("年度")
    size = models.PositiveIntegerField("家庭人口（人）")
    wage = models.BigIntegerField("工资性收入 L", default=0)
    production = models.BigIntegerField("生产经营性收入 M", default=0)
    property_income = models.BigIntegerField("财产性收入 N", default=0)
    transfer = models.BigIntegerField("转移性收入 P", default=0)
    total = models.BigIntegerField("家庭总收入 K", default=0, editable=False)
    costs = models.BigIntegerField("生产经营性支出 R", default=0)
    net = models.BigIntegerField("家庭纯收入 S", default=0, editable=False)
    per_capita = models.BigIntegerField("人均纯收入 T", default=0, editable=False)
    note = models.CharField("说明", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncomeCardQuerySet.as_manager()

    INPUTS = ["size", "wage", "production", "property_income", "transfer", "costs", "note"]

    class Meta:
        verbose_name = "收入明白卡"
        verbose_name_plural = "收入明白卡"
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="support_card_unique"),
            models.CheckConstraint(condition=Q(size__gte=1), name="support_card_size_positive"),
        ]
        indexes = [models.Index(fields=["year", "per_capita"])]

    def __str__(self) -> str:
        return f"{self.household} {self.year} 年收入"

    def save(self, *args, **kwargs):
        self.compute()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "total", "net", "per_capita"}
        super().save(*args, **kwargs)

    def compute(self) -> None:
        """K = L+M+N+P, S = K − R, T = S / size (rounded half up to the 分)."""
        self.total = self.wage + self.production + self.property_income + self.transfer
        self.net = self.total - self.costs
        if self.size:
            q, r = divmod(abs(self.net), self.size)
            q += 1 if 2 * r >= self.size else 0
            self.per_capita = q if self.net >= 0 else -q
        else:
            self.per_capita = 0

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "size": self.size,
            "wage": self.wage,
            "production": self.production,
            "property_income": self.property_income,
            "transfer": self.transfer,
            "total": self.total,
            "costs": self.costs,
            "net": self.net,
            "per_capita": self.per_capita,
            "note": self.note,
        }

    # Income is sensitive: the audit trail keeps that it changed, not the amounts.
    SENSITIVE = {
        k: (lambda v: "***" if v not in (None, "") else v)
        for k in ["wage", "production", "property_income", "transfer", "total", "costs", "net"]
        + ["per_capita"]
    }


class MeasureQuerySet(ScopedQuerySet):
    def active_in(self, year: int):
        start = datetime.date(year, 1, 1)
        end = datetime.date(year, 12, 31)
        return self.filter(start_date__lte=end).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start)
        )


class Measure(models.Model):
    """An assistance measure for a household, or for one of its members."""

    scope_path = "household__hamlet__code"

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="support_measures"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="受益人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_measures",
    )
    kind = models.CharField("措施类型", max_length=2, choices=codes.choices("measure"))
    title = models.CharField("措施内容", max_length=100)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    amount = models.BigIntegerField("金额（分）", default=0)
    provider = models.CharField("实施单位", max_length=100, blank=True)
    result = models.CharField("成效", max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶措施"
        verbose_name_plural = "帮扶措施"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    def to_dict(self) -> dict:
        return {
            "household": self.household.number,
            "person": self.person.name if self.person_id else None,
            "kind": self.kind,
            "title": self.title,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "amount": self.amount,
            "provider": self.provider,
            "result": self.result,
        }

    SENSITIVE: dict = {}
