"""Forms of the disclosure pages; the services do the checking that matters."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms

from zhicun.disclosure.models import (
    CATEGORIES,
    INCOME_CATEGORIES,
    Direction,
    Kind,
)
from zhicun.lib.forms import BootstrapMixin


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PublicationForm(BootstrapMixin, forms.Form):
    unit = VillageChoiceField(label="村", queryset=None)
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    title = forms.CharField(label="标题", max_length=120)
    period_start = forms.DateField(label="公开期间起", required=False)
    period_end = forms.DateField(label="公开期间止", required=False)
    body = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="可用简单格式：# 标题、- 列表、**加粗**，空行分段。不能包含身份证号和手机号。",
    )

    def __init__(self, *args, units=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if editing:
            del self.fields["unit"]
            del self.fields["kind"]


class YuanField(forms.CharField):
    """An amount typed in 元 (up to two decimals), cleaned to an integer number of 分."""

    def to_python(self, value):
        value = super().to_python(value).replace(",", "").strip()
        if not value:
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise forms.ValidationError("请填写金额，如 1200.50") from None
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError("金额最多两位小数")
        return int(amount * 100)


class LedgerEntryForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label="日期")
    direction = forms.ChoiceField(label="收支", choices=Direction.choices)
    category = forms.ChoiceField(
        label="科目",
        choices=[("收入", [(c, c) for c in INCOME_CATEGORIES])]
        + [("支出", [(c, c) for c in CATEGORIES[Direction.EXPENSE]])],
    )
    item = forms.CharField(label="摘要", max_length=120)
    amount = YuanField(label="金额（元）")
    voucher = forms.CharField(label="凭证号", max_length=30, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)


class GenerateForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    period = forms.ChoiceField(
        label="期间",
        choices=[(f"m{m}", f"{m}月") for m in range(1, 13)]
        + [(f"q{q}", f"第{q}季度") for q in range(1, 5)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        self.fields["year"].initial = last.year
        self.fields["period"].initial = f"m{last.month}"


class LogEntryForm(BootstrapMixin, forms.Form):
    unit = VillageChoiceField(label="村", queryset=None)
    date = forms.DateField(label="日期")
    happened = forms.CharField(label="今日情况", widget=forms.Textarea(attrs={"rows": 3}))
    raised = forms.CharField(
        label="群众反映", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    done = forms.CharField(
        label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["date"].initial = dt.date.today()


class SettingsForm(BootstrapMixin, forms.Form):
    affairs_months = forms.IntegerField(label="村务公开周期（月）", min_value=1, max_value=12)
    finance_months = forms.IntegerField(label="财务公开周期（月）", min_value=1, max_value=12)
    report_threshold = forms.IntegerField(label="举报几次后隐藏", min_value=1, max_value=50)
    office_phone = forms.CharField(label="村委会办公电话", max_length=20, required=False)
    premoderation = forms.BooleanField(label="留言先审后发", required=False)
