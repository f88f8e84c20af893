"""Finding persons by any combination of conditions (SPEC §3). One form, one queryset builder,
used by the search page, saved filters, statistics, exports and the API.

GET parameters (repeat a parameter for "any of"): unit, q, age_min, age_max, sex, ethnicity,
education, political, residence, labour, employment, skill, group, health, disability,
household_tag, land_min, land_max, moved (in|out|return), moved_since, moved_until,
not_visited_days, pension (1 = receiving).
"""

import datetime

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from zhicun.lib import codes
from zhicun.registry.choices import (
    Employment,
    HouseholdTag,
    MoveKind,
    Residence,
    SpecialGroup,
)
from zhicun.registry.models import Move, Person
from zhicun.units.models import Unit


def _multi(choices, label):
    return forms.MultipleChoiceField(
        choices=choices, required=False, label=label, widget=forms.CheckboxSelectMultiple
    )


class PersonFilterForm(forms.Form):
    unit = forms.CharField(required=False, label="区域")
    q = forms.CharField(required=False, label="姓名/拼音", max_length=40)
    age_min = forms.IntegerField(required=False, min_value=0, max_value=150, label="最小年龄")
    age_max = forms.IntegerField(required=False, min_value=0, max_value=150, label="最大年龄")
    sex = forms.ChoiceField(
        required=False, label="性别", choices=[("", "不限"), ("1", "男"), ("2", "女")]
    )
    ethnicity = _multi(codes.choices("ethnicity"), "民族")
    education = _multi(codes.choices("education"), "文化程度")
    political = _multi(codes.choices("political"), "政治面貌")
    residence = _multi(Residence.choices, "居住状态")
    labour = _multi(codes.choices("labour"), "劳动能力")
    employment = _multi(Employment.choices, "就业状况")
    skill = forms.CharField(required=False, label="技能", max_length=20)
    group = _multi(SpecialGroup.choices, "特殊人群")
    health = _multi(codes.choices("health"), "健康状况")
    disability = forms.ChoiceField(
        required=False,
        label="残疾类别",
        choices=[("", "不限"), ("any", "任一残疾")] + codes.choices("disability_category"),
    )
    household_tag = _multi(HouseholdTag.choices, "户类别")
    land_min = forms.DecimalField(required=False, min_value=0, label="承包地不少于（亩）")
    land_max = forms.DecimalField(required=False, min_value=0, label="承包地不多于（亩）")
    moved = forms.ChoiceField(
        required=False, label="流动", choices=[("", "不限")] + list(MoveKind.choices)
    )
    moved_since = forms.DateField(required=False, label="流动起始日期")
    moved_until = forms.DateField(required=False, label="流动截止日期")
    not_visited_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="超过多少天未走访"
    )
    pension = forms.ChoiceField(
        required=False, label="养老金", choices=[("", "不限"), ("1", "领取养老金")]
    )

    def clean(self):
        data = super().clean()
        lo, hi = data.get("age_min"), data.get("age_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("age_max", "最大年龄不能小于最小年龄")
        lo, hi = data.get("land_min"), data.get("land_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("land_max", "承包地上限不能小于下限")
        lo, hi = data.get("moved_since"), data.get("moved_until")
        if lo and hi and lo > hi:
            self.add_error("moved_until", "截止日期不能早于起始日期")
        code = data.get("unit")
        if code and not (code.isdigit() and len(code) <= 18):
            self.add_error("unit", "区域代码应为数字")
        return data

    def has_conditions(self) -> bool:
        return any(v not in (None, "", []) for v in self.cleaned_data.values())


def apply_filters(qs: QuerySet, data: dict, *, today: datetime.date | None = None) -> QuerySet:
    """Narrow a Person queryset by cleaned form data. Scope is applied by the caller."""
    today = today or timezone.localdate()
    if data.get("unit"):
        qs = qs.filter(hamlet__code__startswith=data["unit"])
    if data.get("q"):
        qs = qs.name_matches(data["q"])
    if data.get("age_min") is not None or data.get("age_max") is not None:
        qs = qs.aged(data.get("age_min"), data.get("age_max"), today=today)
    if data.get("sex"):
        qs = qs.filter(sex=data["sex"])
    for field in (
        "ethnicity",
        "education",
        "political",
        "residence",
        "labour",
        "employment",
        "health",
    ):
        if data.get(field):
            qs = qs.filter(**{f"{field}__in": data[field]})
    if data.get("skill"):
        qs = qs.filter(skills__has=data["skill"].strip())
    if data.get("group"):
        any_group = Q()
        for g in data["group"]:
            any_group |= Q(groups__has=g)
        qs = qs.filter(any_group)
    if data.get("disability") == "any":
        qs = qs.exclude(disability_category="")
    elif data.get("disability"):
        qs = qs.filter(disability_category=data["disability"])
    if data.get("household_tag"):
        any_tag = Q()
        for t in data["household_tag"]:
            any_tag |= Q(household__tags__has=t)
        qs = qs.filter(any_tag)
    if data.get("land_min") is not None:
        qs = qs.filter(household__land_area__gte=data["land_min"])
    if data.get("land_max") is not None:
        qs = qs.filter(household__land_area__lte=data["land_max"])
    if data.get("moved") or data.get("moved_since") or data.get("moved_until"):
        moves = Move.objects.filter(person=OuterRef("pk"))
        if data.get("moved"):
            moves = moves.filter(kind=data["moved"])
        if data.get("moved_since"):
            moves = moves.filter(date__gte=data["moved_since"])
        if data.get("moved_until"):
            moves = moves.filter(date__lte=data["moved_until"])
        qs = qs.filter(Exists(moves))
    if data.get("not_visited_days"):
        since = today - datetime.timedelta(days=data["not_visited_days"])
        qs = qs.filter(
            Q(household__last_visited_on__lt=since) | Q(household__last_visited_on__isnull=True)
        )
    if data.get("pension") == "1":
        qs = qs.filter(pension_receiving=True)
    return qs


def filter_persons(user, params, *, today: datetime.date | None = None):
    """(queryset in the user's scope, bound form). An invalid form gives an empty queryset."""
    form = PersonFilterForm(params)
    qs = Person.objects.in_scope(user)
    if not form.is_valid():
        return qs.none(), form
    data = dict(form.cleaned_data)
    if not data.get("residence"):
        # By default search the register: not the dead and not those moved away.
        qs = qs.active()
    return apply_filters(qs, data, today=today), form


def unit_choices(user) -> list[Unit]:
    """Units offered in the search's area picker: the user's scope down to grids."""
    return list(Unit.objects.in_scope(user).exclude(kind="hamlet").order_by("code")[:500])
