import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from zhicun.audit import chain
from zhicun.audit.models import AuditEvent
from zhicun.audit.services import Entry, audit_append, audit_record


def verify():
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_an_untouched_chain_verifies(dashihao):
    for n in range(5):
        audit_record(actor=dashihao, action="update", details={"n": n})
    assert "已核对 5 条" in verify()


def _tamper(sql, params):
    # Simulates someone editing the database directly (the model refuses to).
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's trigger refuses the edit outright (tested separately)")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edited_row_is_found(dashihao):
    events = [audit_record(actor=dashihao, action="update", details={"n": n}) for n in range(4)]
    _tamper("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"n": 99}', events[2].pk])
    with pytest.raises(CommandError) as e:
        verify()
    assert f"#{events[2].pk}" in str(e.value)


def test_a_deleted_row_is_found(dashihao):
    events = [audit_record(actor=dashihao, action="update", details={"n": n}) for n in range(4)]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError) as e:
        verify()
    assert f"#{events[2].pk}" in str(e.value)


def test_a_deleted_last_row_is_found(dashihao):
    events = [audit_record(actor=dashihao, action="update", details={"n": n}) for n in range(3)]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError):
        verify()


def test_postgresql_refuses_edits(dashihao):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    from django.db import DatabaseError, transaction

    event = audit_record(actor=dashihao, action="update")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "update"


def test_purge_refuses_young_events_and_keeps_the_chain(dashihao):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)):
        old = [audit_record(actor=dashihao, action="update", details={"n": n}) for n in range(3)]
    with time_machine.travel(datetime.datetime(2026, 11, 28, 12, tzinfo=datetime.UTC)):
        audit_record(actor=dashihao, action="update", details={"n": 3})
        with pytest.raises(CommandError):
            call_command("audit_purge", "--before=2026-11-01", stdout=StringIO())
        call_command("audit_purge", "--before=2026-02-01", stdout=StringIO())
        assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
        assert AuditEvent.objects.count() == 1
        assert "已核对 1 条" in verify()


def test_the_canonical_form_is_compact_json_with_sorted_keys(dashihao):
    event = AuditEvent(
        at=datetime.datetime(
            2026, 3, 1, 8, 30, 0, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
        ),
        actor=dashihao,
        actor_name="dashihao",
        action="update",
        object_type="registry.person",
        object_id="42",
        object_repr='张"三"\n\\ 𠀀',
        unit_code="150921101",
        ip=None,
        user_agent="Mozilla/5.0 \u2028",
        success=False,
        details={"changes": {"名": [None, "乙"], "a": [1.5, True], "b": [[], ["x"]]}, "n": 3},
    )
    data = {
        "at": "2026-03-01T00:30:00.000012+00:00",
        "actor": dashihao.pk,
        "actor_name": "dashihao",
        "action": "update",
        "object_type": "registry.person",
        "object_id": "42",
        "object_repr": '张"三"\n\\ 𠀀',
        "unit_code": "150921101",
        "ip": None,
        "user_agent": "Mozilla/5.0 \u2028",
        "success": False,
        "details": event.details,
    }
    expected = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert chain.canonical(event) == expected.encode()
    assert chain.canonical(event, chain.dumps(event.details)) == expected.encode()


def test_events_appended_in_bulk_read_back_and_verify(dashihao):
    audit_record(actor=dashihao, action="update", details={"n": 0})
    entries = [
        Entry(
            actor_id=dashihao.pk,
            actor_name="dashihao",
            action="create",
            object_type="registry.person",
            object_id=str(n),
            object_repr=f"张{n}",
            unit_code="150921101",
            ip="10.0.0.1",
            user_agent="",
            details={"changes": {"name": [None, f"张{n}"], "tags": [None, ["低保"]]}, "n": n},
        )
        for n in range(3)
    ]
    audit_append(entries)
    stored = list(AuditEvent.objects.filter(action="create").order_by("id"))
    assert [e.pk for e in stored] == [e.pk for e in entries]
    assert [e.details for e in stored] == [e.details for e in entries]
    assert stored[2].ip == "10.0.0.1" and stored[2].actor == dashihao
    assert "已核对 4 条" in verify()
