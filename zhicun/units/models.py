"""The one tree of units (SPEC §1): codes are strings and a child's code extends its parent's."""

from django.core.exceptions import ValidationError
from django.db import models


class Kind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "行政村（社区）"
    GRID = "grid", "网格"
    HAMLET = "hamlet", "自然村（村民小组）"


# Length of the code at each level; the order of this dict is the order of the tree.
CODE_LENGTH = {
    Kind.PROVINCE: 2,
    Kind.CITY: 4,
    Kind.COUNTY: 6,
    Kind.TOWNSHIP: 9,
    Kind.VILLAGE: 12,
    Kind.GRID: 15,
    Kind.HAMLET: 18,
}
_ORDER = list(CODE_LENGTH)
KIND_BY_LENGTH = {length: kind for kind, length in CODE_LENGTH.items()}


def child_kind(kind: str) -> str | None:
    i = _ORDER.index(kind)
    return _ORDER[i + 1] if i + 1 < len(_ORDER) else None


def parent_kind(kind: str) -> str | None:
    i = _ORDER.index(kind)
    return _ORDER[i - 1] if i > 0 else None


class UnitQuerySet(models.QuerySet):
    def below(self, code: str) -> "UnitQuerySet":
        """The unit with this code and everything under it: one indexed prefix query."""
        return self.filter(code__startswith=code)

    def in_scope(self, user) -> "UnitQuerySet":
        from zhicun.units.scope import scope_q

        return self.filter(scope_q(user, "code"))

    def of_kind(self, kind: str) -> "UnitQuerySet":
        return self.filter(kind=kind)


class Unit(models.Model):
    code = models.CharField("代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("层级", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    remark = models.CharField("备注", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_code(self.code, self.kind, self.parent)

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    def contains(self, code: str) -> bool:
        return code.startswith(self.code)

    def subtree(self) -> UnitQuerySet:
        return Unit.objects.below(self.code)

    def ancestor_codes(self) -> list[str]:
        """Codes of the possible ancestors, derived from this code (root first)."""
        return [self.code[:n] for n in CODE_LENGTH.values() if n < len(self.code)]

    def ancestors(self) -> UnitQuerySet:
        return Unit.objects.filter(code__in=self.ancestor_codes()).order_by("code")

    def path_names(self) -> str:
        names = [u.name for u in self.ancestors()] + [self.name]
        return " / ".join(names)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent.code if self.parent_id else None,
        }


def check_code(code: str, kind: str, parent: "Unit | None") -> None:
    """Refuse a code that does not fit its level and parent, with a message a cadre understands."""
    if kind not in CODE_LENGTH:
        raise ValidationError({"kind": "未知的层级"})
    want = CODE_LENGTH[kind]
    label = Kind(kind).label
    if not code or not code.isdigit() or not code.isascii():
        raise ValidationError({"code": "代码只能由数字组成"})
    if len(code) != want:
        raise ValidationError({"code": f"{label}代码应为 {want} 位数字，实际 {len(code)} 位"})
    if parent is None:
        return
    if parent_kind(kind) != parent.kind:
        if parent_kind(kind) is None:
            raise ValidationError({"parent": f"{label}不能有上级"})
        above = Kind(parent_kind(kind)).label
        raise ValidationError({"parent": f"{label}的上级应为{above}，不能是{parent.kind_label}"})
    if not code.startswith(parent.code):
        raise ValidationError({"code": f"代码 {code} 必须以上级代码 {parent.code} 开头"})
    if code == parent.code + "0" * (want - len(parent.code)):
        raise ValidationError({"code": "下级编号不能全为 0"})


class UnitMove(models.Model):
    """A unit moved under another parent (re-gridding): where it was, and what its code was."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="moves")
    old_code = models.CharField("原代码", max_length=18, db_index=True)
    new_code = models.CharField("新代码", max_length=18)
    old_parent = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    new_parent = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "区划调整记录"
        verbose_name_plural = "区划调整记录"
        ordering = ["-moved_at"]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"
