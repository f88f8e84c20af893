"""Deadline lights for any record with `deadline`, `yellow_at` and an announced `light` column.

The arithmetic (when yellow turns on) and the once-only claim are the same for cases, errands
and whatever else has a time limit; what "running" means and who hears about it stay with the
owning app.
"""

import datetime as dt

from django.db import models
from django.db.models import Q

from zhicun.lib import workdays

NONE, GREEN, YELLOW, RED = "", "green", "yellow", "red"
LABELS = {NONE: "—", GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯"}


def add(start: dt.datetime, amount: dt.timedelta, working: bool = True) -> dt.datetime:
    """`amount` after `start`, counted in working time or in calendar time."""
    return workdays.add_working_time(start, amount) if working else start + amount


def subtract(end: dt.datetime, amount: dt.timedelta, working: bool = True) -> dt.datetime:
    return workdays.subtract_working_time(end, amount) if working else end - amount


def remaining(deadline: dt.datetime, now: dt.datetime, working: bool = True) -> dt.timedelta:
    """Time left until `deadline`, in the clock's own arithmetic (never negative)."""
    if working:
        return workdays.working_time_between(now, deadline)
    return max(deadline - now, dt.timedelta())


def yellow_point(
    deadline: dt.datetime, limit: dt.timedelta, working: bool, not_before: dt.datetime
) -> dt.datetime:
    """Yellow when a quarter of the whole limit is left, but never before `not_before`."""
    return max(not_before, subtract(deadline, limit / 4, working))


def place(
    start: dt.datetime, left: dt.timedelta, limit: dt.timedelta, working: bool = True
) -> tuple[dt.datetime, dt.datetime]:
    """(deadline, yellow_at) for a clock with `left` to run from `start` out of `limit`."""
    deadline = add(start, left, working)
    return deadline, yellow_point(deadline, limit, working, start)


def extend(
    deadline: dt.datetime,
    extension: dt.timedelta,
    limit: dt.timedelta,
    working: bool,
    now: dt.datetime,
) -> tuple[dt.datetime, dt.datetime]:
    """(deadline, yellow_at) after moving `deadline` by `extension`; `limit` includes it."""
    deadline = add(deadline, extension, working)
    return deadline, yellow_point(deadline, limit, working, now)


def working_deadline(start: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    """(deadline, yellow_at) for a limit of `days` working days: yellow at 75 % of the limit."""
    limit = dt.timedelta(days=days)
    return place(start, limit, limit, working=True)


def light_of(deadline: dt.datetime | None, yellow_at: dt.datetime | None, now: dt.datetime) -> str:
    if deadline is None:
        return NONE
    if now > deadline:
        return RED
    if yellow_at is not None and now >= yellow_at:
        return YELLOW
    return GREEN


def light_q(colour: str, now: dt.datetime) -> Q:
    """Running rows showing `colour` at `now`, as a filter on the stored deadline columns."""
    return {
        RED: Q(deadline__lt=now),
        YELLOW: Q(yellow_at__lte=now, deadline__gte=now),
        GREEN: Q(yellow_at__gt=now),
    }[colour]


def light_expression(running: Q, now: dt.datetime) -> models.Case:
    """`light_of` as the database computes it, for rows matching `running`."""
    running = running & Q(deadline__isnull=False)
    return models.Case(
        models.When(running & Q(deadline__lt=now), then=models.Value(RED)),
        models.When(running & Q(yellow_at__lte=now), then=models.Value(YELLOW)),
        models.When(running, then=models.Value(GREEN)),
        default=models.Value(NONE),
        output_field=models.CharField(),
    )


def turning(queryset: models.QuerySet, now: dt.datetime, limit: int = 500) -> list:
    """Rows of a running-rows queryset whose announced light is behind the clock."""
    red = queryset.filter(light__in=[GREEN, YELLOW], deadline__lt=now).order_by("deadline")
    yellow = queryset.filter(light=GREEN, yellow_at__lte=now).order_by("yellow_at")
    found = {row.pk: row for row in yellow[:limit]}
    found.update({row.pk: row for row in red[:limit]})
    return list(found.values())


def claim(queryset: models.QuerySet, row, new: str) -> bool:
    """Compare-and-swap the announced light: exactly one of several workers wins."""
    return bool(
        queryset.filter(pk=row.pk, light=row.light, deadline=row.deadline).update(light=new)
    )
