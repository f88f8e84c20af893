from django.contrib import admin

from zhicun.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "address", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
    search_fields = ["subject", "address"]
    readonly_fields = [f.name for f in Message._meta.fields]
