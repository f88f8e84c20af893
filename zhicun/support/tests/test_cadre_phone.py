"""The responsible cadre's phone: encrypted at rest, masked on every page and on the 明白卡,
revealed one record at a time by a role that may, with the purpose audited."""

import base64
import datetime
import importlib
import io
import types

import pytest
import time_machine
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from pdfminer.high_level import extract_text

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import DAISHIHAO
from zhicun.lib import crypto
from zhicun.registry.management.commands.rotate_data_keys import sensitive_models
from zhicun.support import services
from zhicun.support.models import CadreAssignment

pytestmark = pytest.mark.django_db
FROZEN = "2026-11-28 10:00 +0800"
PHONE, MASKED = "13904741234", "139****1234"
MIGRATION = importlib.import_module("zhicun.support.migrations.0002_encrypt_cadre_phone")


@pytest.fixture
def cadre(supported, dashihao):
    return services.cadre_assign(
        by=dashihao,
        supported=supported,
        name="周明",
        unit_name="集宁区农牧局",
        phone=PHONE,
        start_date=datetime.date(2024, 3, 1),
    )


def dump(app_label: str) -> str:
    """Every row of every table of the app, as the database holds it."""
    rows = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config(app_label).get_models():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            rows += cursor.fetchall()
    return "\n".join(map(repr, rows))


def test_it_stores_the_phone_encrypted(cadre):
    assert PHONE not in dump("support")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM support_cadreassignment WHERE id = %s", [cadre.pk])
        assert crypto.is_encrypted(cursor.fetchone()[0])
    assert CadreAssignment.objects.get().phone == PHONE


def test_it_refuses_a_bad_number_in_chinese(login, dashihao, supported):
    r = login(dashihao).post(
        f"/support/{supported.pk}/cadre/",
        {"name": "周明", "unit_name": "农牧局", "phone": "1390474abcd", "start_date": "2024-03-01"},
    )
    assert r.status_code == 302
    assert "联系电话格式不正确" in [str(m) for m in get_messages(r.wsgi_request)]
    assert not CadreAssignment.objects.exists()


@time_machine.travel(FROZEN, tick=False)
def test_it_masks_the_phone_on_the_page_and_the_card(login, dashihao, supported, cadre):
    c = login(dashihao)
    for url in (f"/support/{supported.pk}/", f"/support/{supported.pk}/card/"):
        body = c.get(url).content.decode()
        assert MASKED in body and PHONE not in body
    assert (
        f'hx-post="/registry/reveal/cadre/{cadre.pk}/"'
        in c.get(f"/support/{supported.pk}/").content.decode()
    )
    for url in (f"/support/{supported.pk}/card.pdf", f"/support/village/{DAISHIHAO}/cards.pdf"):
        text = extract_text(io.BytesIO(c.get(url).content))
        assert MASKED in text and PHONE not in text


def test_a_chief_reveals_the_phone_with_a_purpose(login, dashihao, cadre):
    r = login(dashihao).post(
        f"/registry/reveal/cadre/{cadre.pk}/", {"field": "phone", "purpose": "联系帮扶责任人"}
    )
    assert r.status_code == 200 and PHONE in r.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor, event.object_type, event.object_id) == (
        dashihao,
        "support.cadreassignment",
        str(cadre.pk),
    )
    assert event.details == {"field": "phone", "purpose": "联系帮扶责任人"}


def test_only_roles_that_may_reveal_in_scope_see_it(login, jiandu, xiaoshihao, cadre):
    data = {"field": "phone", "purpose": "看看"}
    r = login(jiandu).post(f"/registry/reveal/cadre/{cadre.pk}/", data)
    assert r.status_code == 403 and PHONE not in r.content.decode()
    assert login(xiaoshihao).post(f"/registry/reveal/cadre/{cadre.pk}/", data).status_code == 404
    r = login(jiandu).post(f"/registry/reveal/cadre/{cadre.pk}/", {**data, "field": "id_number"})
    assert r.status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_migration_encrypts_a_plain_row_and_back(cadre):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE support_cadreassignment SET phone = %s", [PHONE])
    forwards = MIGRATION.Migration.operations[-1]
    forwards.code(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM support_cadreassignment")
        stored = cursor.fetchone()[0]
    assert crypto.is_encrypted(stored) and PHONE not in stored
    assert CadreAssignment.objects.get().phone == PHONE
    forwards.reverse_code(apps, types.SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM support_cadreassignment")
        assert cursor.fetchone()[0] == PHONE


def test_key_rotation_covers_the_phone(settings, cadre):
    assert "phone" in {f.name for m, fs in sensitive_models() if m is CadreAssignment for f in fs}
    key = "k2:" + base64.b64encode(b"n" * 32).decode()
    settings.ZHICUN_DATA_KEYS = [key, *settings.ZHICUN_DATA_KEYS]
    crypto._keys.cache_clear()
    try:
        call_command("rotate_data_keys", stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM support_cadreassignment")
            assert cursor.fetchone()[0].split("$")[1] == "k2"
        settings.ZHICUN_DATA_KEYS = [key]
        crypto._keys.cache_clear()
        assert CadreAssignment.objects.get().phone == PHONE
    finally:
        crypto._keys.cache_clear()
