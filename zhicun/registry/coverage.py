"""Visit coverage ("每户必到") and must-visit lists for key groups (SPEC §3).

Coverage counts households living there (常住户): a household that is away or only registered
cannot be visited at its door. Must-visit households are living households with a living member
in a key group; each group has a frequency (`VisitRule`), and the shortest one applies.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from zhicun.accounts.roles import Role
from zhicun.registry.choices import LIVING, SpecialGroup
from zhicun.registry.models import Household, Person, VisitRule
from zhicun.registry.search import has_tag

DEFAULT_DAYS = 90
# Frequencies used for groups without a VisitRule row: 五保, 特困, 残疾, 空巢老人 monthly.
DEFAULT_RULES: dict[str, int] = {
    SpecialGroup.WUBAO: 30,
    SpecialGroup.TEKUN: 30,
    SpecialGroup.DISABLED: 30,
    SpecialGroup.EMPTY_NEST: 30,
}
# A must-visit household is "due" this many days before it becomes overdue.
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class Rule:
    group: str
    every_days: int

    @property
    def label(self) -> str:
        return SpecialGroup(self.group).label


def visit_rules() -> list[Rule]:
    """The rules in force: the table's rows over the defaults, shortest frequency first."""
    days = dict(DEFAULT_RULES)
    days.update(VisitRule.objects.values_list("group", "every_days"))
    rules = [Rule(g, d) for g, d in days.items() if d and g in SpecialGroup.values]
    return sorted(rules, key=lambda r: (r.every_days, r.group))


def since(today: datetime.date, days: int) -> datetime.date:
    """Visits on or after this date count as "within `days` days"."""
    return today - datetime.timedelta(days=days)


def not_visited(qs: QuerySet, day: datetime.date) -> QuerySet:
    return qs.filter(Q(last_visited_on__lt=day) | Q(last_visited_on__isnull=True))


def households(user, code: str | None = None) -> QuerySet:
    """Living households in the user's scope, below `code` if given."""
    qs = Household.objects.in_scope(user).living()
    return qs.below(code) if code else qs


def coverage_by(qs: QuerySet, prefix_length: int, day: datetime.date) -> dict[str, dict]:
    """{unit code: {"total", "visited"}} grouping households by a prefix of the hamlet code."""
    rows = (
        qs.order_by()
        .annotate(unit_code=Substr("hamlet__code", 1, prefix_length))
        .values("unit_code")
        .annotate(total=Count("pk"), visited=Count("pk", filter=Q(last_visited_on__gte=day)))
    )
    return {r["unit_code"]: {"total": r["total"], "visited": r["visited"]} for r in rows}


def rate(visited: int, total: int) -> float | None:
    return round(100 * visited / total, 1) if total else None


def collectors_of(hamlet_codes) -> dict[str, list]:
    """{hamlet code: [users holding an active collector post there]}."""
    from zhicun.accounts.models import Post

    posts = (
        Post.objects.filter(role=Role.COLLECTOR, active=True, unit__code__in=list(hamlet_codes))
        .select_related("user", "unit")
        .order_by("user__username")
    )
    out: dict[str, list] = {}
    for post in posts:
        out.setdefault(post.unit.code, []).append(post.user)
    return out


def coverage_by_collector(by_hamlet: dict[str, dict]) -> list[dict]:
    """Per collector: the sums over their hamlets; hamlets without one are listed apart."""
    collectors = collectors_of(by_hamlet)
    rows: dict[object, dict] = {}
    for code, counts in by_hamlet.items():
        for user in collectors.get(code) or [None]:
            row = rows.setdefault(
                user.pk if user else None,
                {"user": user, "hamlets": [], "total": 0, "visited": 0},
            )
            row["hamlets"].append(code)
            row["total"] += counts["total"]
            row["visited"] += counts["visited"]
    for row in rows.values():
        row["missing"] = row["total"] - row["visited"]
        row["rate"] = rate(row["visited"], row["total"])
    return sorted(rows.values(), key=lambda r: (r["user"] is None, -r["missing"]))


# Must-visit lists ----------------------------------------------------------------------------


def _has_group(group: str):
    return Exists(
        Person.objects.filter(
            has_tag("groups", group), household=OuterRef("pk"), residence__in=LIVING
        )
    )


def must_visit(qs: QuerySet, rules: list[Rule]) -> QuerySet:
    """Households of `qs` with a living member in a key group, annotated `in_<group>`."""
    qs = qs.annotate(**{f"in_{r.group}": _has_group(r.group) for r in rules})
    any_group = Q()
    for r in rules:
        any_group |= Q(**{f"in_{r.group}": True})
    return qs.filter(any_group) if rules else qs.none()


def _late(rule: Rule, today: datetime.date, grace: int = 0) -> Q:
    """Households in the rule's group whose last visit is older than its frequency (- grace)."""
    day = today - datetime.timedelta(days=rule.every_days - grace)
    return Q(**{f"in_{rule.group}": True}) & (
        Q(last_visited_on__lt=day) | Q(last_visited_on__isnull=True)
    )


def overdue_q(rules: list[Rule], today: datetime.date) -> Q:
    q = Q(pk__in=[])
    for r in rules:
        q |= _late(r, today)
    return q


def due_q(rules: list[Rule], today: datetime.date) -> Q:
    """Due within DUE_SOON_DAYS, or already overdue."""
    q = Q(pk__in=[])
    for r in rules:
        q |= _late(r, today, grace=DUE_SOON_DAYS)
    return q


def must_visit_counts(qs: QuerySet, rules: list[Rule], today: datetime.date) -> list[dict]:
    """Per rule: households in the group, due soon, overdue — one aggregate query."""
    if not rules:
        return []
    agg = {}
    for r in rules:
        agg[f"{r.group}__total"] = Count("pk", filter=Q(**{f"in_{r.group}": True}))
        agg[f"{r.group}__overdue"] = Count("pk", filter=_late(r, today))
        agg[f"{r.group}__due"] = Count("pk", filter=_late(r, today, DUE_SOON_DAYS))
    data = must_visit(qs, rules).order_by().aggregate(**agg)
    return [
        {
            "rule": r,
            "total": data[f"{r.group}__total"],
            "overdue": data[f"{r.group}__overdue"],
            "due_soon": data[f"{r.group}__due"] - data[f"{r.group}__overdue"],
        }
        for r in rules
    ]


def due_list(qs: QuerySet, rules: list[Rule], today: datetime.date) -> QuerySet:
    """Must-visit households due within a week or overdue, the longest-unvisited first."""
    return (
        must_visit(qs, rules)
        .filter(due_q(rules, today))
        .select_related("hamlet", "head")
        .order_by(F("last_visited_on").asc(nulls_first=True), "number")
    )


def describe(household, rules: list[Rule], today: datetime.date) -> dict:
    """For one listed household: its key groups, frequency, due date and status."""
    mine = [r for r in rules if getattr(household, f"in_{r.group}", False)]
    every = min((r.every_days for r in mine), default=None)
    if every is None:
        return {"groups": [], "every_days": None, "due_on": None, "status": ""}
    last = household.last_visited_on
    due_on = last + datetime.timedelta(days=every) if last else today
    if last is None or due_on < today:
        status = "overdue"
    elif due_on < today + datetime.timedelta(days=DUE_SOON_DAYS):
        status = "due"
    else:
        status = "ok"
    return {
        "groups": [r.label for r in mine],
        "every_days": every,
        "due_on": due_on,
        "status": status,
        "days_late": (today - due_on).days if status == "overdue" and last else None,
    }
