from django.contrib import admin

from zhicun.units.models import Unit, UnitMove


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(UnitMove)
class UnitMoveAdmin(admin.ModelAdmin):
    list_display = ["unit", "old_code", "new_code", "moved_by", "moved_at"]
    readonly_fields = [f.name for f in UnitMove._meta.fields]
