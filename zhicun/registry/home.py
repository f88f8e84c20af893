"""The registry's panels on the 工作台 home: due visits for visitors, figures for the rest."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from zhicun.registry import coverage
from zhicun.registry.choices import MoveKind
from zhicun.registry.models import Move

DUE_SHOWN = 8
FLOATING_DAYS = 14


def panels(request) -> list[dict]:
    user = request.user
    if not user.can("business.view"):
        return []
    out = []
    if user.can("registry.edit"):
        out.append(due_visits(user))
    out.append(population(user))
    return out


def due_visits(user) -> dict:
    """Must-visit households due within a week or overdue, and households long unvisited."""
    today = timezone.localdate()
    rules = coverage.visit_rules()
    households = coverage.households(user)
    due = coverage.due_list(households, rules, today)
    shown = list(due[: DUE_SHOWN + 1])
    rows = [{"household": h, **coverage.describe(h, rules, today)} for h in shown[:DUE_SHOWN]]
    unvisited = coverage.not_visited(households, coverage.since(today, coverage.DEFAULT_DAYS))
    url = reverse("registry:coverage")
    return {
        "template": "registry/panels/due_visits.html",
        "title": "走访提醒",
        "rows": rows,
        "more": len(shown) > DUE_SHOWN,
        "must_url": f"{url}?list=must#list",
        "unvisited": unvisited.count(),
        "unvisited_url": f"{url}?list=missing#list",
        "days": coverage.DEFAULT_DAYS,
    }


def population(user) -> dict:
    today = timezone.localdate()
    counts = (
        Move.objects.in_scope(user)
        .filter(date__gte=coverage.since(today, FLOATING_DAYS))
        .aggregate(
            came=Count("person", distinct=True, filter=Q(kind=MoveKind.IN)),
            left=Count("person", distinct=True, filter=Q(kind=MoveKind.OUT)),
        )
    )
    floating = reverse("registry:floating")
    return {
        "template": "panel_links.html",
        "title": "人口信息",
        "links": [
            {"label": "人员查询", "url": reverse("registry:search"), "icon": "search"},
            {
                "label": f"近{FLOATING_DAYS}天流入",
                "url": f"{floating}?days={FLOATING_DAYS}&kind={MoveKind.IN}",
                "icon": "box-arrow-in-down",
                "count": counts["came"],
            },
            {
                "label": f"近{FLOATING_DAYS}天流出",
                "url": f"{floating}?days={FLOATING_DAYS}&kind={MoveKind.OUT}",
                "icon": "box-arrow-up",
                "count": counts["left"],
            },
            {"label": "人口统计", "url": reverse("registry:stats"), "icon": "bar-chart"},
        ],
    }
