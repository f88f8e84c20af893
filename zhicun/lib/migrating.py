"""Data-migration steps for turning a plain column into an encrypted one (zhicun.lib.fields).

After the AlterField to EncryptedCharField, old rows still hold plain text: reading gives the
plain value, and writing it back through the ORM encrypts it (and fills the keyed hash beside
it). Going back, the plain value is written with raw SQL so nothing encrypts it again.
"""

from django.db import migrations

from zhicun.lib.crypto import blind_index


def pages(qs, size=1000):
    """The rows of `qs` in pages by primary key, so a large table is never held at once."""
    last = None
    while True:
        rows = list((qs if last is None else qs.filter(pk__gt=last)).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt_rows(model, field: str, hash_field: str = "") -> None:
    for rows in pages(model.objects.only("pk", field)):
        for row in rows:
            value = getattr(row, field)
            if value:
                changes = {field: value}
                if hash_field:
                    changes[hash_field] = blind_index(value)
                model.objects.filter(pk=row.pk).update(**changes)


def decrypt_rows(model, field: str, connection, max_length: int | None = None) -> None:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {quote(field)} = %s WHERE {pk} = %s"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        for rows in pages(model.objects.only("pk", field)):
            for row in rows:
                value = getattr(row, field)
                if value:
                    cursor.execute(sql, [value[:max_length] if max_length else value, row.pk])


def encrypt_field(
    app_label: str,
    model_name: str,
    field: str,
    hash_field: str = "",
    max_length: int | None = None,
) -> migrations.RunPython:
    """The RunPython step that encrypts `field` of existing rows (and back, within
    `max_length`, the plain column's old length)."""

    def forwards(apps, schema_editor):
        encrypt_rows(apps.get_model(app_label, model_name), field, hash_field)

    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        decrypt_rows(model, field, schema_editor.connection, max_length)

    return migrations.RunPython(forwards, backwards)
