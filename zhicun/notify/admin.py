from django.contrib import admin

from zhicun.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "masked_address", "subject", "status", "attempts"]
    list_filter = ["status", "channel"]
    search_fields = ["subject"]
    # The address is encrypted at rest and shown masked.
    fields = readonly_fields = [
        "masked_address" if f.name == "address" else f.name for f in Message._meta.fields
    ]
