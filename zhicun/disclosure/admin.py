"""Read-only admin views: changes go through the services, which audit them."""

from django.contrib import admin

from zhicun.disclosure.models import (
    Comment,
    DisclosureSettings,
    LedgerEntry,
    LogEntry,
    Publication,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnly):
    list_display = ["title", "unit", "kind", "number", "status", "published_at"]
    list_filter = ["kind", "status"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ["date", "unit", "direction", "category", "item", "amount", "voucher"]


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnly):
    list_display = ["date", "unit", "author", "case_number"]


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ["publication", "author", "status", "report_count", "created_at"]


@admin.register(DisclosureSettings)
class DisclosureSettingsAdmin(ReadOnly):
    list_display = ["unit", "affairs_months", "finance_months", "premoderation", "report_threshold"]
