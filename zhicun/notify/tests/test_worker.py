"""`manage.py worker --once`: sweeps the lights and delivers the outbox in one tick."""

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from zhicun.cases.models import Light
from zhicun.cases.tests.factories import move, report
from zhicun.notify.models import Message, Status


def test_it_sweeps_and_delivers_in_one_tick(collector1, dashihao):
    case = move(report(collector1), dashihao, "accept")
    Message.objects.update(status=Status.SENT)
    out = io.StringIO()
    with time_machine.travel(case.deadline + dt.timedelta(minutes=1), tick=False):
        call_command("worker", "--once", stdout=out)
    case.refresh_from_db()
    assert case.light == Light.RED
    assert Message.objects.filter(subject__contains="红灯", status=Status.SENT).count() == 2
    assert "发送 2" in out.getvalue()
