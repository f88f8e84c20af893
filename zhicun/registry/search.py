"""Finding persons by any combination of conditions (SPEC §3). One form, one queryset builder,
used by the search page, saved filters, statistics, exports and the API.

GET parameters (repeat a parameter for "any of"): unit, q, age_min, age_max, sex, ethnicity,
education, political, residence, labour, employment, skill, group, health, disability,
household_tag, land_min, land_max, moved (in|out|return), moved_since, moved_until,
moved_days (within the last N days), not_visited_days, pension (1 = receiving).
"""

import copy
import datetime
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from zhicun.accounts.roles import BUSINESS_ROLES
from zhicun.audit.services import audit_record
from zhicun.lib import codes
from zhicun.lib.fields import SEP
from zhicun.lib.masking import mask_id_number, mask_phone
from zhicun.registry.choices import (
    Employment,
    HouseholdTag,
    MoveKind,
    Residence,
    SpecialGroup,
)
from zhicun.registry.models import Move, Person, SavedFilter
from zhicun.units.models import CODE_LENGTH, Unit
from zhicun.units.scope import NOTHING, covers, scope_codes


class FixedChoices:
    """A choice field whose options are fixed when the form class is built (code tables).

    Every form instance deep-copies its fields, and Django's choice fields copy and re-check
    their options each time: for the search form's two hundred options that was most of the
    cost of reading a search request. Nothing changes these options on an instance, so the
    copies share them; the field and its widget are still copied, attributes and all.
    """

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class FixedChoiceField(FixedChoices, forms.ChoiceField):
    pass


class FixedMultipleChoiceField(FixedChoices, forms.MultipleChoiceField):
    pass


def _multi(choices, label, *, long: bool = False):
    # Long code tables (56 ethnicities) are a multi-select, short ones a row of checkboxes.
    widget = forms.SelectMultiple(attrs={"size": 6}) if long else forms.CheckboxSelectMultiple
    return FixedMultipleChoiceField(choices=choices, required=False, label=label, widget=widget)


_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonFilterForm(forms.Form):
    unit = forms.CharField(required=False, label="区域")
    q = forms.CharField(required=False, label="姓名/拼音", max_length=40)
    age_min = forms.IntegerField(required=False, min_value=0, max_value=150, label="最小年龄")
    age_max = forms.IntegerField(required=False, min_value=0, max_value=150, label="最大年龄")
    sex = FixedChoiceField(
        required=False, label="性别", choices=[("", "不限"), ("1", "男"), ("2", "女")]
    )
    ethnicity = _multi(codes.choices("ethnicity"), "民族", long=True)
    education = _multi(codes.choices("education"), "文化程度", long=True)
    political = _multi(codes.choices("political"), "政治面貌", long=True)
    residence = _multi(Residence.choices, "居住状态")
    labour = _multi(codes.choices("labour"), "劳动能力")
    employment = _multi(Employment.choices, "就业状况")
    skill = forms.CharField(required=False, label="技能", max_length=20)
    group = _multi(SpecialGroup.choices, "特殊人群")
    health = _multi(codes.choices("health"), "健康状况")
    disability = FixedChoiceField(
        required=False,
        label="残疾类别",
        choices=[("", "不限"), ("any", "任一残疾")] + codes.choices("disability_category"),
    )
    household_tag = _multi(HouseholdTag.choices, "户类别")
    land_min = forms.DecimalField(required=False, min_value=0, label="承包地不少于（亩）")
    land_max = forms.DecimalField(required=False, min_value=0, label="承包地不多于（亩）")
    moved = FixedChoiceField(
        required=False, label="流动", choices=[("", "不限")] + list(MoveKind.choices)
    )
    moved_since = forms.DateField(required=False, label="流动起始日期", widget=_DATE)
    moved_until = forms.DateField(required=False, label="流动截止日期", widget=_DATE)
    moved_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="近多少天内流动"
    )
    not_visited_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="超过多少天未走访"
    )
    pension = FixedChoiceField(
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


def _style(fields: dict) -> None:
    """Bootstrap classes, set once on the class's fields (every instance copies them)."""
    for field in fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            field.widget.attrs["class"] = "form-check-input"
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs["class"] = "form-select form-select-sm"
        else:
            field.widget.attrs["class"] = "form-control form-control-sm"


_style(PersonFilterForm.base_fields)


def has_tag(path: str, tag: str) -> Q:
    """Rows whose TagsField at `path` holds `tag` (a LIKE on the "|a|b|" storage).

    Spelled as `contains` because the field's own `has` lookup passes its argument through
    the field's get_prep_value first and so looks for "||tag||".
    """
    return Q(**{f"{path}__contains": f"{SEP}{tag}{SEP}"})


def education_codes(selected) -> list[str]:
    """A level-1 education code (70 初级中学教育) also means its level-2 codes (71, 73)."""
    table = codes.table("education")
    out = set(selected)
    for code in selected:
        if code.endswith("0"):
            out.update(c for c in table if c[0] == code[0])
    return sorted(out)


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
            values = education_codes(data[field]) if field == "education" else data[field]
            qs = qs.filter(**{f"{field}__in": values})
    if data.get("skill"):
        qs = qs.filter(has_tag("skills", data["skill"].strip()))
    if data.get("group"):
        any_group = Q()
        for g in data["group"]:
            any_group |= has_tag("groups", g)
        qs = qs.filter(any_group)
    if data.get("disability") == "any":
        qs = qs.exclude(disability_category="")
    elif data.get("disability"):
        qs = qs.filter(disability_category=data["disability"])
    if data.get("household_tag"):
        any_tag = Q()
        for t in data["household_tag"]:
            any_tag |= has_tag("household__tags", t)
        qs = qs.filter(any_tag)
    if data.get("land_min") is not None:
        qs = qs.filter(household__land_area__gte=data["land_min"])
    if data.get("land_max") is not None:
        qs = qs.filter(household__land_area__lte=data["land_max"])
    if any(data.get(k) for k in ("moved", "moved_since", "moved_until", "moved_days")):
        moves = Move.objects.filter(person=OuterRef("pk"))
        if data.get("moved"):
            moves = moves.filter(kind=data["moved"])
        if data.get("moved_since"):
            moves = moves.filter(date__gte=data["moved_since"])
        if data.get("moved_until"):
            moves = moves.filter(date__lte=data["moved_until"])
        if data.get("moved_days"):
            # Relative, so that a saved "近14天流入" stays true tomorrow.
            moves = moves.filter(date__gte=today - datetime.timedelta(days=data["moved_days"]))
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
    if data.get("unit") and covers(user, data["unit"]):
        # apply_filters keeps only persons below a unit the user covers, all of them in scope:
        # the scope condition would only repeat it (and mislead PostgreSQL's row estimates).
        qs = Person.objects.all()
    if not data.get("residence"):
        # By default search the register: not the dead and not those moved away.
        qs = qs.active()
    return apply_filters(qs, data, today=today), form


def unit_choices(user) -> list[dict]:
    """Units offered in the search's area picker: the user's scope down to hamlets, each just
    the code, name and kind the picker shows (read for every page, so not as model instances)."""
    units = Unit.objects.in_scope(user).values("code", "name", "kind")
    return list(units.order_by("code")[:500])


# The conditions shown without opening "more conditions" on a phone.
BASIC_FIELDS = ("unit", "q", "age_min", "age_max", "sex", "residence")


def query_string(form: PersonFilterForm) -> str:
    """The form's conditions as a canonical GET query string (no page, no empty values)."""
    pairs = []
    for name in form.fields:
        for value in form.data.getlist(name) if hasattr(form.data, "getlist") else []:
            if str(value).strip():
                pairs.append((name, str(value).strip()))
    return urlencode(pairs)


def condition_labels(
    form: PersonFilterForm, *, unit: Unit | None = None, exclude: tuple[str, ...] = ()
) -> list[str]:
    """Human-readable conditions of a valid form: "性别：男", "特殊人群：残疾人、五保"."""
    labels = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", []) or name in exclude:
            continue
        if name == "unit" and unit is not None:
            value = unit.name
        choices = dict(getattr(field, "choices", []) or [])
        if isinstance(value, list):
            shown = "、".join(str(choices.get(v, v)) for v in value)
        elif choices:
            shown = str(choices.get(value, value))
        else:
            shown = str(value)
        labels.append(f"{field.label}：{shown}")
    return labels


# Saved filters -----------------------------------------------------------------------------


def saved_filters_for(user):
    """The user's own filters, and those shared at a unit in or above the user's scope."""
    codes_ = scope_codes(user)
    visible = Q(owner=user) if getattr(user, "pk", None) else NOTHING
    if codes_:
        ancestors = {c[:n] for c in codes_ for n in CODE_LENGTH.values() if n <= len(c)}
        shared = Q(unit__code__in=ancestors)
        for code in codes_:
            shared |= Q(unit__code__startswith=code)
        visible |= Q(shared=True) & shared
    return SavedFilter.objects.filter(visible).select_related("owner", "unit").order_by("name")


def share_units(user) -> list[Unit]:
    """Units a user may share a filter with: those of their business posts."""
    seen = {}
    for post in user.post_list:
        if post.role in BUSINESS_ROLES:
            seen.setdefault(post.unit.code, post.unit)
    return list(seen.values())


@transaction.atomic
def saved_filter_create(
    *, by, name: str, query: str, shared: bool = False, unit_code: str = ""
) -> SavedFilter:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写名称"
    elif len(name) > 40:
        errors["name"] = "名称不能超过 40 个字"
    form = PersonFilterForm(QueryDict(query or ""))
    if not form.is_valid():
        errors["query"] = "查询条件有误，请先修正"
    query = query_string(form)
    if len(query) > 1000:
        errors["query"] = "查询条件过长，无法保存"
    units = {u.code: u for u in share_units(by)}
    unit = units.get(unit_code) if unit_code else next(iter(units.values()), None)
    if shared and unit is None:
        errors["unit"] = "只能共享给您所在岗位的单位"
    if errors:
        raise ValidationError(errors)
    saved = SavedFilter.objects.create(
        name=name, query=query, owner=by, unit=unit, shared=bool(shared)
    )
    audit_record(
        actor=by,
        action="create",
        obj=saved,
        unit_code=unit.code if unit else "",
        details={"name": name, "query": query, "shared": bool(shared)},
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, by, saved_filter: SavedFilter) -> None:
    if saved_filter.owner_id != by.pk:
        raise PermissionDenied("只能删除自己保存的筛选")
    audit_record(
        actor=by,
        action="delete",
        obj=saved_filter,
        unit_code=saved_filter.unit.code if saved_filter.unit_id else "",
        details={"name": saved_filter.name, "query": saved_filter.query},
    )
    saved_filter.delete()


# Exact lookup --------------------------------------------------------------------------------


class LookupForm(forms.Form):
    """An ID number or a phone number, entered in full; sent by POST so it never lands in a URL."""

    number = forms.CharField(label="身份证号码或手机号", max_length=30)

    def clean(self):
        data = super().clean()
        raw = "".join((data.get("number") or "").split()).upper()
        if not raw:
            return data
        if len(raw) == 18 and raw[:17].isdigit() and (raw[17].isdigit() or raw[17] == "X"):
            data.update(kind="id_number", value=raw, masked=mask_id_number(raw))
        elif raw.isdigit() and 7 <= len(raw) <= 12:
            data.update(kind="phone", value=raw, masked=mask_phone(raw))
        else:
            self.add_error("number", "请输入完整的 18 位身份证号码或手机号码")
        return data


def lookup_persons(user, kind: str, value: str) -> QuerySet:
    """Persons in the user's scope with exactly this ID number or phone (any status)."""
    qs = Person.objects.in_scope(user).select_related("hamlet", "household")
    if kind == "id_number":
        qs = qs.filter(id_number=value)
    else:
        qs = qs.filter(Q(phone=value) | Q(household__phone=value))
    return qs.order_by("hamlet__code", "household__number", "pk")[:50]
