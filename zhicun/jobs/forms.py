"""Forms of the jobs pages. Wages are typed in 元 and handed to services in 分."""

from django import forms

from zhicun.jobs.models import EmployerKind
from zhicun.lib import codes
from zhicun.lib.forms import BootstrapMixin
from zhicun.support.forms import YuanField


class EmployerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="用工单位名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=EmployerKind.choices)
    unit = forms.ChoiceField(label="登记单位")
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.path_names()) for u in units]


class OpeningForm(BootstrapMixin, forms.Form):
    employer = forms.TypedChoiceField(label="用工单位", coerce=int)
    position = forms.CharField(label="岗位", max_length=60)
    headcount = forms.IntegerField(label="招聘人数", min_value=1, max_value=10000)
    wage = YuanField(label="月工资（元）", required=True)
    season_start = forms.DateField(label="用工开始", widget=forms.DateInput)
    season_end = forms.DateField(label="用工结束", required=False, widget=forms.DateInput)
    place_text = forms.CharField(label="工作地点", max_length=100, required=False)
    age_min = forms.IntegerField(label="最低年龄", initial=18, min_value=16, max_value=70)
    age_max = forms.IntegerField(label="最高年龄", initial=60, min_value=16, max_value=70)
    skills = forms.CharField(
        label="技能要求", required=False, help_text="多个用逗号分隔，如：驾驶, 电焊"
    )
    sex = forms.ChoiceField(
        label="性别要求",
        choices=[("", "不限")] + codes.choices("sex"),
        required=False,
        help_text="仅限法律允许的工种，须注明依据",
    )
    sex_reason = forms.CharField(label="性别要求依据", max_length=200, required=False)
    requirements = forms.CharField(
        label="其他要求", required=False, widget=forms.Textarea({"rows": 2})
    )
    contact_name = forms.CharField(label="联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]


class PlacementForm(BootstrapMixin, forms.Form):
    start_date = forms.DateField(label="上岗日期", widget=forms.DateInput)
    end_date = forms.DateField(label="离岗日期", required=False, widget=forms.DateInput)
    monthly_income = YuanField(label="月收入（元）", required=True)
    note = forms.CharField(label="说明", max_length=200, required=False)


class EventForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[("contact", "已联系"), ("interview", "已面试"), ("refusal", "不愿意/未录用")]
    )
    note = forms.CharField(max_length=200, required=False)


class EndForm(BootstrapMixin, forms.Form):
    end_date = forms.DateField(label="离岗日期", widget=forms.DateInput)
    note = forms.CharField(label="说明", max_length=200, required=False)
