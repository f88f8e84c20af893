"""Outbox addresses (phone numbers, e-mail addresses, webhooks) are stored encrypted."""

from django.db import migrations

import zhicun.lib.fields
from zhicun.lib.migrating import encrypt_field


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="address",
            field=zhicun.lib.fields.EncryptedCharField(
                blank=True, index_field="", max_length=400, verbose_name="地址"
            ),
        ),
        encrypt_field("notify", "Message", "address", max_length=200),
    ]
