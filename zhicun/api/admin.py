from django.contrib import admin

from zhicun.api.models import ApiToken, Open311Application, Open311Request


class ReadOnly(admin.ModelAdmin):
    """Keys and tokens are issued and revoked through the services, which audit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnly):
    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    search_fields = ["user__username", "prefix", "name"]
    exclude = ["key_hash"]


@admin.register(Open311Application)
class Open311ApplicationAdmin(ReadOnly):
    list_display = ["name", "prefix", "contact", "created_at", "revoked_at", "requests_made"]
    exclude = ["key_hash"]


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnly):
    list_display = ["case", "application", "submitted_at"]
    list_select_related = ["case", "application"]
    exclude = ["token"]
