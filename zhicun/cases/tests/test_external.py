"""Cases from an external channel (Open311): no account behind them, the channel named instead."""

import pytest

from zhicun.audit.models import AuditEvent
from zhicun.cases import services
from zhicun.cases.forms import STAFF_SOURCES
from zhicun.cases.models import Case, Source, State
from zhicun.cases.tests.factories import DAISHIHAO, HAMLET_A, category, report
from zhicun.notify.models import Message
from zhicun.units.models import Unit


def external(**kw):
    kw.setdefault("source", Source.OPEN311)
    kw.setdefault("via", "便民小程序")
    kw.setdefault("title", "垃圾清运：村口垃圾没人清运")
    kw.setdefault("description", "村口垃圾三天没人清运了")
    kw.setdefault("category", category())
    kw.setdefault("origin_unit", Unit.objects.get(code=HAMLET_A))
    return services.case_report_external(**kw)


def test_it_reports_a_case_from_an_external_channel(dashihao):
    case = external(reporter_name="李明", reporter_phone="13812345678", address=" 前营子村口 ")
    assert (case.source, case.get_source_display()) == (Source.OPEN311, "开放接口（Open311）")
    assert (case.state, case.reporter_user) == (State.REPORTED, None)
    assert (case.origin_code, case.responsible_code) == (HAMLET_A, DAISHIHAO)
    assert case.address == "前营子村口"
    assert case.urgency == category().default_urgency
    event = case.events.get()
    assert (event.action, event.actor, event.note) == ("report", None, "来自 便民小程序")
    audit = AuditEvent.objects.get(action="case.report", object_id=str(case.pk))
    assert audit.actor is None
    assert audit.actor_name == "open311:便民小程序"
    assert Message.objects.filter(recipient=dashihao, subject__contains="新事件待受理").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"source": Source.STAFF}, "未知的外部事件来源"),
        ({"source": Source.PORTAL}, "未知的外部事件来源"),
        ({"title": "  "}, "标题和描述不能为空"),
        ({"description": ""}, "标题和描述不能为空"),
        ({"via": " "}, "请注明事件来自哪个应用"),
        ({"title": "长" * 101}, "标题不能超过 100 字"),
        ({"reporter_phone": "1" * 21}, "联系方式不能超过 20 字"),
        ({"address": "址" * 201}, "地址不能超过 200 字"),
    ],
)
def test_it_refuses_a_bad_external_report_and_writes_nothing(district, changes, message):
    with pytest.raises(services.CaseError) as e:
        external(**changes)
    assert e.value.message == message
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action="case.report").exists()


def test_staff_cannot_label_their_own_report_as_external(collector1):
    assert Source.OPEN311 not in dict(STAFF_SOURCES)
    with pytest.raises(services.CaseError) as e:
        report(collector1, source=Source.OPEN311)
    assert e.value.message == "未知的事件来源"
    assert not Case.objects.exists()


def test_the_reporters_phone_is_encrypted_at_rest(dashihao):
    from django.db import connection

    from zhicun.lib import crypto

    case = external(reporter_name="李明", reporter_phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert crypto.is_encrypted(stored) and "13812345678" not in stored
    case.refresh_from_db()
    assert case.reporter_phone == "13812345678"
