"""Read-only admin views of villager accounts and correction requests."""

from django.contrib import admin

from zhicun.portal.models import CorrectionRequest, Villager


@admin.register(Villager)
class VillagerAdmin(admin.ModelAdmin):
    list_display = ["person", "village", "verified_at"]
    readonly_fields = ["user", "person", "village", "phone", "verified_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ["household", "status", "created_at", "handled_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
