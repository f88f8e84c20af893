"""Staff phones are stored encrypted, with a keyed hash beside for lookups."""

from django.db import migrations

import zhicun.lib.fields
from zhicun.lib.migrating import encrypt_field


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_hash",
            field=zhicun.lib.fields.BlindIndexField(source="phone"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=zhicun.lib.fields.EncryptedCharField(
                blank=True, index_field="phone_hash", max_length=120, verbose_name="手机号"
            ),
        ),
        encrypt_field("accounts", "User", "phone", hash_field="phone_hash"),
    ]
