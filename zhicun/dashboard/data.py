"""Command-centre figures for one unit (SPEC §9), as plain JSON-ready data.

Each figure carries the URL of the list it counts, built from the same parameters the figure
was computed with, and is computed by the same query builders the list uses (registry search,
case filters and indicators, support, jobs, disclosure), so the two always agree. Everything is
a handful of aggregate queries whose number does not grow with the number of villages.
"""

import datetime as dt
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from zhicun.cases import indicators
from zhicun.cases.models import OPEN, RUNNING, Case
from zhicun.registry import coverage, stats
from zhicun.registry.choices import LIVING, HouseholdResidence
from zhicun.registry.models import Household
from zhicun.registry.search import filter_persons
from zhicun.units.models import CODE_LENGTH, Kind, Unit, child_kind

FLOATING_DAYS = 30
JOBS_SINCE = dt.date(2019, 1, 1)  # the jobs statistics page's default
OLDEST_OVERDUE = 8


def url(name: str, *args, **params) -> str:
    """A list URL with its GET parameters; a list value repeats its parameter."""
    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs += [(key, str(v)) for v in values if v not in (None, "")]
    base = reverse(name, args=args)
    return f"{base}?{urlencode(pairs)}" if pairs else base


def figure(key: str, label: str, value, link: str = "", suffix: str = "") -> dict:
    return {"key": key, "label": label, "value": value, "url": link, "suffix": suffix}


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# The unit, its place in the tree ---------------------------------------------------------------


def default_code(user) -> str | None:
    """The user's own unit: the shallowest of their scope codes."""
    codes = user.scope_codes
    return min(codes, key=lambda c: (len(c), c)) if codes else None


def breadcrumbs(user, unit: Unit) -> list[dict]:
    """The unit's ancestors the user may open, root first, then the unit itself."""
    above = Unit.objects.in_scope(user).filter(code__in=unit.ancestor_codes()).order_by("code")
    return [
        {"code": u.code, "name": u.name, "url": reverse("dashboard:unit", args=[u.code])}
        for u in [*above, unit]
    ]


def child_units(unit: Unit) -> tuple[int | None, list[Unit]]:
    kind = child_kind(unit.kind)
    if kind is None:
        return None, []
    return CODE_LENGTH[kind], list(unit.children.order_by("code"))


# Population ------------------------------------------------------------------------------------


def _search(code: str, **params) -> str:
    return url("registry:search", unit=code, **params)


def population(user, unit: Unit, children: list[Unit], prefix, today: dt.date) -> dict:
    code = unit.code
    persons = filter_persons(user, {"unit": code}, today=today)[0]
    households = Household.objects.in_scope(user).below(code)
    totals = stats.totals(persons, households)
    cov = stats.visit_coverage(households, today, coverage.DEFAULT_DAYS)
    coverage_url = url("registry:coverage", unit=code, days=coverage.DEFAULT_DAYS)
    figures = [
        figure("persons", "户籍人口", totals["persons"], _search(code), "人"),
        figure(
            "persons_living", "常住人口", totals["persons_living"], _search(code, residence=LIVING)
        ),
        figure(
            "households", "户籍户数", totals["households"], url("registry:households", unit=code)
        ),
        figure(
            "households_living",
            "常住户数",
            totals["households_living"],
            url("registry:households", unit=code, residence=HouseholdResidence.RESIDENT),
        ),
        figure("coverage", f"{coverage.DEFAULT_DAYS}天走访覆盖率", cov["rate"], coverage_url, "%"),
    ]
    pyramid = []
    for row in stats.age_pyramid(persons, today):
        lo = row["band"] * stats.BAND_YEARS
        hi = None if row["band"] >= stats.BANDS else lo + stats.BAND_YEARS - 1
        pyramid.append(
            {
                "label": row["label"],
                "male": row["male"],
                "female": row["female"],
                "male_url": _search(code, sex="1", age_min=lo, age_max=hi),
                "female_url": _search(code, sex="2", age_min=lo, age_max=hi),
            }
        )
    groups = [
        figure(g["code"], g["label"], g["total"], _search(code, group=g["code"]), "人")
        for g in stats.by_group(persons)
    ]
    employment = stats.labour_employment(persons)
    labour = [
        figure(
            "labour",
            "劳动力",
            sum(r["total"] for r in employment),
            _search(code, labour=stats.LABOUR_FORCE),
            "人",
        )
    ] + [
        figure(
            f"employment_{r['code']}",
            r["label"],
            r["total"],
            _search(code, labour=stats.LABOUR_FORCE, employment=r["code"]),
            "人",
        )
        for r in employment
        if r["code"]
    ]
    moved_since = coverage.since(today, FLOATING_DAYS)
    floating = [
        figure(
            r["code"],
            f"近{FLOATING_DAYS}天{r['label']}",
            r["total"],
            _search(code, moved=r["code"], moved_since=moved_since.isoformat()),
            "人",
        )
        for r in stats.floating(persons, today, FLOATING_DAYS)
    ]
    rows = []
    if prefix:
        per_child = stats.by_child(persons, households, prefix)
        visits = coverage.coverage_by(
            households.living(), prefix, coverage.since(today, coverage.DEFAULT_DAYS)
        )
        for child in children:
            counts = per_child.get(child.code, stats._empty_row())
            seen = visits.get(child.code, {"total": 0, "visited": 0})
            rows.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "url": reverse("dashboard:unit", args=[child.code]),
                    "persons": counts["persons"],
                    "persons_url": _search(child.code),
                    "persons_living": counts["persons_living"],
                    "persons_living_url": _search(child.code, residence=LIVING),
                    "households": counts["households"],
                    "coverage": coverage.rate(seen["visited"], seen["total"]),
                    "coverage_url": url(
                        "registry:coverage", unit=child.code, days=coverage.DEFAULT_DAYS
                    ),
                }
            )
    return {
        "figures": figures,
        "coverage": {**cov, "days": coverage.DEFAULT_DAYS, "url": coverage_url},
        "pyramid": pyramid,
        "groups": groups,
        "labour": labour,
        "floating": floating,
        "floating_days": FLOATING_DAYS,
        "children": rows,
    }


# Cases -----------------------------------------------------------------------------------------


def case_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The indicator page's default period: the last twelve calendar months to today."""
    start = (today.replace(day=1) - dt.timedelta(days=365 - 31)).replace(day=1)
    return start, today


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _month_end(day: dt.date) -> dt.date:
    return (day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def cases(user, unit: Unit, today: dt.date, now: dt.datetime) -> dict:
    code = unit.code
    start, end = case_period(today)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    board = "cases:board" if user.can("case.supervise", code) else "cases:list"
    state = {} if board == "cases:board" else {"state": "open"}
    # The same filters as the case list and board: in scope, arising or handled below the unit.
    counts = (
        Case.objects.in_scope(user)
        .below(code)
        .aggregate(
            open=Count("pk", filter=Q(state__in=OPEN)),
            yellow=Count("pk", filter=Q(state__in=RUNNING, yellow_at__lte=now, deadline__gte=now)),
            red=Count("pk", filter=Q(state__in=RUNNING, deadline__lt=now)),
        )
    )
    accepted_today = indicators.metric_cases(user, code, today, today, "accepted", now).count()
    total = indicators.case_indicators(user=user, unit_code=code, start=start, end=end, now=now)[0]

    def metric(key: str, **extra) -> str:
        return url("cases:list", unit=code, metric=key, **period, **extra)

    figures = [
        figure(
            "accepted_today",
            "今日受理",
            accepted_today,
            url("cases:list", unit=code, metric="accepted", start=today, end=today),
            "件",
        ),
        figure("open", "未办结", counts["open"], url(board, unit=code, **state), "件"),
        figure(
            "yellow", "黄灯", counts["yellow"], url(board, unit=code, light="yellow", **state), "件"
        ),
        figure("red", "红灯", counts["red"], url(board, unit=code, light="red", **state), "件"),
    ]
    indicator_url = url("cases:indicators", unit=code, **period)
    rates = [
        figure(
            "on_time_rate",
            "按期结案率",
            total["rates"]["on_time_rate"],
            indicator_url,
            "%",
        ),
        figure(
            "satisfaction_rate",
            "满意率",
            total["rates"]["satisfaction_rate"],
            indicator_url,
            "%",
        ),
        figure("overdue_open", "超期未结", total["overdue_open"], metric("overdue_open"), "件"),
        figure("accepted", "受理", total["accepted"], metric("accepted"), "件"),
        figure("on_time", "按期结案", total["on_time"], metric("on_time"), "件"),
    ]
    ranking = []
    for row in indicators.case_indicators(
        user=user, unit_code=code, start=start, end=end, group="unit", now=now
    ):
        ranking.append(
            {
                "code": row["unit"],
                "name": row["label"],
                "url": reverse("dashboard:unit", args=[row["unit"]]),
                "accepted": row["accepted"],
                "on_time_rate": row["rates"]["on_time_rate"],
                "satisfaction_rate": row["rates"]["satisfaction_rate"],
                "overdue_open": row["overdue_open"],
                "overdue_url": url("cases:list", unit=row["unit"], metric="overdue_open", **period),
                "indicators_url": url("cases:indicators", unit=row["unit"], **period),
            }
        )
    ranking.sort(
        key=lambda r: (
            r["on_time_rate"] is None,
            -(r["on_time_rate"] or 0),
            r["overdue_open"],
            r["code"],
        )
    )
    categories = [
        figure(
            f"category_{row['key']}",
            row["label"],
            row["accepted"],
            metric("accepted", category=row["key"]),
            "件",
        )
        for row in indicators.case_indicators(
            user=user, unit_code=code, start=start, end=end, group="category", now=now
        )
        if row["accepted"]
    ]
    categories.sort(key=lambda f: -f["value"])
    by_month = {
        timezone.localtime(r["month"]).date()
        if isinstance(r["month"], dt.datetime)
        else r["month"]: r
        for r in indicators.base_cases(user, code, start, end)
        .order_by()
        .annotate(month=TruncMonth("reported_at"))
        .values("month")
        .annotate(
            accepted=Count("pk", filter=indicators.measure_q("accepted", now, now)),
            closed=Count("pk", filter=indicators.measure_q("closed", now, now)),
        )
    }
    trend = []
    for month in _months(start, end):
        row = by_month.get(month, {"accepted": 0, "closed": 0})
        last = min(_month_end(month), end)
        trend.append(
            {
                "label": f"{month.year}年{month.month}月",
                "accepted": row["accepted"],
                "accepted_url": url(
                    "cases:list", unit=code, metric="accepted", start=month, end=last
                ),
                "closed": row["closed"],
                "closed_url": url("cases:list", unit=code, metric="closed", start=month, end=last),
            }
        )
    oldest = [
        {
            "number": c.number,
            "title": c.title,
            "unit": c.responsible_unit.name,
            "deadline": timezone.localtime(c.deadline).strftime("%Y-%m-%d %H:%M"),
            "days": (now - c.deadline).days,
            "url": reverse("cases:detail", args=[c.number]),
        }
        for c in Case.objects.in_scope(user)
        .below(code)
        .red(now)
        .select_related("responsible_unit")
        .order_by("deadline", "pk")[:OLDEST_OVERDUE]
    ]
    return {
        "period": period,
        "figures": figures,
        "rates": rates,
        "ranking": ranking,
        "categories": categories,
        "trend": trend,
        "oldest": oldest,
        "red_url": url(board, unit=code, light="red", **state),
    }


# Support and jobs ------------------------------------------------------------------------------


def support(user, unit: Unit, today: dt.date) -> dict:
    from zhicun.jobs.models import Placement
    from zhicun.support.models import IncomeCard, Kind, Status, SupportedHousehold

    code = unit.code
    rows = (
        SupportedHousehold.objects.in_scope(user)
        .below(code)
        .order_by()
        .values("kind", "status")
        .annotate(n=Count("pk"))
    )
    by_kind = {k: 0 for k in Kind.values}
    by_status = {s: 0 for s in Status.values}
    for r in rows:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + r["n"]
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
    year = today.year
    flagged = (
        IncomeCard.objects.in_scope(user)
        .below(code)
        .filter(year=year)
        .flagged()
        .values("household")
        .distinct()
        .count()
    )
    jobs = (
        Placement.objects.in_scope(user)
        .below(code)
        .aggregate(
            current=Count(
                "pk",
                filter=Q(start_date__lte=today)
                & (Q(end_date__isnull=True) | Q(end_date__gte=today)),
            ),
            since=Count("pk", filter=Q(start_date__gte=JOBS_SINCE)),
            avg=Avg("monthly_income", filter=Q(start_date__gte=JOBS_SINCE)),
        )
    )
    jobs_url = url("jobs:stats", unit=code, since=JOBS_SINCE)
    return {
        "year": year,
        "kinds": [
            figure(k, Kind(k).label, n, url("support:list", unit=code, kind=k), "户")
            for k, n in by_kind.items()
        ],
        "statuses": [
            figure(s, Status(s).label, n, url("support:list", unit=code, status=s), "户")
            for s, n in by_status.items()
        ],
        "flagged": figure(
            "flagged",
            f"{year}年收入低于监测标准或大幅下降",
            flagged,
            url("support:list", unit=code, flagged=1),
            "户",
        ),
        "jobs": [
            figure("current", "在岗人数", jobs["current"], jobs_url, "人次"),
            figure("since", f"{JOBS_SINCE.year}年以来就业安置", jobs["since"], jobs_url, "人次"),
            figure(
                "avg_income",
                "平均月收入",
                round(jobs["avg"] / 100) if jobs["avg"] is not None else None,
                jobs_url,
                "元",
            ),
        ],
    }


# Openness --------------------------------------------------------------------------------------


def openness(user, unit: Unit, today: dt.date) -> dict | None:
    from zhicun.disclosure.services import disclosure_completion, villages_in_scope

    if unit.kind in (Kind.GRID, Kind.HAMLET):
        return None
    result = disclosure_completion(villages_in_scope(user).below(unit.code), today)
    link = url("disclosure:completion", unit=unit.code)
    return {
        "figures": [
            figure("villages", "行政村", result["total"], link, "个"),
            figure("late", "未按期公开", len(result["late"]), link, "个"),
            figure(
                "rate",
                "公开完成率",
                round(100 * result["rate"], 1) if result["rate"] is not None else None,
                link,
                "%",
            ),
        ],
        "late": [
            {
                "code": r["unit"].code,
                "name": r["unit"].name,
                "url": reverse("dashboard:unit", args=[r["unit"].code]),
                "affairs_ok": r["affairs_ok"],
                "finance_ok": r["finance_ok"],
                "affairs_due": r["affairs_due"].isoformat(),
                "finance_due": r["finance_due"].isoformat(),
            }
            for r in result["late"]
        ],
    }


# Errands (when the errands app is installed) ---------------------------------------------------


def errands(user, unit: Unit, today: dt.date) -> dict | None:
    """Errands by type and month over the cases' period, open ones, documents held."""
    if not apps.is_installed("zhicun.errands"):
        return None
    from zhicun.errands.models import OPEN as ERRAND_OPEN
    from zhicun.errands.models import CustodyItem, Errand
    from zhicun.errands.models import State as ErrandState
    from zhicun.errands.stats import DEFAULT_SINCE, running_total

    code = unit.code
    start, end = case_period(today)
    # The errand statistics page's own filters (errands.stats.errand_stats), without the money
    # and staff breakdowns the dashboard does not show.
    errands = (
        Errand.objects.in_scope(user)
        .below(code)
        .filter(
            registered_at__gte=_start_of(start),
            registered_at__lt=_start_of(end + dt.timedelta(days=1)),
        )
        .order_by()
    )
    totals = errands.aggregate(
        n=Count("pk"),
        closed=Count("pk", filter=Q(state=ErrandState.CLOSED)),
        open=Count("pk", filter=Q(state__in=ERRAND_OPEN)),
    )
    by_type = errands.values("type__name").annotate(n=Count("pk")).order_by("-n", "type__name")
    months = errands.annotate(month=TruncMonth("registered_at")).values("month")
    data = {
        "since": DEFAULT_SINCE,
        "totals": totals,
        "by_type": list(by_type),
        "by_month": [
            {"month": row["month"].strftime("%Y-%m"), "n": row["n"]}
            for row in months.annotate(n=Count("pk"))
        ],
        "running_total": running_total(user, code, DEFAULT_SINCE),
    }
    link = url("errands:stats", unit=code, start=start, end=end)
    since_link = url("errands:stats", unit=code, start=data["since"], end=end)
    held = (
        CustodyItem.objects.held()
        .filter(errand__in=Errand.objects.in_scope(user).below(code))
        .values("errand")
        .distinct()
        .count()
    )
    by_month = {row["month"]: row["n"] for row in data["by_month"]}
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "figures": [
            figure("errands", "代办（近一年）", data["totals"]["n"], link, "件"),
            figure("errands_open", "在办", data["totals"]["open"], link, "件"),
            figure("errands_closed", "已办结", data["totals"]["closed"], link, "件"),
            figure(
                "errands_total",
                f"{data['since'].year}年{data['since'].month}月以来累计",
                data["running_total"],
                since_link,
                "件",
            ),
            # Documents still in custody: no list filters by this yet, so no link.
            figure("custody", "材料托管中（件代办）", held, "", "件"),
        ],
        "by_type": [
            figure(f"type_{i}", row["type__name"], row["n"], link, "件")
            for i, row in enumerate(data["by_type"])
        ],
        "by_month": [
            {"label": f"{m.year}年{m.month}月", "value": by_month.get(m.strftime("%Y-%m"), 0)}
            for m in _months(start, end)
        ],
    }


# All of it -------------------------------------------------------------------------------------


def dashboard_data(user, unit: Unit, *, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    prefix, children = child_units(unit)
    return {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "kind_label": unit.kind_label,
            "url": reverse("dashboard:unit", args=[unit.code]),
            "screen_url": reverse("dashboard:screen", args=[unit.code]),
            "data_url": reverse("dashboard:data", args=[unit.code]),
        },
        "generated_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "breadcrumbs": breadcrumbs(user, unit),
        "population": population(user, unit, children, prefix, today),
        "cases": cases(user, unit, today, now),
        "errands": errands(user, unit, today),
        "support": support(user, unit, today),
        "openness": openness(user, unit, today),
    }
