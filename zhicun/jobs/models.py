"""Jobs (SPEC §7): employers, openings, and what happened between an opening and a villager."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhicun.lib import codes
from zhicun.lib.fields import EncryptedCharField, TagsField
from zhicun.lib.masking import mask_phone
from zhicun.units.scope import ScopedQuerySet, scope_codes

User = settings.AUTH_USER_MODEL
REVEAL = "registry.reveal"


def _covering_q(user, path: str) -> Q:
    """Rows hanging on a unit inside the user's scope, or on a unit above it (a district-wide
    employer is visible to every village in the district)."""
    q = Q(pk__in=[])
    for code in scope_codes(user):
        q |= Q(**{f"{path}__startswith": code})
        ancestors = [code[:n] for n in (2, 4, 6, 9, 12, 15) if n < len(code)]
        if ancestors:
            q |= Q(**{f"{path}__in": ancestors})
    return q


class EmployerKind(models.TextChoices):
    WORKSHOP = "workshop", "扶贫车间"
    ORCHARD = "orchard", "林果采摘园"
    FARM = "farm", "养殖基地"
    SKI = "ski", "滑雪场"
    COOPERATIVE = "coop", "合作社"
    FACTORY = "factory", "企业"
    CONSTRUCTION = "construction", "建筑工地"
    PUBLIC = "public", "公益岗位"
    OTHER = "other", "其他"


class EmployerQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(_covering_q(user, "unit__code"))


class Employer(models.Model):
    scope_path = "unit__code"

    name = models.CharField("用工单位", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=EmployerKind.choices)
    unit = models.ForeignKey(
        "units.Unit", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    # Encrypted at rest like every phone; nothing looks an employer up by it, so no keyed hash.
    contact_phone = EncryptedCharField("联系电话", blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = "用工单位"
        verbose_name_plural = "用工单位"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="jobs_employer_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone)

    def may_reveal(self, user) -> bool:
        """Whether one of the user's posts that may reveal sees this employer: its unit lies in
        or above the post's unit (as in `visible_to`)."""
        code = self.unit.code
        return any(
            code.startswith(u.code) or u.code.startswith(code) for u in user.units_for(REVEAL)
        )


class OpeningQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        return self.filter(_covering_q(user, "employer__unit__code"))

    def open(self):
        return self.filter(is_open=True)


class Opening(models.Model):
    scope_path = "employer__unit__code"

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="openings")
    position = models.CharField("岗位", max_length=60)
    headcount = models.PositiveIntegerField("招聘人数")
    wage = models.PositiveIntegerField("月工资（分）")
    season_start = models.DateField("用工开始")
    season_end = models.DateField("用工结束", null=True, blank=True)
    place_unit = models.ForeignKey(
        "units.Unit",
        verbose_name="工作地点（区划）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_text = models.CharField("工作地点", max_length=100, blank=True)
    age_min = models.PositiveIntegerField("最低年龄", default=18)
    age_max = models.PositiveIntegerField("最高年龄", default=60)
    skills = TagsField("技能要求")
    # Only where the law allows a sex requirement (e.g. 女职工禁忌从事的劳动); the reason is kept.
    sex = models.CharField("性别要求", max_length=1, blank=True, choices=codes.choices("sex"))
    sex_reason = models.CharField("性别要求依据", max_length=200, blank=True)
    requirements = models.TextField("其他要求", blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = EncryptedCharField("联系电话", blank=True)
    is_open = models.BooleanField("招聘中", default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpeningQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘岗位"
        verbose_name_plural = "招聘岗位"
        ordering = ["-season_start", "-id"]

    def __str__(self) -> str:
        return f"{self.employer} · {self.position}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def place(self) -> str:
        return self.place_text or (self.place_unit.name if self.place_unit_id else "")

    @property
    def season(self) -> str:
        end = f"{self.season_end:%Y-%m-%d}" if self.season_end else "长期"
        return f"{self.season_start:%Y-%m-%d} 至 {end}"

    def to_dict(self) -> dict:
        return {
            "employer": self.employer.name,
            "position": self.position,
            "headcount": self.headcount,
            "wage": self.wage,
            "season_start": self.season_start.isoformat(),
            "season_end": self.season_end.isoformat() if self.season_end else None,
            "place": self.place,
            "age_min": self.age_min,
            "age_max": self.age_max,
            "skills": list(self.skills),
            "sex": self.sex,
            "is_open": self.is_open,
        }


class EventKind(models.TextChoices):
    CONTACT = "contact", "已联系"
    INTERVIEW = "interview", "已面试"
    PLACEMENT = "placement", "已上岗"
    REFUSAL = "refusal", "不愿意/未录用"
    LEFT = "left", "已离岗"


class JobEvent(models.Model):
    """One step between an opening and a villager: the history shown on both."""

    scope_path = "person__hamlet__code"

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("进展", max_length=10, choices=EventKind.choices)
    date = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "就业对接记录"
        verbose_name_plural = "就业对接记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.opening}"


class PlacementQuerySet(ScopedQuerySet):
    def current(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def since(self, day: datetime.date):
        return self.filter(start_date__gte=day)


class Placement(models.Model):
    scope_path = "person__hamlet__code"

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="placements")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="placements"
    )
    start_date = models.DateField("上岗日期")
    end_date = models.DateField("离岗日期", null=True, blank=True)
    monthly_income = models.PositiveIntegerField("月收入（分）")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = "就业安置"
        verbose_name_plural = "就业安置"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.opening}"
