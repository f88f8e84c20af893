"""Outbox addresses (phone numbers, e-mail addresses, webhooks) are stored encrypted."""

from django.db import migrations

import zhicun.lib.fields


def _pages(qs, size=1000):
    last = None
    while True:
        rows = list((qs if last is None else qs.filter(pk__gt=last)).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt_addresses(apps, schema_editor):
    Message = apps.get_model("notify", "Message")
    for rows in _pages(Message.objects.only("pk", "address")):
        for message in rows:
            if message.address:  # read as plain text; the update encrypts it
                Message.objects.filter(pk=message.pk).update(address=message.address)


def decrypt_addresses(apps, schema_editor):
    Message = apps.get_model("notify", "Message")
    quote = schema_editor.connection.ops.quote_name
    table, pk = Message._meta.db_table, Message._meta.pk.column
    sql = f"UPDATE {quote(table)} SET {quote('address')} = %s WHERE {quote(pk)} = %s"  # noqa: S608
    with schema_editor.connection.cursor() as cursor:
        for rows in _pages(Message.objects.only("pk", "address")):
            for message in rows:
                if message.address:
                    cursor.execute(sql, [message.address[:200], message.pk])


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
        migrations.RunPython(encrypt_addresses, decrypt_addresses),
    ]
