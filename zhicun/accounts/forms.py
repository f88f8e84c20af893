from django import forms
from django.contrib.auth.forms import AuthenticationForm

from zhicun.accounts.logins import login_username
from zhicun.accounts.models import Post, User
from zhicun.accounts.roles import Role


class PhoneLoginMixin:
    """Villagers type their mobile number; authentication and lockout see their username."""

    def clean_username(self):
        return login_username(self.cleaned_data["username"])


class LoginForm(PhoneLoginMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "is_active"]


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["role", "unit"]
        labels = {"role": "角色", "unit": "单位"}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["role"].choices = Role.choices
