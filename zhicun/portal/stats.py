"""What a village's public page says about its cases and its grid team: aggregates only."""

import datetime as dt

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from zhicun.accounts.models import Post
from zhicun.accounts.roles import Role
from zhicun.lib.masking import mask_phone
from zhicun.units.models import Unit

TEAM_ROLES = [Role.CHIEF, Role.MANAGER, Role.COLLECTOR, Role.SUPERVISOR]


def case_figures(village: Unit, today: dt.date | None = None) -> dict | None:
    """This year's cases that arose in the village: counts and the on-time rate, computed with
    the cases app's own indicator definitions. None when the cases app is absent."""
    if not apps.is_installed("zhicun.cases"):
        return None
    from zhicun.cases.indicators import measure_q
    from zhicun.cases.models import Case

    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime(today.year, 1, 1))
    end = timezone.make_aware(dt.datetime(today.year + 1, 1, 1))
    now = timezone.now()
    cases = Case.objects.filter(
        origin_code__startswith=village.code, reported_at__gte=start, reported_at__lt=end
    )
    figures = cases.aggregate(
        reported=Count("pk"),
        **{
            key: Count("pk", filter=measure_q(key, now, end))
            for key in ("due", "closed", "on_time", "rated", "satisfied")
        },
    )
    figures["open"] = figures["reported"] - figures["closed"]
    figures["on_time_rate"] = _rate(figures["on_time"], figures["due"])
    figures["satisfaction_rate"] = _rate(figures["satisfied"], figures["rated"])
    figures["year"] = today.year
    return figures


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def grid_team(village: Unit) -> list[dict]:
    """Names and roles of the village's cadres; phone numbers masked."""
    posts = (
        Post.objects.filter(
            Q(unit__code__startswith=village.code),
            active=True,
            role__in=TEAM_ROLES,
            user__is_active=True,
        )
        .select_related("user", "unit")
        .order_by("role", "unit__code")
    )
    order = {role: i for i, role in enumerate(TEAM_ROLES)}
    rows = [
        {
            "name": p.user.display_name,
            "role": p.get_role_display(),
            "unit": p.unit.name,
            "phone": mask_phone(p.user.phone),
            "order": order[p.role],
        }
        for p in posts
    ]
    return sorted(rows, key=lambda r: (r["order"], r["unit"]))
