"""Forms of the villagers' portal."""

from django import forms

from zhicun.lib.forms import BootstrapMixin


class SignupForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(
        label="身份证号码", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )


class ConfirmForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label="设置密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位，不能全是数字",
    )
    password2 = forms.CharField(
        label="再次输入密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class CorrectionForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(label="涉及成员", queryset=None, required=False)
    content = forms.CharField(
        label="哪里不对，应该是什么",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        self.fields["person"].label_from_instance = lambda p: p.name
        self.fields["person"].empty_label = "全户 / 不限"


class CaseForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(label="问题类别", queryset=None)
    hamlet = forms.ModelChoiceField(label="发生在哪个自然村", queryset=None)
    title = forms.CharField(label="一句话说明", max_length=100)
    description = forms.CharField(
        label="详细情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    address = forms.CharField(label="具体位置", max_length=200, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, categories=None, hamlets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["category"].label_from_instance = str
        self.fields["hamlet"].queryset = hamlets
        self.fields["hamlet"].label_from_instance = lambda u: u.name
