"""Villagers' and sign-up codes' phones are stored encrypted, with a keyed hash beside; a
villager account named by its phone number is renamed "v" + the first 24 hex digits of that
hash, and so are the lockout records that named it (or any other mobile number)."""

import re

from django.db import migrations

import zhicun.lib.fields
from zhicun.lib.crypto import blind_index
from zhicun.lib.migrating import pages as _pages

MOBILE = re.compile(r"^1[3-9]\d{9}$")
DIGITS = r"^1[3-9][0-9]{9}$"
AXES_MODELS = ["AccessAttempt", "AccessLog", "AccessFailureLog"]


def _hashed(phone: str) -> str:
    return "v" + blind_index(phone)[:24]


def _axes_models(apps):
    for name in AXES_MODELS:
        try:
            yield apps.get_model("axes", name)
        except LookupError:
            continue


def encrypt_and_rename(apps, schema_editor):
    Villager = apps.get_model("portal", "Villager")
    SignupCode = apps.get_model("portal", "SignupCode")
    User = apps.get_model("accounts", "User")
    renamed = {}
    for rows in _pages(Villager.objects.select_related("user").only("pk", "phone", "user")):
        for villager in rows:
            # Read as plain text; the update encrypts it.
            Villager.objects.filter(pk=villager.pk).update(
                phone=villager.phone, phone_hash=blind_index(villager.phone)
            )
            old = villager.user.username
            if MOBILE.match(old):
                renamed[old] = _hashed(villager.phone)
                User.objects.filter(pk=villager.user_id).update(username=renamed[old])
    for rows in _pages(SignupCode.objects.only("pk", "phone")):
        for code in rows:
            if code.phone:
                SignupCode.objects.filter(pk=code.pk).update(
                    phone=code.phone, phone_hash=blind_index(code.phone)
                )
    # Mobile numbers typed at the login of nobody, or of a villager: keep only staff usernames.
    staff = set(User.objects.filter(username__regex=DIGITS).values_list("username", flat=True))
    for Access in _axes_models(apps):
        names = set(
            Access.objects.filter(username__regex=DIGITS).values_list("username", flat=True)
        )
        for old in names - staff:
            Access.objects.filter(username=old).update(username=renamed.get(old) or _hashed(old))


def decrypt_and_restore(apps, schema_editor):
    Villager = apps.get_model("portal", "Villager")
    SignupCode = apps.get_model("portal", "SignupCode")
    User = apps.get_model("accounts", "User")
    quote = schema_editor.connection.ops.quote_name
    restored = {}
    with schema_editor.connection.cursor() as cursor:
        for model in (Villager, SignupCode):
            table, pk = model._meta.db_table, model._meta.pk.column
            sql = f"UPDATE {quote(table)} SET {quote('phone')} = %s WHERE {quote(pk)} = %s"  # noqa: S608
            for rows in _pages(model.objects.only("pk", "phone")):
                for row in rows:
                    if row.phone:
                        cursor.execute(sql, [row.phone, row.pk])
    for rows in _pages(Villager.objects.select_related("user").only("pk", "phone", "user")):
        for villager in rows:
            if villager.user.username == _hashed(villager.phone):
                restored[villager.user.username] = villager.phone
                User.objects.filter(pk=villager.user_id).update(username=villager.phone)
    for Access in _axes_models(apps):
        for new, phone in restored.items():
            Access.objects.filter(username=new).update(username=phone)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("accounts", "0004_encrypt_user_phone"),
        ("axes", "0008_accessfailurelog"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="signupcode",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "注册验证码",
                "verbose_name_plural": "注册验证码",
            },
        ),
        migrations.AddField(
            model_name="signupcode",
            name="phone_hash",
            field=zhicun.lib.fields.BlindIndexField(source="phone"),
        ),
        migrations.AddField(
            model_name="villager",
            name="phone_hash",
            field=zhicun.lib.fields.BlindIndexField(db_index=False, source="phone"),
        ),
        migrations.AlterField(
            model_name="signupcode",
            name="phone",
            field=zhicun.lib.fields.EncryptedCharField(
                index_field="phone_hash", max_length=120, verbose_name="手机号"
            ),
        ),
        migrations.AlterField(
            model_name="villager",
            name="phone",
            field=zhicun.lib.fields.EncryptedCharField(
                index_field="phone_hash", max_length=120, verbose_name="手机号"
            ),
        ),
        migrations.RunPython(encrypt_and_rename, decrypt_and_restore),
        migrations.AlterField(
            model_name="villager",
            name="phone_hash",
            field=zhicun.lib.fields.BlindIndexField(db_index=False, source="phone", unique=True),
        ),
    ]
