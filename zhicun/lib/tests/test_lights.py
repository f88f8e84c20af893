"""Deadline arithmetic shared by cases and errands: where the deadline and yellow point fall."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zhicun.lib import lights, workdays

TZ = ZoneInfo("Asia/Shanghai")
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _no_overrides():
    workdays.set_override_source(None)
    yield
    from zhicun.cases.models import Holiday

    workdays.set_override_source(lambda: dict(Holiday.objects.values_list("date", "is_workday")))


def test_a_calendar_clock_turns_yellow_with_a_quarter_left():
    deadline, yellow_at = lights.place(at(2026, 11, 28, 10), 24 * HOUR, 24 * HOUR, working=False)
    assert deadline == at(2026, 11, 29, 10)
    assert yellow_at == at(2026, 11, 29, 4)


def test_a_working_clock_skips_the_weekend_both_ways():
    # Friday 15:00 + 4 working days → Thursday 15:00; a quarter (1 day) back → Wednesday 15:00.
    deadline, yellow_at = lights.working_deadline(at(2026, 11, 27, 15), 4)
    assert deadline == at(2026, 12, 3, 15)
    assert yellow_at == at(2026, 12, 2, 15)
    assert (deadline, yellow_at) == lights.place(at(2026, 11, 27, 15), 4 * DAY, 4 * DAY)


def test_a_resumed_clock_is_never_yellow_before_it_resumes():
    # Two hours left of a 24-hour limit: the quarter point lies before the restart.
    now = at(2026, 11, 28, 10)
    deadline, yellow_at = lights.place(now, 2 * HOUR, 24 * HOUR, working=False)
    assert deadline == at(2026, 11, 28, 12)
    assert yellow_at == now


def test_an_extension_moves_the_deadline_and_the_yellow_point():
    now = at(2026, 11, 28, 10)
    deadline, yellow_at = lights.extend(at(2026, 11, 28, 12), 24 * HOUR, 48 * HOUR, False, now)
    assert deadline == at(2026, 11, 29, 12)
    assert yellow_at == at(2026, 11, 29, 0)


def test_remaining_time_counts_in_the_clock_arithmetic():
    friday, monday = at(2026, 11, 27, 12), at(2026, 11, 30, 12)
    assert lights.remaining(monday, friday, working=False) == 3 * DAY
    assert lights.remaining(monday, friday, working=True) == DAY
    assert lights.remaining(friday, monday, working=False) == dt.timedelta()


def test_the_light_follows_the_clock():
    deadline, yellow_at = at(2026, 11, 29, 10), at(2026, 11, 29, 4)
    assert lights.light_of(None, None, deadline) == lights.NONE
    assert lights.light_of(deadline, yellow_at, yellow_at - HOUR) == lights.GREEN
    assert lights.light_of(deadline, yellow_at, yellow_at) == lights.YELLOW
    assert lights.light_of(deadline, yellow_at, deadline) == lights.YELLOW
    assert lights.light_of(deadline, yellow_at, deadline + HOUR) == lights.RED
