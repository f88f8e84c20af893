"""The light sweep: one notification per case per light, however many workers run."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from zhicun.cases import services
from zhicun.cases.models import Case, CaseEvent, Light
from zhicun.cases.tests.factories import move, report
from zhicun.notify.models import Message

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=TZ)


@pytest.fixture
def accepted(collector1, dashihao):
    with time_machine.travel(MONDAY, tick=False):
        return move(report(collector1), dashihao, "accept")


def test_it_notifies_yellow_then_red_once_each(accepted, dashihao, malianqu):
    Message.objects.all().delete()
    assert services.sweep_lights(accepted.yellow_at - dt.timedelta(seconds=1)) == 0
    assert services.sweep_lights(accepted.yellow_at) == 1
    assert services.sweep_lights(accepted.yellow_at + dt.timedelta(minutes=5)) == 0
    accepted.refresh_from_db()
    assert accepted.light == Light.YELLOW
    recipients = set(Message.objects.values_list("recipient__username", flat=True))
    assert recipients == {"dashihao", "malianqu"}
    assert Message.objects.count() == 2
    after = accepted.deadline + dt.timedelta(seconds=1)
    assert services.sweep_lights(after) == 1
    assert services.sweep_lights(after) == 0
    assert Message.objects.count() == 4
    assert list(
        CaseEvent.objects.filter(case=accepted, action__startswith="light_").values_list(
            "action", flat=True
        )
    ) == ["light_yellow", "light_red"]


def test_it_lets_only_one_of_two_workers_with_the_same_stale_read_notify(accepted):
    Message.objects.all().delete()
    now = accepted.deadline + dt.timedelta(hours=1)
    seen_by_a = services.turning_cases(now)
    seen_by_b = services.turning_cases(now)
    assert [c.pk for c in seen_by_a] == [c.pk for c in seen_by_b] == [accepted.pk]
    assert services.claim_light(seen_by_a[0], now) is True
    assert services.claim_light(seen_by_b[0], now) is False
    assert CaseEvent.objects.filter(case=accepted, action="light_red").count() == 1
    assert Message.objects.count() == 2


def test_it_goes_straight_to_red_when_the_worker_missed_yellow(accepted):
    now = accepted.deadline + dt.timedelta(days=1)
    assert services.sweep_lights(now) == 1
    accepted.refresh_from_db()
    assert accepted.light == Light.RED
    assert not CaseEvent.objects.filter(case=accepted, action="light_yellow").exists()


def test_it_costs_the_same_whatever_the_number_of_green_cases(collector1, dashihao, accepted):
    now = accepted.deadline + dt.timedelta(seconds=1)
    with CaptureQueriesContext(connection) as few:
        services.turning_cases(now)
    with time_machine.travel(now, tick=False):
        for _ in range(20):
            move(report(collector1), dashihao, "accept")
    with CaptureQueriesContext(connection) as many:
        found = services.turning_cases(now)
    assert len(found) == 1
    assert len(many) == len(few)


def test_it_announces_a_new_clock_again_after_an_extension(accepted, dashihao, baocun):
    services.sweep_lights(accepted.yellow_at)
    with time_machine.travel(accepted.yellow_at, tick=False):
        services.case_transition(
            case=accepted,
            action="request_extension",
            by=dashihao,
            note="等待",
            extension=dt.timedelta(days=3),
        )
        move(accepted, baocun, "approve_extension")
    assert accepted.light == Light.GREEN
    assert services.sweep_lights(accepted.yellow_at) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_it_notifies_once_when_threads_race_on_postgresql(district, collector1, dashihao):
    from zhicun.cases.defaults import ensure_defaults

    ensure_defaults()
    with time_machine.travel(MONDAY, tick=False):
        case = move(report(collector1), dashihao, "accept")
    Message.objects.all().delete()
    now = case.deadline + dt.timedelta(hours=1)
    stale = services.turning_cases(now)
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(sum(services.claim_light(c, now) for c in stale))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert CaseEvent.objects.filter(case=case, action="light_red").count() == 1
    assert Case.objects.get(pk=case.pk).light == Light.RED
    assert Message.objects.count() == 2
