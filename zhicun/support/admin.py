from django.contrib import admin

from zhicun.support.models import Threshold


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    """Read-only here: thresholds are set on the 监测标准 page, which audits every change."""

    list_display = ["year", "region_code", "amount", "note"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
