"""Working-day arithmetic across weekends, public holidays and 调休 make-up days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zhicun.lib import workdays

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def _restore():
    """The source the cases app registers at start-up: the Holiday table."""
    from zhicun.cases.models import Holiday

    workdays.set_override_source(lambda: dict(Holiday.objects.values_list("date", "is_workday")))


@pytest.fixture(autouse=True)
def _no_overrides():
    workdays.set_override_source(None)
    yield
    _restore()


def test_it_skips_a_weekend():
    # Friday 2026-11-27 15:00 + 3 working days → Wednesday 2026-12-02 15:00.
    assert workdays.add_working_days(at(2026, 11, 27, 15), 3) == at(2026, 12, 2, 15)


def test_it_skips_the_national_day_holiday():
    # Wednesday 2026-09-30 10:00 + 1 working day: 10-01…10-07 are holidays → Thursday 10-08.
    assert workdays.add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 10)


def test_it_counts_a_make_up_saturday_as_a_working_day():
    # Saturday 2026-10-10 is a 调休 working day, Sunday 10-11 is not.
    assert workdays.is_workday(dt.date(2026, 10, 10))
    assert not workdays.is_workday(dt.date(2026, 10, 11))
    # Friday 10-09 12:00 + 1 working day → Saturday 10-10 12:00.
    assert workdays.add_working_days(at(2026, 10, 9, 12), 1) == at(2026, 10, 10, 12)
    # ... + 2 working days → Monday 10-12 12:00 (Sunday skipped).
    assert workdays.add_working_days(at(2026, 10, 9, 12), 2) == at(2026, 10, 12, 12)


def test_it_starts_a_clock_begun_on_a_rest_day_at_the_next_working_morning():
    # Sunday 2026-11-29 20:00 + 1 working day → Tuesday 2026-12-01 00:00.
    assert workdays.add_working_days(at(2026, 11, 29, 20), 1) == at(2026, 12, 1)


def test_it_measures_working_time_between_two_moments():
    # Friday 18:00 → Monday 06:00 is 6 h of Friday + 6 h of Monday.
    assert workdays.working_time_between(at(2026, 11, 27, 18), at(2026, 11, 30, 6)) == (
        dt.timedelta(hours=12)
    )
    assert workdays.working_time_between(at(2026, 11, 30), at(2026, 11, 27)) == dt.timedelta()


def test_it_subtracts_working_time_backwards_over_a_holiday():
    assert workdays.subtract_working_time(at(2026, 10, 8, 10), dt.timedelta(days=1)) == at(
        2026, 9, 30, 10
    )
    assert workdays.subtract_working_time(at(2026, 12, 1), dt.timedelta(hours=6)) == at(
        2026, 11, 30, 18
    )


def test_it_uses_weekdays_for_a_year_the_package_does_not_know():
    # 2027-01-01 is a Friday; without overrides it is treated as an ordinary working day.
    assert workdays.is_workday(dt.date(2027, 1, 1))
    assert not workdays.is_workday(dt.date(2027, 1, 2))


def test_it_lets_local_overrides_decide():
    overrides = {dt.date(2027, 1, 1): False, dt.date(2027, 1, 2): True}
    workdays.set_override_source(lambda: overrides)
    assert not workdays.is_workday(dt.date(2027, 1, 1))
    assert workdays.is_workday(dt.date(2027, 1, 2))
    # Thursday 2026-12-31 09:00 + 1 working day → the make-up Saturday 2027-01-02 09:00.
    assert workdays.add_working_days(at(2026, 12, 31, 9), 1) == at(2027, 1, 2, 9)


def test_it_reads_overrides_an_administrator_entered(db):
    from zhicun.cases.models import Holiday

    _restore()
    Holiday.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert not workdays.is_workday(dt.date(2027, 1, 1))
