"""Staff phones are stored encrypted, with a keyed hash beside for lookups."""

from django.db import migrations

import zhicun.lib.fields
from zhicun.lib.crypto import blind_index


def _pages(qs, size=1000):
    last = None
    while True:
        rows = list((qs if last is None else qs.filter(pk__gt=last)).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt_phones(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for rows in _pages(User.objects.only("pk", "phone")):
        for user in rows:
            if user.phone:  # read as plain text; the update encrypts it
                User.objects.filter(pk=user.pk).update(
                    phone=user.phone, phone_hash=blind_index(user.phone)
                )


def decrypt_phones(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    quote = schema_editor.connection.ops.quote_name
    table, pk = User._meta.db_table, User._meta.pk.column
    sql = f"UPDATE {quote(table)} SET {quote('phone')} = %s WHERE {quote(pk)} = %s"  # noqa: S608
    with schema_editor.connection.cursor() as cursor:
        for rows in _pages(User.objects.only("pk", "phone")):
            for user in rows:
                if user.phone:
                    cursor.execute(sql, [user.phone, user.pk])


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
        migrations.RunPython(encrypt_phones, decrypt_phones),
    ]
