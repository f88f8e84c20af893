from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin

from zhicun.accounts.forms import PhoneLoginMixin
from zhicun.accounts.models import Post, User


class AdminLoginForm(PhoneLoginMixin, AdminAuthenticationForm):
    """A mobile number typed here is counted against its account too, never stored."""


admin.site.login_form = AdminLoginForm


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class ZhicunUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("岗位信息", {"fields": ("full_name", "phone")}),)
    list_display = ["username", "full_name", "is_active"]
    inlines = [PostInline]
