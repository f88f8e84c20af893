from django.contrib import admin

from zhicun.cases.models import Category, Holiday, Urgency


@admin.register(Urgency)
class UrgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "limit_value", "limit_unit", "order"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "default_urgency", "order", "active"]
    list_filter = ["active", "parent"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
