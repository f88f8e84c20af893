from django.contrib import admin

from zhicun.jobs.models import Employer


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name"]
    # The contact phone stays masked here too; the full number is a reveal on the opening page.
    exclude = ["contact_phone"]
    readonly_fields = ["phone"]

    @admin.display(description="联系电话")
    def phone(self, obj):
        return obj.masked_phone

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
