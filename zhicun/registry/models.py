"""Households, persons, moves and visits (SPEC §3)."""

import datetime
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhicun.lib import codes
from zhicun.lib.fields import BlindIndexField, EncryptedCharField, TagsField
from zhicun.lib.masking import mask_id_number, mask_phone
from zhicun.registry.choices import (
    ACTIVE,
    LIVING,
    Employment,
    HouseholdResidence,
    HouseholdTag,
    HousingSafety,
    MoveKind,
    MoveReason,
    Religion,
    Residence,
    SpecialGroup,
    VisitKind,
)
from zhicun.units.scope import ScopedQuerySet

User = settings.AUTH_USER_MODEL


def code_field(table: str, verbose: str, **kwargs) -> models.CharField:
    return models.CharField(
        verbose, max_length=4, blank=True, choices=codes.choices(table), **kwargs
    )


class HouseholdQuerySet(ScopedQuerySet):
    def living(self):
        return self.filter(residence=HouseholdResidence.RESIDENT)

    def not_visited_since(self, day: datetime.date):
        return self.filter(Q(last_visited_on__lt=day) | Q(last_visited_on__isnull=True))


class Household(models.Model):
    scope_path = "hamlet__code"

    number = models.CharField("户编号", max_length=30, unique=True)
    hamlet = models.ForeignKey(
        "units.Unit", verbose_name="自然村", on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField("住址", max_length=200, blank=True)
    head = models.ForeignKey(
        "Person",
        verbose_name="户主",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    residence = models.CharField(
        "居住状态",
        max_length=10,
        choices=HouseholdResidence.choices,
        default=HouseholdResidence.RESIDENT,
    )
    land_area = models.DecimalField("承包地面积（亩）", max_digits=8, decimal_places=2, default=0)
    housing_safety = models.CharField(
        "住房安全", max_length=10, choices=HousingSafety.choices, default=HousingSafety.UNKNOWN
    )
    phone = EncryptedCharField("联系电话", blank=True, index_field="phone_hash")
    phone_hash = BlindIndexField(source="phone")
    tags = TagsField("户类别", choices=HouseholdTag.choices)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    last_visited_on = models.DateField("最近走访", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "户"
        verbose_name_plural = "户"
        ordering = ["number"]
        indexes = [
            models.Index(fields=["hamlet", "residence"]),
            models.Index(fields=["hamlet", "last_visited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head.name if self.head_id else ''}".strip()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def tag_labels(self) -> list[str]:
        return [HouseholdTag(t).label for t in self.tags if t in HouseholdTag.values]

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "hamlet": self.hamlet.code if self.hamlet_id else None,
            "address": self.address,
            "head": self.head.name if self.head_id else None,
            "residence": self.residence,
            "land_area": str(self.land_area),
            "housing_safety": self.housing_safety,
            "phone": self.phone,
            "tags": list(self.tags),
            "latitude": str(self.latitude) if self.latitude is not None else None,
            "longitude": str(self.longitude) if self.longitude is not None else None,
            "notes": self.notes,
        }

    SENSITIVE = {"phone": mask_phone}


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_range(age_min: int | None, age_max: int | None, today: datetime.date):
    """Birth dates of persons whose age is within [age_min, age_max] on `today`."""
    latest = earliest = None
    if age_min is not None:
        latest = _years_before(today, age_min)
    if age_max is not None:
        earliest = _years_before(today, age_max + 1) + datetime.timedelta(days=1)
    return earliest, latest


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class PersonQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(residence__in=ACTIVE)

    def living(self):
        return self.filter(residence__in=LIVING)

    def aged(self, age_min: int | None = None, age_max: int | None = None, today=None):
        earliest, latest = birth_range(age_min, age_max, today or timezone.localdate())
        qs = self
        if latest is not None:
            qs = qs.filter(birth_date__lte=latest)
        if earliest is not None:
            qs = qs.filter(birth_date__gte=earliest)
        return qs

    def name_matches(self, q: str):
        from zhicun.lib.pinyin import normalise_query

        q = q.strip()
        if not q:
            return self
        latin = normalise_query(q)
        if latin and latin == q.lower().replace(" ", ""):
            return self.filter(
                Q(name_pinyin__contains=" " + latin) | Q(name_initials__contains=" " + latin)
            )
        return self.filter(name__contains=q)


PERSON_HIDDEN_FIELDS = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "name_pinyin",
    "name_initials",
    "id_number_hash",
    "phone_hash",
}


class Person(models.Model):
    scope_path = "hamlet__code"

    household = models.ForeignKey(
        Household, verbose_name="所属户", on_delete=models.PROTECT, related_name="members"
    )
    # Denormalised from the household so that scope and search need no join.
    hamlet = models.ForeignKey(
        "units.Unit", verbose_name="自然村", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("姓名", max_length=40)
    name_pinyin = models.CharField(max_length=120, blank=True, editable=False)
    name_initials = models.CharField(max_length=40, blank=True, editable=False)
    id_number = EncryptedCharField("身份证号码", index_field="id_number_hash")
    id_number_hash = BlindIndexField(source="id_number")
    sex = code_field("sex", "性别")
    birth_date = models.DateField("出生日期")
    ethnicity = code_field("ethnicity", "民族", default="01")
    relation = code_field("relation", "与户主关系")
    education = code_field("education", "文化程度")
    marital = code_field("marital", "婚姻状况")
    political = code_field("political", "政治面貌", default="13")
    religion = models.CharField(
        "宗教信仰", max_length=10, choices=Religion.choices, default=Religion.NONE
    )
    health = code_field("health", "健康状况", default="1")
    disability_category = code_field("disability_category", "残疾类别")
    disability_grade = code_field("disability_grade", "残疾等级")
    disability_cert = models.CharField("残疾证号", max_length=30, blank=True)
    labour = code_field("labour", "劳动能力")
    skills = TagsField("技能")
    employment = models.CharField(
        "就业状况", max_length=12, choices=Employment.choices, default=Employment.NONE
    )
    employer = models.CharField("就业单位", max_length=100, blank=True)
    work_place = models.CharField("就业地点", max_length=100, blank=True)
    residence = models.CharField(
        "居住状态", max_length=10, choices=Residence.choices, default=Residence.RESIDENT
    )
    phone = EncryptedCharField("手机号", blank=True, index_field="phone_hash")
    phone_hash = BlindIndexField(source="phone")
    groups = TagsField("特殊人群", choices=SpecialGroup.choices)
    medical_insurance = models.BooleanField("城乡居民医保", default=False)
    pension_insurance = models.BooleanField("养老保险", default=False)
    pension_receiving = models.BooleanField("领取养老金", default=False)
    pension_certified_on = models.DateField("最近资格认证", null=True, blank=True)
    died_on = models.DateField("死亡日期", null=True, blank=True)
    moved_out_on = models.DateField("迁出日期", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "人口"
        verbose_name_plural = "人口"
        ordering = ["household_id", "relation", "birth_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(residence__in=list(ACTIVE)),
                name="person_id_number_unique_active",
            )
        ]
        indexes = [
            models.Index(fields=["hamlet", "residence"]),
            models.Index(fields=["hamlet", "birth_date"]),
            # The search's basic conditions (area, sex, age, name) over the register, answered
            # from the index alone: a township's total reads its ten thousand index entries, not
            # as many table rows (about 5 ms to 1.3 ms of PostgreSQL time for a township of
            # 10,700). Only the register (the default of every search) is indexed, so a search
            # descends once per hamlet rather than once per residence status.
            models.Index(
                fields=["hamlet", "sex", "birth_date", "name_pinyin", "name_initials", "name"],
                condition=Q(residence__in=list(ACTIVE)),
                name="person_register_search",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from zhicun.lib.pinyin import keys

        self.name_pinyin, self.name_initials = keys(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    SENSITIVE = {
        "id_number": mask_id_number,
        "phone": mask_phone,
        "religion": lambda v: "***" if v else v,
        "health": lambda v: "***" if v else v,
        "disability_category": lambda v: "***" if v else v,
        "disability_grade": lambda v: "***" if v else v,
        "disability_cert": lambda v: "***" if v else v,
    }

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def age(self) -> int:
        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_head(self) -> bool:
        return self.relation == "02"

    @property
    def is_active(self) -> bool:
        return self.residence in ACTIVE

    def label(self, field: str) -> str:
        table = {
            "sex": "sex",
            "ethnicity": "ethnicity",
            "relation": "relation",
            "education": "education",
            "marital": "marital",
            "political": "political",
            "health": "health",
            "labour": "labour",
            "disability_category": "disability_category",
            "disability_grade": "disability_grade",
        }[field]
        return codes.label(table, getattr(self, field))

    def group_labels(self) -> list[str]:
        return [SpecialGroup(g).label for g in self.groups if g in SpecialGroup.values]

    def to_dict(self) -> dict:
        data = {}
        for name, attname in _shown_fields(type(self)):
            value = getattr(self, attname)
            if type(value) not in _AS_IS:
                value = _plain(value)
            data[name] = value
        return data


@cache
def _shown_fields(model) -> list[tuple[str, str]]:
    """(name, attname) of the fields a person's history shows (audit trails compare these)."""
    return [
        (f.name, f.attname)
        for f in model._meta.concrete_fields
        if f.name not in PERSON_HIDDEN_FIELDS
    ]


_AS_IS = frozenset({str, int, bool, type(None)})  # values a history shows as they are


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    if not isinstance(value, (str, int, bool)):
        return str(value)
    return value


class Move(models.Model):
    scope_path = "person__hamlet__code"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField("类型", max_length=10, choices=MoveKind.choices)
    date = models.DateField("日期", db_index=True)
    from_place = models.CharField("从何处", max_length=100, blank=True)
    to_place = models.CharField("到何处", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=10, choices=MoveReason.choices)
    expected_return = models.DateField("预计返回", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "流动记录"
        verbose_name_plural = "流动记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.date}"


class Visit(models.Model):
    scope_path = "household__hamlet__code"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    visitor = models.ForeignKey(
        User, verbose_name="走访人", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("走访日期", db_index=True)
    kind = models.CharField("走访类型", max_length=10, choices=VisitKind.choices)
    findings = models.TextField("走访情况")
    follow_up = models.TextField("后续跟进", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.household} {self.date} {self.get_kind_display()}"


class VisitRule(models.Model):
    """A must-visit rule: households with a member in `group` are visited every `every_days`."""

    group = models.CharField("重点人群", max_length=20, choices=SpecialGroup.choices, unique=True)
    every_days = models.PositiveIntegerField("走访周期（天）", default=30)

    class Meta:
        verbose_name = "必访规则"
        verbose_name_plural = "必访规则"

    def __str__(self) -> str:
        return f"{self.get_group_display()} 每 {self.every_days} 天"


class SavedFilter(models.Model):
    """A named person search: personal, or shared with everyone in scope of `unit`."""

    name = models.CharField("名称", max_length=40)
    query = models.CharField("条件", max_length=1000)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters")
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    shared = models.BooleanField("共享给本单位", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "常用筛选"
        verbose_name_plural = "常用筛选"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One spreadsheet import: who, when, which file, and what it did."""

    scope_path = "unit__code"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "已预检"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "未通过"

    class OnExisting(models.TextChoices):
        SKIP = "skip", "跳过已登记人员"
        UPDATE = "update", "更新已登记人员的非空字段"

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    on_existing = models.CharField(
        "已登记人员", max_length=10, choices=OnExisting.choices, default=OnExisting.SKIP
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    rows_read = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    persons_created = models.PositiveIntegerField(default=0)
    persons_updated = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField("问题", default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.created_at:%Y-%m-%d %H:%M}"
