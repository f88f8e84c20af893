"""Case indicators per unit and period (SPEC §4), as data for pages and dashboards.

Each figure is a count of cases matching one Q, and the list page filters with the same Q, so a
figure and the list behind it always agree. Cases belong to the unit where they arose and to
the period in which they were reported.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from zhicun.cases.models import RUNNING, Case, Category, Rating
from zhicun.units.models import CODE_LENGTH, Unit, child_kind
from zhicun.units.scope import covers


@dataclass(frozen=True)
class Measure:
    key: str
    label: str


# The counts everything is made of; a rate is one count over another.
MEASURES = [
    Measure("accepted", "受理数"),
    Measure("due", "应结案数"),
    Measure("closed", "结案数"),
    Measure("on_time", "按期结案数"),
    Measure("overdue_open", "超期未结数"),
    Measure("rated", "评价数"),
    Measure("satisfied", "满意数"),
    Measure("reopened", "返工数"),
    Measure("extended", "延期数"),
    Measure("escalated", "上报上级数"),
]
LABELS = {m.key: m.label for m in MEASURES}

# rate key, label, numerator, denominator
RATES = [
    ("close_rate", "结案率", "closed", "due"),
    ("on_time_rate", "按期结案率", "on_time", "due"),
    ("satisfaction_rate", "满意率", "satisfied", "rated"),
    ("reopen_rate", "返工率", "reopened", "closed"),
    ("extension_rate", "延期率", "extended", "accepted"),
    ("escalation_rate", "上报率", "escalated", "accepted"),
]


def measure_q(key: str, now: dt.datetime, end: dt.datetime) -> Q:
    cutoff = min(now, end)
    accepted = Q(accepted_at__isnull=False)
    resolved = Q(resolved_at__isnull=False)
    return {
        "accepted": accepted,
        # 应结案: accepted and either resolved or past its deadline by the end of the period.
        "due": accepted & (resolved | Q(deadline__lt=cutoff)),
        # 结案 counts 办结 (resolved, whatever the villager's reply and rating stage).
        "closed": accepted & resolved,
        "on_time": accepted & resolved & Q(resolved_on_time=True),
        "overdue_open": Q(state__in=RUNNING, deadline__lt=now),
        "rated": ~Q(rating=""),
        "satisfied": Q(rating__in=[Rating.SATISFIED, Rating.BASIC]),
        "reopened": accepted & resolved & Q(reopen_count__gt=0),
        "extended": accepted & Q(extension_count__gt=0),
        # 上报率: cases this level passed up to the next one.
        "escalated": accepted & Q(escalation_count__gt=0),
        "resolved": resolved,
    }[key]


def base_cases(user, unit_code: str, start: dt.date, end: dt.date):
    """Cases in the user's scope that arose under `unit_code` and were reported in [start, end]."""
    # Arising under a unit the user covers already puts a case in scope: no need to repeat it.
    cases = Case.objects.all() if covers(user, unit_code) else Case.objects.in_scope(user)
    return cases.filter(
        origin_code__startswith=unit_code,
        reported_at__gte=_start_of(start),
        reported_at__lt=_start_of(end + dt.timedelta(days=1)),
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def metric_cases(user, unit_code: str, start: dt.date, end: dt.date, key: str, now=None):
    """The list behind one figure."""
    now = now or timezone.now()
    return base_cases(user, unit_code, start, end).filter(
        measure_q(key, now, _start_of(end + dt.timedelta(days=1)))
    )


def _aggregates(now: dt.datetime, end: dt.datetime) -> dict:
    out = {m.key: Count("id", filter=measure_q(m.key, now, end)) for m in MEASURES}
    out["total"] = Count("id")
    out["avg_duration"] = Avg(
        ExpressionWrapper(F("resolved_at") - F("reported_at"), output_field=DurationField()),
        filter=measure_q("resolved", now, end),
    )
    return out


def _finish(row: dict) -> dict:
    rates = {}
    for key, _label, num, den in RATES:
        rates[key] = round(100 * row[num] / row[den], 1) if row[den] else None
    duration = row.get("avg_duration")
    if isinstance(duration, (int, float)):  # some backends return microseconds
        duration = dt.timedelta(microseconds=duration)
    row["avg_hours"] = round(duration.total_seconds() / 3600, 1) if duration else None
    row["rates"] = rates
    return row


def case_indicators(
    *, user, unit_code: str, start: dt.date, end: dt.date, group: str | None = None, now=None
) -> list[dict]:
    """Indicators for the unit as a whole (group=None), by child unit, or by top category."""
    now = now or timezone.now()
    end_at = _start_of(end + dt.timedelta(days=1))
    qs = base_cases(user, unit_code, start, end)
    aggregates = _aggregates(now, end_at)
    if group is None:
        row = qs.aggregate(**aggregates)
        row.update(key=unit_code, label="合计", unit=unit_code)
        return [_finish(row)]
    if group == "unit":
        unit = Unit.objects.get(code=unit_code)
        kind = child_kind(unit.kind)
        if kind is None:
            return []
        length = CODE_LENGTH[kind]
        names = dict(Unit.objects.filter(parent=unit).values_list("code", "name"))
        rows = (
            qs.annotate(g=Substr("origin_code", 1, length))
            .values("g")
            .annotate(**aggregates)
            .order_by("g")
        )
        out = []
        for row in rows:
            if row["g"] not in names:
                continue  # cases raised at the unit itself have no child
            row.update(key=row["g"], label=names[row["g"]], unit=row["g"])
            out.append(_finish(row))
        return out
    if group == "category":
        names = dict(Category.objects.filter(parent=None).values_list("id", "name"))
        rows = (
            qs.annotate(g=Coalesce("category__parent_id", "category_id"))
            .values("g")
            .annotate(**aggregates)
            .order_by("g")
        )
        out = []
        for row in rows:
            row.update(key=row["g"], label=names.get(row["g"], "—"), unit=unit_code)
            out.append(_finish(row))
        return out
    raise ValueError(group)
