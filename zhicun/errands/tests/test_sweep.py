"""Lights: yellow then red, each announced and notified exactly once, by the same worker."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from zhicun.errands import services
from zhicun.errands.models import Errand, ReplyMethod
from zhicun.errands.tests.factories import register
from zhicun.lib import lights
from zhicun.notify.models import Message

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=TZ)


@pytest.fixture
def errand(grid1):
    with time_machine.travel(MONDAY, tick=False):
        return register(grid1, code="utilities")  # 2 working days


@pytest.mark.django_db
def test_it_notifies_yellow_then_red_once_each(errand):
    Message.objects.all().delete()
    assert services.sweep_lights(errand.yellow_at - dt.timedelta(seconds=1)) == 0
    assert services.sweep_lights(errand.yellow_at) == 1
    assert services.sweep_lights(errand.yellow_at + dt.timedelta(minutes=5)) == 0
    errand.refresh_from_db()
    assert errand.light == lights.YELLOW
    assert set(Message.objects.values_list("recipient__username", flat=True)) == {
        "grid1",
        "dashihao",
    }
    after = errand.deadline + dt.timedelta(seconds=1)
    assert services.sweep_lights(after) == 1
    assert services.sweep_lights(after) == 0
    errand.refresh_from_db()
    assert errand.light == lights.RED
    assert Message.objects.count() == 4
    assert [e.action for e in errand.events.all()] == ["register", "light_yellow", "light_red"]


@pytest.mark.django_db
def test_it_runs_in_the_notify_worker(errand):
    with time_machine.travel(errand.deadline + dt.timedelta(hours=1), tick=False):
        call_command("worker", "--once", stdout=io.StringIO())
        assert Errand.objects.red().count() == 1
    errand.refresh_from_db()
    assert errand.light == lights.RED


@pytest.mark.django_db
def test_it_does_not_light_an_errand_already_replied(errand, grid1):
    services.errand_start(errand=errand, by=grid1)
    services.errand_reply(errand=errand, by=grid1, result="已缴", method=ReplyMethod.PHONE)
    assert services.sweep_lights(errand.deadline + dt.timedelta(days=3)) == 0
    errand.refresh_from_db()
    assert errand.current_light(errand.deadline + dt.timedelta(days=3)) == lights.NONE


@pytest.mark.django_db
def test_it_lets_one_stale_claim_win(errand):
    now = errand.yellow_at
    stale = Errand.objects.get(pk=errand.pk)
    assert services.claim_light(errand, now) is True
    assert services.claim_light(stale, now) is False
    assert errand.events.filter(action="light_yellow").count() == 1
