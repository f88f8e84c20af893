"""Deadline lights for any record with `deadline`, `yellow_at` and an announced `light` column.

The arithmetic (when yellow turns on) and the once-only claim are the same for cases, errands
and whatever else has a time limit; what "running" means and who hears about it stay with the
owning app.
"""

import datetime as dt

from django.db import models

from zhicun.lib import workdays

NONE, GREEN, YELLOW, RED = "", "green", "yellow", "red"
LABELS = {NONE: "—", GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯"}


def working_deadline(start: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    """(deadline, yellow_at) for a limit of `days` working days: yellow at 75 % of the limit."""
    limit = dt.timedelta(days=days)
    deadline = workdays.add_working_time(start, limit)
    yellow_at = max(start, workdays.subtract_working_time(deadline, limit / 4))
    return deadline, yellow_at


def light_of(deadline: dt.datetime | None, yellow_at: dt.datetime | None, now: dt.datetime) -> str:
    if deadline is None:
        return NONE
    if now > deadline:
        return RED
    if yellow_at is not None and now >= yellow_at:
        return YELLOW
    return GREEN


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
