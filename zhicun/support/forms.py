"""Forms of the support pages. Money is typed in 元 and handed to services in 分."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from zhicun.lib import codes
from zhicun.lib.forms import BootstrapMixin
from zhicun.support.models import Decision, Direction, Kind


class YuanField(forms.CharField):
    """An amount in 元 with at most two decimals, cleaned to an integer number of 分."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "placeholder": "0.00"})

    def clean(self, value):
        value = super().clean(value)
        value = (value or "0").replace(",", "").replace("，", "").strip()
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ValidationError("请填写金额（元），如 1234.50") from None
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("金额最多保留两位小数")
        if amount < 0:
            raise ValidationError("金额不能为负数")
        return int(amount * 100)


def fen_to_yuan_input(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class SupportedForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Kind.choices)
    monitor_type = forms.ChoiceField(
        label="监测对象类型（监测户）",
        choices=[("", "—")] + codes.choices("monitor_type"),
        required=False,
    )
    year_identified = forms.IntegerField(label="识别年度", min_value=2013, max_value=2100)
    causes = forms.MultipleChoiceField(
        label="致贫原因",
        choices=codes.choices("poverty_cause"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_types = forms.MultipleChoiceField(
        label="风险类型",
        choices=codes.choices("risk_type"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label="情况说明", required=False, widget=forms.Textarea({"rows": 2}))


class IncomeCardForm(BootstrapMixin, forms.Form):
    size = forms.IntegerField(label="家庭人口（人）", min_value=1, max_value=30)
    wage = YuanField(label="工资性收入 L（元）")
    production = YuanField(label="生产经营性收入 M（元）")
    property_income = YuanField(label="财产性收入 N（元）")
    transfer = YuanField(label="转移性收入 P（元）")
    costs = YuanField(label="生产经营性支出 R（元）")
    note = forms.CharField(label="说明", required=False, max_length=200)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MeasureForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="措施类型", choices=codes.choices("measure"))
    title = forms.CharField(label="措施内容", max_length=100)
    person = forms.TypedChoiceField(label="受益人", coerce=int, required=False, empty_value=None)
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput)
    end_date = forms.DateField(label="结束日期", required=False, widget=forms.DateInput)
    amount = YuanField(label="金额（元）")
    provider = forms.CharField(label="实施单位", max_length=100, required=False)
    result = forms.CharField(label="成效", max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "全户")] + [(m.pk, m.name) for m in members]


class CadreForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label="帮扶责任人", max_length=40, widget=forms.TextInput({"placeholder": "姓名"})
    )
    unit_name = forms.CharField(
        label="工作单位", max_length=100, widget=forms.TextInput({"placeholder": "工作单位"})
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput({"placeholder": "联系电话", "inputmode": "tel"}),
    )
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput)


class ReviewForm(BootstrapMixin, forms.Form):
    direction = forms.ChoiceField(label="事项", choices=Direction.choices)
    monitor_type = forms.ChoiceField(
        label="拟定监测类型",
        choices=[("", "—")] + codes.choices("monitor_type"),
        required=False,
    )
    risk_types = forms.MultipleChoiceField(
        label="风险类型",
        choices=codes.choices("risk_type"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label="申请理由", widget=forms.Textarea({"rows": 2}))


class DecideForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="结论", choices=Decision.choices)
    opinion = forms.CharField(label="意见", widget=forms.Textarea({"rows": 2}))


class ThresholdForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2013, max_value=2100)
    region_code = forms.CharField(
        label="适用区划代码",
        max_length=6,
        required=False,
        help_text="如 15（内蒙古）、150902；留空表示全部",
    )
    amount = YuanField(label="监测标准（元/人·年）", required=True)
    note = forms.CharField(label="依据", max_length=200, required=False)


class SupportedEditForm(BootstrapMixin, forms.Form):
    year_identified = forms.IntegerField(label="识别年度", min_value=2013, max_value=2100)
    causes = SupportedForm.base_fields["causes"]
    risk_types = SupportedForm.base_fields["risk_types"]
    notes = SupportedForm.base_fields["notes"]
    version = forms.IntegerField(widget=forms.HiddenInput)
