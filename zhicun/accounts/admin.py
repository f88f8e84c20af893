from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from zhicun.accounts.models import Post, User


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class ZhicunUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("岗位信息", {"fields": ("full_name", "phone")}),)
    list_display = ["username", "full_name", "is_active"]
    inlines = [PostInline]
