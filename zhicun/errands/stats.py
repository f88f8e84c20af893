"""Errand statistics for pages and dashboards: aggregate queries only, always within scope."""

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from zhicun.errands.models import OPEN, Errand, Payment, State

# 大十号村's running total is counted from the month the service started there.
DEFAULT_SINCE = dt.date(2019, 9, 1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def running_total(user, unit_code: str, since: dt.date = DEFAULT_SINCE) -> int:
    """Errands registered in the unit since `since` (the "2229 件" figure)."""
    return (
        Errand.objects.in_scope(user)
        .below(unit_code)
        .filter(registered_at__gte=_start_of(since))
        .count()
    )


def errand_stats(
    *, user, unit_code: str, start: dt.date, end: dt.date, since: dt.date = DEFAULT_SINCE
) -> dict:
    """Counts by type, month, unit (the next level down) and staff member; money by type and
    month; average time from registration to result; the running total since `since`."""
    errands = (
        Errand.objects.in_scope(user)
        .below(unit_code)
        .filter(
            registered_at__gte=_start_of(start), registered_at__lt=_start_of(end + dt.timedelta(1))
        )
    )
    payments = Payment.objects.filter(errand__in=Errand.objects.in_scope(user).below(unit_code))
    payments = payments.filter(
        paid_at__gte=_start_of(start), paid_at__lt=_start_of(end + dt.timedelta(1))
    )
    child_len = _child_length(unit_code)
    by_type = list(
        errands.values("type__name")
        .annotate(n=Count("id"), closed=Count("id", filter=_closed()))
        .order_by("-n", "type__name")
    )
    by_month = [
        {"month": row["month"].strftime("%Y-%m"), "n": row["n"]}
        for row in errands.annotate(month=TruncMonth("registered_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    ]
    by_unit = list(
        errands.annotate(child=Substr("unit_code", 1, child_len))
        .values("child")
        .annotate(n=Count("id"))
        .order_by("child")
    )
    by_staff = list(
        errands.values("registered_by__full_name", "registered_by__username")
        .annotate(n=Count("id"))
        .order_by("-n", "registered_by__username")
    )
    money_by_type = list(
        payments.values("errand__type__name")
        .annotate(fen=Sum("amount_fen"), n=Count("id"))
        .order_by("-fen")
    )
    money_by_month = [
        {"month": row["month"].strftime("%Y-%m"), "fen": row["fen"]}
        for row in payments.annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(fen=Sum("amount_fen"))
        .order_by("month")
    ]
    to_result = ExpressionWrapper(
        F("replied_at") - F("registered_at"), output_field=DurationField()
    )
    average = errands.filter(replied_at__isnull=False).aggregate(avg=Avg(to_result))["avg"]
    totals = errands.aggregate(
        n=Count("id"),
        closed=Count("id", filter=_closed()),
        open=Count("id", filter=_open()),
    )
    return {
        "unit_code": unit_code,
        "start": start,
        "end": end,
        "totals": totals,
        "by_type": by_type,
        "by_month": by_month,
        "by_unit": by_unit,
        "by_staff": by_staff,
        "money_by_type": money_by_type,
        "money_by_month": money_by_month,
        "money_total_fen": sum(row["fen"] or 0 for row in money_by_type),
        "average_to_result": average,
        "since": since,
        "running_total": running_total(user, unit_code, since),
    }


def _closed() -> Q:
    return Q(state=State.CLOSED)


def _open() -> Q:
    return Q(state__in=OPEN)


def _child_length(code: str) -> int:
    """Code length of the next level down: county 6 → township 9 → village 12 → grid 15 → 18."""
    return {6: 9, 9: 12, 12: 15}.get(len(code), 18)
