"""Forms for households, persons, moves and visits. Validation that involves the database or
several records lives in services; these check types and required fields."""

from django import forms
from django.utils import timezone

from zhicun.lib.fields import normalise_tags
from zhicun.lib.forms import BootstrapMixin
from zhicun.registry.choices import MoveKind, MoveReason, VisitKind
from zhicun.registry.models import Household, Person
from zhicun.registry.services import HOUSEHOLD_FIELDS, PERSON_FIELDS


class HouseholdForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = "留空则自动编号"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class PersonForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    skills = forms.CharField(
        required=False, label="技能", help_text="多个用逗号分隔，如：电焊，驾驶"
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "birth_date": forms.DateInput(),
            "pension_certified_on": forms.DateInput(),
        }

    def __init__(self, *args, head=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = "可留空，按身份证号码自动填写"
        self.fields["sex"].required = False
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "maxlength": 18})
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["skills"] = "，".join(self.instance.skills)
        if head or editing:
            del self.fields["relation"]
        else:
            self.fields["relation"].required = True
            self.fields["relation"].choices = [
                c for c in self.fields["relation"].choices if c[0] != "02"
            ]
        if editing:
            del self.fields["residence"]

    def clean_skills(self):
        return normalise_tags(self.cleaned_data.get("skills"))

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def household_form_data(form: HouseholdForm) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


class MoveForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=MoveKind.choices)
    date = forms.DateField(label="日期", widget=forms.DateInput(), initial=timezone.localdate)
    reason = forms.ChoiceField(label="原因", choices=MoveReason.choices)
    from_place = forms.CharField(label="从何处", required=False, max_length=100)
    to_place = forms.CharField(label="到何处", required=False, max_length=100)
    expected_return = forms.DateField(label="预计返回", required=False, widget=forms.DateInput())
    note = forms.CharField(label="说明", required=False, max_length=200)


class VisitForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="走访日期", widget=forms.DateInput(), initial=timezone.localdate)
    kind = forms.ChoiceField(label="走访类型", choices=VisitKind.choices)
    findings = forms.CharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label="后续跟进", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(BootstrapMixin, forms.Form):
    what = forms.ChoiceField(
        label="登记事项", choices=[("dead", "死亡"), ("moved_out", "户籍迁出")]
    )
    date = forms.DateField(label="日期", widget=forms.DateInput())
    to_place = forms.CharField(label="迁往何处", required=False, max_length=100)
    note = forms.CharField(label="说明", required=False, max_length=200)


class TransferForm(BootstrapMixin, forms.Form):
    to_number = forms.CharField(label="迁入户的户编号", max_length=30)
    relation = forms.ChoiceField(label="与新户户主关系")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [
            c for c in Person._meta.get_field("relation").choices if c[0] != "02"
        ]


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[
            ("id_number", "身份证号码"),
            ("phone", "手机号"),
            ("religion", "宗教信仰"),
            ("health", "健康与残疾"),
        ]
    )
    purpose = forms.CharField(max_length=100, error_messages={"required": "请填写查看用途"})
