"""上门登记: who may register, the clock, one errand per form, history and audit."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhicun.audit.models import AuditEvent
from zhicun.errands import services
from zhicun.errands.models import Channel, Errand, State
from zhicun.errands.tests.factories import XIAOSHIHAO_HAMLET, kind, register, villager

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_it_registers_at_the_door_with_the_type_checklist(grid1):
    person = villager()
    errand = services.errand_register(
        by=grid1,
        person=person,
        type=kind("medical_claim"),
        need="住院费用报销",
        channel=Channel.DOOR,
    )
    errand.refresh_from_db()
    assert errand.state == State.REGISTERED
    assert errand.unit_code == person.hamlet.code
    assert errand.documents_required == ["身份证", "社保卡", "住院病历", "费用清单", "发票"]
    assert errand.registered_by == grid1 and errand.channel == "door"
    assert [e.action for e in errand.events.all()] == ["register"]
    assert AuditEvent.objects.filter(action="errand.register", object_id=str(errand.pk)).exists()


@pytest.mark.django_db
def test_it_sets_the_deadline_in_working_days(grid1):
    friday = dt.datetime(2026, 11, 27, 15, tzinfo=TZ)
    with time_machine.travel(friday, tick=False):
        errand = register(grid1, code="utilities")  # 2 working days
    assert errand.deadline == dt.datetime(2026, 12, 1, 15, tzinfo=TZ)
    assert errand.yellow_at == dt.datetime(2026, 12, 1, 3, tzinfo=TZ)  # a quarter of 2 days


@pytest.mark.django_db
def test_it_creates_one_errand_for_a_double_submission(grid1):
    person = villager()
    first = register(grid1, person=person, idempotency_key="k1")
    second = register(grid1, person=person, idempotency_key="k1")
    assert first.pk == second.pk
    assert Errand.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_villager_outside_scope(grid1):
    outsider = villager(code=XIAOSHIHAO_HAMLET)
    with pytest.raises(services.ErrandError, match="管辖范围"):
        register(grid1, person=outsider)
    assert Errand.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_roles_without_errand_handle(jiandu):
    with pytest.raises(services.ErrandError):
        register(jiandu)
    assert Errand.objects.count() == 0
