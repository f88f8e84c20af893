"""养老金资格认证: the due list, the one-step batch (never twice a year), the date recorded."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhicun.audit.models import AuditEvent
from zhicun.errands import services
from zhicun.errands.models import Errand, ReplyMethod, State
from zhicun.errands.tests.factories import XIAOSHIHAO_HAMLET, villager
from zhicun.registry.choices import Residence

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def pensioners(district):
    def make(name, certified, **kw):
        p = villager(name, head_birth=(1950, 1, 1))
        p.pension_receiving = True
        p.pension_certified_on = certified
        for key, value in kw.items():
            setattr(p, key, value)
        p.save()
        return p

    return {
        "overdue": make("张老汉", dt.date(2025, 10, 1)),
        "soon": make("李大娘", dt.date(2025, 12, 10)),
        "later": make("赵大爷", dt.date(2026, 6, 1)),
        "never": make("钱奶奶", None),
        "dead": make("孙爷爷", dt.date(2025, 1, 1), residence=Residence.DEAD),
    }


@pytest.mark.django_db
def test_it_lists_pensioners_due_within_n_days_or_overdue(grid1, pensioners):
    due = services.pension_due(grid1, within_days=30, today=TODAY)
    assert {p.name for p in due} == {"张老汉", "李大娘", "钱奶奶"}


@pytest.mark.django_db
def test_it_opens_the_errands_in_one_step_and_never_twice(grid1, pensioners):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=TZ), tick=False):
        first = services.pension_open(by=grid1, within_days=30)
        second = services.pension_open(by=grid1, within_days=30)
    assert len(first) == 3 and second == []
    errands = Errand.objects.filter(type__code="pension")
    assert errands.count() == 3
    years = dict(errands.values_list("person__name", "year"))
    assert years == {"张老汉": 2026, "李大娘": 2026, "钱奶奶": 2026}


@pytest.mark.django_db
def test_it_refuses_a_second_errand_for_the_same_year(grid1, pensioners):
    person = pensioners["overdue"]
    pension = services.ErrandType.objects.get(code="pension")
    services.errand_register(by=grid1, person=person, type=pension, need="认证")
    with pytest.raises(services.ErrandError, match="已在办理"):
        services.errand_register(by=grid1, person=person, type=pension, need="认证")
    assert Errand.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_it_opens_only_the_picked_people(grid1, pensioners):
    opened = services.pension_open(
        by=grid1, within_days=30, today=TODAY, persons=[pensioners["never"].pk]
    )
    assert [e.person.name for e in opened] == ["钱奶奶"]


@pytest.mark.django_db
def test_it_records_the_certification_date_on_the_person(grid1, pensioners):
    person = pensioners["overdue"]
    [errand] = services.pension_open(by=grid1, within_days=0, today=TODAY, persons=[person.pk])
    services.errand_start(errand=errand, by=grid1)
    services.errand_reply(
        errand=errand,
        by=grid1,
        result="人脸识别认证通过",
        method=ReplyMethod.VISIT,
        certified_on=dt.date(2026, 11, 20),
    )
    person.refresh_from_db()
    assert person.pension_certified_on == dt.date(2026, 11, 20)
    event = AuditEvent.objects.get(action="registry.person.pension_certified")
    assert event.details["changes"] == {"pension_certified_on": ["2025-10-01", "2026-11-20"]}
    assert services.pension_due(grid1, within_days=30).filter(pk=person.pk).count() == 0


@pytest.mark.django_db
def test_it_may_open_again_after_a_cancelled_errand(grid1, pensioners):
    person = pensioners["overdue"]
    [errand] = services.pension_open(by=grid1, within_days=0, today=TODAY, persons=[person.pk])
    services.errand_cancel(errand=errand, by=grid1, reason="登记错了")
    again = services.pension_open(by=grid1, within_days=0, today=TODAY, persons=[person.pk])
    assert len(again) == 1
    assert Errand.objects.filter(person=person, state=State.CANCELLED).count() == 1


@pytest.mark.django_db
def test_it_lists_no_pensioners_of_another_village(xiaoshihao, grid1, pensioners):
    other = villager("周大娘", code=XIAOSHIHAO_HAMLET)
    other.pension_receiving = True
    other.save()
    assert [p.name for p in services.pension_due(grid1, within_days=30)] != []
    assert {p.name for p in services.pension_due(xiaoshihao, within_days=30)} == {"周大娘"}
    assert services.pension_open(by=grid1, within_days=30, persons=[other.pk]) == []
