"""Jobs statistics for the statistics page and the dashboards, always inside the user's scope."""

import datetime

from django.db.models import Avg, Count

from zhicun.jobs.matching import eligible
from zhicun.jobs.models import Placement


def statistics(user, *, since: datetime.date, today: datetime.date, unit_code: str = "") -> dict:
    """Counts for the statistics page and dashboards, all inside the user's scope."""
    placements = Placement.objects.in_scope(user)
    idle = eligible(user, today=today)
    if unit_code:
        placements, idle = placements.below(unit_code), idle.below(unit_code)
    current = placements.current(today)
    by_employer = (
        placements.since(since)
        .values("opening__employer__name", "opening__employer__kind")
        .annotate(
            n=Count("id"),
            people=Count("person", distinct=True),
            avg=Avg("monthly_income"),
        )
        .order_by("-n")
    )
    since_qs = placements.since(since)
    avg = since_qs.aggregate(a=Avg("monthly_income"))["a"]
    return {
        "current": current.count(),
        "current_people": current.values("person").distinct().count(),
        "since_count": since_qs.count(),
        "since_people": since_qs.values("person").distinct().count(),
        "avg_income": round(avg) if avg is not None else None,
        "by_employer": [
            {**row, "avg": round(row["avg"]) if row["avg"] is not None else None}
            for row in by_employer
        ],
        "not_employed": idle.count(),
    }
