from django.contrib import admin

from zhicun.errands.models import ErrandType


@admin.register(ErrandType)
class ErrandTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "limit_days", "pays_money", "order", "active"]
