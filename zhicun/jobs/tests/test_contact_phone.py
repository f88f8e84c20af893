"""Employers' and openings' contact phones: encrypted at rest, masked on the pages, revealed one
record at a time by a role that may (from a post that sees the employer), the purpose audited."""

import base64
import datetime
import importlib
import io
import types

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import DAISHIHAO
from zhicun.jobs import services
from zhicun.jobs.models import Employer, Opening
from zhicun.lib import crypto
from zhicun.registry.management.commands.rotate_data_keys import sensitive_models
from zhicun.support.tests.test_cadre_phone import dump

pytestmark = pytest.mark.django_db
EMPLOYER_PHONE, OPENING_PHONE = "04711234567", "13904741002"
MIGRATION = importlib.import_module("zhicun.jobs.migrations.0002_encrypt_contact_phones")


@pytest.fixture
def orchard(unit, dashihao):
    employer = services.employer_create(
        by=dashihao,
        unit=unit(DAISHIHAO),
        name="大十号林果采摘园",
        kind="orchard",
        contact_name="李永胜",
        contact_phone=EMPLOYER_PHONE,
    )
    return services.opening_create(
        by=dashihao,
        employer=employer,
        position="采摘",
        headcount=8,
        wage=300_000,
        season_start=datetime.date(2026, 8, 1),
        contact_name="王会计",
        contact_phone=OPENING_PHONE,
    )


def raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def test_it_stores_the_phones_encrypted(orchard):
    assert EMPLOYER_PHONE not in dump("jobs") and OPENING_PHONE not in dump("jobs")
    stored = raw("SELECT contact_phone FROM jobs_employer") + raw(
        "SELECT contact_phone FROM jobs_opening"
    )
    assert all(crypto.is_encrypted(s) for s in stored)
    assert Opening.objects.get().contact_phone == OPENING_PHONE
    assert Employer.objects.get().contact_phone == EMPLOYER_PHONE


def test_it_refuses_a_bad_number_in_chinese(login, dashihao):
    r = login(dashihao).post(
        "/jobs/employers/new/",
        {"name": "某合作社", "kind": "coop", "unit": DAISHIHAO, "contact_phone": "电话"},
    )
    assert r.status_code == 200 and "联系电话格式不正确" in r.content.decode()
    assert not Employer.objects.exists()


def test_it_refuses_a_bad_opening_number(orchard, dashihao):
    with pytest.raises(ValidationError) as e:
        services.opening_create(
            by=dashihao,
            employer=orchard.employer,
            position="分拣",
            headcount=2,
            wage=300_000,
            season_start=datetime.date(2026, 8, 1),
            contact_phone="123",
        )
    assert e.value.message_dict == {"contact_phone": ["联系电话格式不正确"]}
    assert Opening.objects.count() == 1


def test_it_masks_the_phone_on_the_pages(login, dashihao, orchard, opening):
    c = login(dashihao)
    body = c.get(f"/jobs/openings/{orchard.pk}/").content.decode()
    assert "139****1002" in body and OPENING_PHONE not in body
    assert f'hx-post="/registry/reveal/opening/{orchard.pk}/"' in body
    body = c.get(f"/jobs/openings/{opening.pk}/").content.decode()  # falls back to the employer's
    assert "047****4567" in body and "04711234567" not in body
    body = c.get("/jobs/").content.decode()
    assert OPENING_PHONE not in body and EMPLOYER_PHONE not in body


def test_a_chief_reveals_the_phone_with_a_purpose(login, dashihao, orchard):
    c = login(dashihao)
    data = {"field": "phone", "purpose": "联系用工单位"}
    r = c.post(f"/registry/reveal/opening/{orchard.pk}/", data)
    assert r.status_code == 200 and OPENING_PHONE in r.content.decode()
    r = c.post(f"/registry/reveal/employer/{orchard.employer_id}/", data)
    assert r.status_code == 200 and EMPLOYER_PHONE in r.content.decode()
    events = AuditEvent.objects.filter(action="reveal").order_by("id")
    assert [(e.object_type, e.details) for e in events] == [
        ("jobs.opening", data),
        ("jobs.employer", data),
    ]


def test_a_district_employer_is_revealed_from_a_village(login, grid1, opening):
    # The ski resort hangs on the district; a grid manager below sees it and may reveal.
    r = login(grid1).post(
        f"/registry/reveal/employer/{opening.employer_id}/", {"field": "phone", "purpose": "联系"}
    )
    assert r.status_code == 200 and "04711234567" in r.content.decode()


def test_only_roles_that_may_reveal_in_scope_see_it(login, baocun, jiandu, xiaoshihao, orchard):
    data = {"field": "phone", "purpose": "看看"}
    for user in (baocun, jiandu):  # they see the opening, but may not reveal
        r = login(user).post(f"/registry/reveal/opening/{orchard.pk}/", data)
        assert r.status_code == 403 and OPENING_PHONE not in r.content.decode()
    r = login(xiaoshihao).post(f"/registry/reveal/opening/{orchard.pk}/", data)
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_migration_encrypts_plain_rows_and_back(orchard):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE jobs_employer SET contact_phone = %s", [EMPLOYER_PHONE])
        cursor.execute("UPDATE jobs_opening SET contact_phone = %s", [OPENING_PHONE])
    steps = MIGRATION.Migration.operations[-2:]
    for step in steps:
        step.code(apps, None)
    stored = raw("SELECT contact_phone FROM jobs_employer") + raw(
        "SELECT contact_phone FROM jobs_opening"
    )
    assert all(crypto.is_encrypted(s) for s in stored)
    assert Opening.objects.get().contact_phone == OPENING_PHONE
    assert Employer.objects.get().contact_phone == EMPLOYER_PHONE
    for step in steps:
        step.reverse_code(apps, types.SimpleNamespace(connection=connection))
    assert raw("SELECT contact_phone FROM jobs_employer") == [EMPLOYER_PHONE]
    assert raw("SELECT contact_phone FROM jobs_opening") == [OPENING_PHONE]


def test_key_rotation_covers_the_phones(settings, orchard):
    found = {(m, f.name) for m, fs in sensitive_models() for f in fs}
    assert {(Employer, "contact_phone"), (Opening, "contact_phone")} <= found
    key = "k2:" + base64.b64encode(b"n" * 32).decode()
    settings.ZHICUN_DATA_KEYS = [key, *settings.ZHICUN_DATA_KEYS]
    crypto._keys.cache_clear()
    try:
        call_command("rotate_data_keys", stdout=io.StringIO())
        stored = raw("SELECT contact_phone FROM jobs_employer") + raw(
            "SELECT contact_phone FROM jobs_opening"
        )
        assert [s.split("$")[1] for s in stored] == ["k2", "k2"]
        settings.ZHICUN_DATA_KEYS = [key]
        crypto._keys.cache_clear()
        assert Opening.objects.get().contact_phone == OPENING_PHONE
    finally:
        crypto._keys.cache_clear()
