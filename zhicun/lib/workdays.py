"""Working-day arithmetic on China's official calendar (调休 included) plus local overrides.

Working time is counted in whole days: every moment of a working day counts, no moment of a
rest day does. "3 working days" from Friday 15:00 is Wednesday 15:00; a clock started on a rest
day begins at 00:00 of the next working day. For a year the `chinese_calendar` package does not
know yet, overrides an administrator enters (holidays are announced each November) decide, and
otherwise Monday to Friday are working days.
"""

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Mapping

import chinese_calendar
from django.utils import timezone

DAY = dt.timedelta(days=1)
# A guard against walking forever on a calendar that has no working days at all.
MAX_DAYS = 3660

Overrides = Mapping[dt.date, bool]

_override_source: Callable[[], Overrides] | None = None


def set_override_source(source: Callable[[], Overrides] | None) -> None:
    """The app that stores overrides registers a function returning {date: is_workday}."""
    global _override_source
    _override_source = source


@contextlib.contextmanager
def overrides_read_once() -> Iterator[None]:
    """Within the block the overrides are read once, for bulk work that asks thousands of
    times; nothing may change them meanwhile."""
    global _override_source
    saved, table = _override_source, dict(_overrides())
    _override_source = lambda: table  # noqa: E731
    try:
        yield
    finally:
        _override_source = saved


def _overrides() -> Overrides:
    return _override_source() if _override_source is not None else {}


def is_workday(day: dt.date, overrides: Overrides | None = None) -> bool:
    table = _overrides() if overrides is None else overrides
    if day in table:
        return table[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _midnight_after(moment: dt.datetime) -> dt.datetime:
    day = moment.date() + DAY
    return moment.replace(
        year=day.year, month=day.month, day=day.day, hour=0, minute=0, second=0, microsecond=0
    )


def _midnight_of(moment: dt.datetime) -> dt.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def add_working_time(start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The moment when `amount` of working time has passed after `start`."""
    overrides = _overrides()
    current = _local(start)
    left = amount
    for _ in range(MAX_DAYS):
        if not is_workday(current.date(), overrides):
            current = _midnight_after(current)
            continue
        end = _midnight_after(current)
        if left <= end - current:
            return current + left
        left -= end - current
        current = end
    raise ValueError("工作日历中找不到足够的工作日")


def subtract_working_time(end: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The moment `amount` of working time before `end`."""
    overrides = _overrides()
    current = _local(end)
    left = amount
    for _ in range(MAX_DAYS):
        start = _midnight_of(current)
        if current == start:
            # At midnight the time available belongs to the previous day.
            start = _midnight_of(current - DAY)
            day = start.date()
        else:
            day = current.date()
        if not is_workday(day, overrides):
            current = start
            continue
        if left <= current - start:
            return current - left
        left -= current - start
        current = start
    raise ValueError("工作日历中找不到足够的工作日")


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time from `start` to `end` (zero if end is not after start)."""
    overrides = _overrides()
    current = _local(start)
    end = _local(end)
    total = dt.timedelta()
    while current < end:
        boundary = min(_midnight_after(current), end)
        if is_workday(current.date(), overrides):
            total += boundary - current
        current = boundary
    return total


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    return add_working_time(start, days * DAY)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in [start, end)."""
    overrides = _overrides()
    count = 0
    day = start
    while day < end:
        count += is_workday(day, overrides)
        day += DAY
    return count
