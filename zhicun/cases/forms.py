"""Forms for reporting a case, issuing an instruction and filtering lists."""

import re

from django import forms
from django.db.models import Q

from zhicun.cases.models import EXTERNAL_SOURCES, Category, Source, State, Urgency
from zhicun.registry.models import Person
from zhicun.units.models import Kind, Unit

STAFF_SOURCES = [
    (value, label)
    for value, label in Source.choices
    if value not in (Source.PORTAL, Source.ASSIGNED, *EXTERNAL_SOURCES)
]


def units_for(user, perm: str, kinds) -> "forms.models.QuerySet":
    q = Q(pk__in=[])
    for unit in user.units_for(perm):
        q |= Q(code__startswith=unit.code)
    return Unit.objects.filter(q, kind__in=kinds).order_by("code")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class CaseReportForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=100)
    description = forms.CharField(label="情况描述", widget=forms.Textarea(attrs={"rows": 4}))
    category = CategoryChoiceField(label="分类", queryset=Category.objects.none())
    urgency = forms.ModelChoiceField(
        label="紧急程度",
        queryset=Urgency.objects.all(),
        required=False,
        empty_label="按分类默认",
    )
    origin_unit = forms.ModelChoiceField(label="发生地", queryset=Unit.objects.none())
    address = forms.CharField(label="详细地址", max_length=200, required=False)
    source = forms.ChoiceField(label="来源", choices=STAFF_SOURCES, initial=Source.STAFF)
    reporter_name = forms.CharField(label="反映人", max_length=40, required=False)
    reporter_phone = forms.CharField(label="反映人电话", max_length=20, required=False)
    persons = forms.CharField(
        label="涉及人员",
        required=False,
        max_length=200,
        help_text=(
            "填写发生地的村民姓名，多人用顿号分隔；同名时在姓名后加身份证号后四位（如 张三1234）"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).select_related(
            "parent"
        )
        units = units_for(
            user, "case.report", [Kind.TOWNSHIP, Kind.VILLAGE, Kind.GRID, Kind.HAMLET]
        )
        self.fields["origin_unit"].queryset = units
        self.fields["origin_unit"].label_from_instance = lambda u: f"{u.name}（{u.code}）"
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if name != "idempotency_key":
                field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        unit = data.get("origin_unit")
        data["persons"] = people_named(self.user, unit, data.get("persons", "")) if unit else []
        return data


def people_named(user, unit: Unit, text: str) -> list:
    """Registry persons at `unit` (and below) named in `text`; a Chinese error if unclear."""
    found = []
    for token in re.split(r"[、，,;；\s]+", text.strip()):
        if not token:
            continue
        name, tail = re.fullmatch(r"(.*?)(\d{3}[\dXx])?", token).groups()
        matches = Person.objects.in_scope(user).filter(
            hamlet__code__startswith=unit.code, name=name
        )
        if tail:
            matches = matches.filter(id_number__endswith=tail.upper())
        matches = list(matches[:2])
        if not matches:
            raise forms.ValidationError({"persons": f"在{unit.name}没有找到「{token}」"})
        if len(matches) > 1:
            raise forms.ValidationError(
                {"persons": f"{unit.name}有多位「{name}」，请在姓名后加身份证号后四位"}
            )
        found.append(matches[0])
    return found


class InstructionForm(forms.Form):
    title = forms.CharField(label="指令标题", max_length=100)
    content = forms.CharField(label="指令内容", widget=forms.Textarea(attrs={"rows": 4}))
    unit = forms.ModelChoiceField(label="下达单位", queryset=Unit.objects.none())
    deadline = forms.DateTimeField(
        label="完成时限", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    target_units = forms.ModelMultipleChoiceField(
        label="下达到网格/单位", queryset=Unit.objects.none(), required=False
    )
    target_users = forms.ModelMultipleChoiceField(label="下达到人员", queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        from zhicun.accounts.models import User

        super().__init__(*args, **kwargs)
        units = units_for(user, "case.instruct", [Kind.COUNTY, Kind.TOWNSHIP, Kind.VILLAGE])
        self.fields["unit"].queryset = units
        q = Q(pk__in=[])
        for unit in user.units_for("case.instruct"):
            q |= Q(code__startswith=unit.code)
        below = Unit.objects.filter(q, kind__in=[Kind.TOWNSHIP, Kind.VILLAGE, Kind.GRID])
        self.fields["target_units"].queryset = below.order_by("code")
        self.fields["target_units"].label_from_instance = lambda u: f"{u.name}（{u.code}）"
        self.fields["target_users"].queryset = (
            User.objects.filter(
                is_active=True, posts__active=True, posts__unit__in=Unit.objects.filter(q)
            )
            .exclude(pk=user.pk)
            .distinct()
            .order_by("username")
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False)
    state = forms.ChoiceField(label="状态", required=False)
    light = forms.ChoiceField(
        label="灯",
        required=False,
        choices=[("", "全部"), ("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")],
    )
    unit = forms.CharField(label="单位代码", required=False)
    category = forms.ModelChoiceField(
        label="分类", queryset=Category.objects.filter(parent=None), required=False
    )
    urgency = forms.ModelChoiceField(
        label="紧急程度", queryset=Urgency.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "全部"), ("open", "未办结"), *State.choices]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-select-sm form-control-sm")
