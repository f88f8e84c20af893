"""Command-centre figures for one unit (SPEC §9), as plain JSON-ready data.

Each figure carries the URL of the list it counts, built from the same parameters the figure
was computed with, and is computed by the same query builders the list uses (registry search,
case filters and indicators, support, jobs, disclosure), so the two always agree. Everything is
a handful of aggregate queries whose number does not grow with the number of villages.
"""

import datetime as dt
import functools
import re
from collections.abc import Callable
from urllib.parse import quote_plus

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    Q,
    Value,
)
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from zhicun.cases import indicators
from zhicun.cases.models import OPEN, RUNNING, Case, Category
from zhicun.registry import coverage, stats
from zhicun.registry.choices import LIVING, HouseholdResidence
from zhicun.registry.models import Household
from zhicun.registry.search import filter_persons
from zhicun.units.models import CODE_LENGTH, Kind, Unit, child_kind

FLOATING_DAYS = 30
JOBS_SINCE = dt.date(2019, 1, 1)  # the jobs statistics page's default
OLDEST_OVERDUE = 8


def url(name: str, *args, **params) -> str:
    """A list URL with its GET parameters (as urlencode writes them); a list value repeats its
    parameter. A dashboard writes about two hundred of them."""
    return _with_query(path(name, *args), params)


def links(name: str, *args) -> Callable[..., str]:
    """`url(name, *args, **params)` for a list linked to many times: its path reversed once."""
    base = path(name, *args)
    return lambda **params: _with_query(base, params)


def _with_query(base: str, params: dict) -> str:
    query = "&".join(
        f"{_quoted(key)}={_quoted(str(v))}"
        for key, value in params.items()
        for v in (value if isinstance(value, (list, tuple)) else [value])
        if v not in (None, "")
    )
    return f"{base}?{query}" if query else base


# What quote_plus leaves as it is: codes, numbers, dates and names like "overdue_open", which
# are nearly all the values here, pass without it (a few microseconds a value).
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


def _quoted(text: str) -> str:
    return text if _PLAIN.fullmatch(text) else quote_plus(text)


def path(name: str, *args) -> str:
    """reverse(), remembered: a dashboard links a couple of hundred times to a few pages."""
    return _reverse(name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple, prefix: str, urlconf: str) -> str:
    # `prefix` only keys the cache: reverse() reads the script prefix in force itself.
    return reverse(name, args=args, urlconf=urlconf)


def figure(key: str, label: str, value, link: str = "", suffix: str = "") -> dict:
    return {"key": key, "label": label, "value": value, "url": link, "suffix": suffix}


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# The unit, its place in the tree ---------------------------------------------------------------


def default_code(user) -> str | None:
    """The user's own unit: the shallowest of their scope codes."""
    codes = user.scope_codes
    return min(codes, key=lambda c: (len(c), c)) if codes else None


def around(user, unit: Unit) -> tuple[list[Unit], int | None, list[Unit]]:
    """(the unit's ancestors the user may open, root first; the length of its children's codes;
    its children), read in one query."""
    above = Unit.objects.in_scope(user).filter(code__in=unit.ancestor_codes())
    kind = child_kind(unit.kind)
    units = above if kind is None else above | unit.children.all()
    ancestors, children = [], []
    for u in units.order_by("code"):
        (children if u.parent_id == unit.pk else ancestors).append(u)
    return ancestors, (CODE_LENGTH[kind] if kind else None), children


def breadcrumbs(ancestors: list[Unit], unit: Unit) -> list[dict]:
    """The ancestors, then the unit itself."""
    return [
        {"code": u.code, "name": u.name, "url": path("dashboard:unit", u.code)}
        for u in [*ancestors, unit]
    ]


# Population ------------------------------------------------------------------------------------


def population(user, unit: Unit, children: list[Unit], prefix, today: dt.date) -> dict:
    code = unit.code
    search = links("registry:search")
    persons = filter_persons(user, {"unit": code}, today=today)[0]
    households = Household.objects.in_scope_below(user, code)
    # A couple of GROUP BYs over the persons and one over the households give every figure
    # below; a township's persons or fewer are read only once (see person_overview).
    small = unit.kind not in (Kind.PROVINCE, Kind.CITY, Kind.COUNTY)
    people = stats.person_overview(persons, today, prefix, one_pass=small)
    homes = stats.household_overview(households, today, coverage.DEFAULT_DAYS, prefix)
    totals = {**people["totals"], **homes["totals"]}
    cov = homes["coverage"]
    coverage_url = url("registry:coverage", unit=code, days=coverage.DEFAULT_DAYS)
    figures = [
        figure("persons", "户籍人口", totals["persons"], search(unit=code), "人"),
        figure(
            "persons_living",
            "常住人口",
            totals["persons_living"],
            search(unit=code, residence=LIVING),
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
    for row in people["pyramid"]:
        lo = row["band"] * stats.BAND_YEARS
        hi = None if row["band"] >= stats.BANDS else lo + stats.BAND_YEARS - 1
        pyramid.append(
            {
                "label": row["label"],
                "male": row["male"],
                "female": row["female"],
                "male_url": search(unit=code, sex="1", age_min=lo, age_max=hi),
                "female_url": search(unit=code, sex="2", age_min=lo, age_max=hi),
            }
        )
    groups = [
        figure(g["code"], g["label"], g["total"], search(unit=code, group=g["code"]), "人")
        for g in people["groups"]
    ]
    employment = people["employment"]
    labour = [
        figure(
            "labour",
            "劳动力",
            sum(r["total"] for r in employment),
            search(unit=code, labour=stats.LABOUR_FORCE),
            "人",
        )
    ] + [
        figure(
            f"employment_{r['code']}",
            r["label"],
            r["total"],
            search(unit=code, labour=stats.LABOUR_FORCE, employment=r["code"]),
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
            search(unit=code, moved=r["code"], moved_since=moved_since.isoformat()),
            "人",
        )
        for r in stats.floating(persons, today, FLOATING_DAYS)
    ]
    rows = []
    if prefix:
        for child in children:
            counts = people["children"].get(child.code, {"persons": 0, "persons_living": 0})
            homes_there = homes["children"].get(child.code, {"households": 0})
            seen = homes_there.get("coverage", {"total": 0, "visited": 0})
            rows.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "url": path("dashboard:unit", child.code),
                    "persons": counts["persons"],
                    "persons_url": search(unit=child.code),
                    "persons_living": counts["persons_living"],
                    "persons_living_url": search(unit=child.code, residence=LIVING),
                    "households": homes_there["households"],
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


# What the dashboard shows of the period's cases, counted in all, per child unit, top category and
# month: the indicator page's counts (indicators.measure_q) over its cases (indicators.base_cases).
PERIOD_MEASURES = ("accepted", "due", "closed", "on_time", "overdue_open", "rated", "satisfied")
PERIOD_KEYS = ("child", "top", "month")


def _period_sums(user, code: str, prefix, start: dt.date, end: dt.date, now) -> dict:
    """{"all": {None: counts}, "child": {code: counts}, "top": {category id: counts},
    "month": {first day: counts}}, each counts a dict of PERIOD_MEASURES."""
    end_at = _start_of(end + dt.timedelta(days=1))
    cases = _period_cases(user, code, prefix, start, end)
    if connections[cases.db].vendor == "postgresql":
        return _grouping_sets(cases, now, end_at)
    return _sums(_period_rows(cases, now, end_at))


def _period_cases(user, code: str, prefix, start: dt.date, end: dt.date):
    """The period's cases with their child unit, top category and month."""
    child = Substr("origin_code", 1, prefix) if prefix else Value("", output_field=CharField())
    return (
        indicators.base_cases(user, code, start, end)
        .order_by()
        .annotate(
            child=child,
            top=Coalesce("category__parent_id", "category_id"),
            month=TruncMonth("reported_at", output_field=DateField()),
        )
    )


def _period_rows(cases, now, end_at) -> list[tuple]:
    """(child unit, top category, month, *PERIOD_MEASURES counts) rows."""
    return list(
        cases.values(*PERIOD_KEYS)
        .annotate(
            **{k: Count("pk", filter=indicators.measure_q(k, now, end_at)) for k in PERIOD_MEASURES}
        )
        .values_list(*PERIOD_KEYS, *PERIOD_MEASURES)
    )


def _sums(rows) -> dict:
    """(child unit, top category, month, *counts) rows added up in all and by each key."""
    sums: dict = {"all": {}, "child": {}, "top": {}, "month": {}}
    for child, top, month, *counts in rows:
        for by, key in (("all", None), ("child", child), ("top", top), ("month", month)):
            before = sums[by].get(key)
            sums[by][key] = (
                counts if before is None else [a + b for a, b in zip(before, counts, strict=True)]
            )
    return {
        by: {key: dict(zip(PERIOD_MEASURES, counts, strict=True)) for key, counts in totals.items()}
        for by, totals in sums.items()
    }


# GROUPING(child, top, month) of each grouping set: a bit for each key left out.
_SETS = {0b011: "child", 0b101: "top", 0b110: "month", 0b111: "all"}


def _grouping_sets(cases, now, end_at) -> dict:
    """`_sums` of the cases' rows from one statement with GROUPING SETS (PostgreSQL): a few
    dozen rows come back instead of one per child unit, category and month (five hundred for
    a township), each converted and added up in Python. `cases` carries the keys."""
    flags = {
        f"is_{k}": ExpressionWrapper(indicators.measure_q(k, now, end_at), BooleanField())
        for k in PERIOD_MEASURES
    }
    inner, params = cases.annotate(**flags).values(*PERIOD_KEYS, *flags).query.sql_with_params()
    counts = ", ".join(f"count(*) FILTER (WHERE {flag})" for flag in flags)
    statement = f"""
        SELECT child, top, month::date, GROUPING(child, top, month), {counts}
        FROM ({inner}) AS c
        GROUP BY GROUPING SETS ((child), (top), (month), ())
    """  # noqa: S608 (the names are the constants above)
    with connections[cases.db].cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    sums: dict = {by: {} for by in _SETS.values()}
    for child, top, month, grouping, *numbers in rows:
        by = _SETS[grouping]
        key = {"child": child, "top": top, "month": month, "all": None}[by]
        sums[by][key] = dict(zip(PERIOD_MEASURES, numbers, strict=True))
    return sums


def _rates(counts: dict) -> dict:
    return {
        "on_time_rate": rate(counts["on_time"], counts["due"]),
        "satisfaction_rate": rate(counts["satisfied"], counts["rated"]),
    }


def cases(user, unit: Unit, children: list[Unit], prefix, today: dt.date, now) -> dict:
    code = unit.code
    case_list = links("cases:list")
    start, end = case_period(today)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    board = "cases:board" if user.can("case.supervise", code) else "cases:list"
    state = {} if board == "cases:board" else {"state": "open"}
    # The same filters as the case list and board: in scope, arising or handled below the unit;
    # 今日受理 is the indicator list's filter (arising below the unit, reported today, accepted).
    counts = Case.objects.in_scope_below(user, code).aggregate(
        open=Count("pk", filter=Q(state__in=OPEN)),
        yellow=Count("pk", filter=Q(state__in=RUNNING, yellow_at__lte=now, deadline__gte=now)),
        red=Count("pk", filter=Q(state__in=RUNNING, deadline__lt=now)),
        accepted_today=Count(
            "pk",
            filter=Q(
                origin_code__startswith=code,
                reported_at__gte=_start_of(today),
                reported_at__lt=_start_of(today + dt.timedelta(days=1)),
            )
            & indicators.measure_q("accepted", now, _start_of(today + dt.timedelta(days=1))),
        ),
    )
    accepted_today = counts["accepted_today"]
    sums = _period_sums(user, code, prefix, start, end, now)
    total = sums["all"].get(None, dict.fromkeys(PERIOD_MEASURES, 0))
    total["rates"] = _rates(total)

    def metric(key: str, **extra) -> str:
        return case_list(unit=code, metric=key, **period, **extra)

    figures = [
        figure(
            "accepted_today",
            "今日受理",
            accepted_today,
            case_list(unit=code, metric="accepted", start=today, end=today),
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
    names = {child.code: child.name for child in children}
    ranking = []
    for child, counts in sums["child"].items():
        if child not in names:
            continue  # cases raised at the unit itself have no child
        shares = _rates(counts)
        ranking.append(
            {
                "code": child,
                "name": names[child],
                "url": path("dashboard:unit", child),
                "accepted": counts["accepted"],
                "on_time_rate": shares["on_time_rate"],
                "satisfaction_rate": shares["satisfaction_rate"],
                "overdue_open": counts["overdue_open"],
                "overdue_url": case_list(unit=child, metric="overdue_open", **period),
                "indicators_url": url("cases:indicators", unit=child, **period),
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
    top_names = dict(Category.objects.filter(parent=None).values_list("id", "name"))
    categories = [
        figure(
            f"category_{top}",
            top_names.get(top, "—"),
            counts["accepted"],
            metric("accepted", category=top),
            "件",
        )
        for top, counts in sorted(sums["top"].items())
        if counts["accepted"]
    ]
    categories.sort(key=lambda f: -f["value"])
    by_month = sums["month"]  # by the month's first day, in local time
    trend = []
    for month in _months(start, end):
        row = by_month.get(month, dict.fromkeys(PERIOD_MEASURES, 0))
        last = min(_month_end(month), end)
        trend.append(
            {
                "label": f"{month.year}年{month.month}月",
                "accepted": row["accepted"],
                "accepted_url": case_list(unit=code, metric="accepted", start=month, end=last),
                "closed": row["closed"],
                "closed_url": case_list(unit=code, metric="closed", start=month, end=last),
            }
        )
    oldest = [
        {
            "number": number,
            "title": title,
            "unit": unit_name,
            "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
            "days": (now - deadline).days,
            "url": path("cases:detail", number),
        }
        for number, title, unit_name, deadline in Case.objects.in_scope_below(user, code)
        .red(now)
        .order_by("deadline", "pk")
        .values_list("number", "title", "responsible_unit__name", "deadline")[:OLDEST_OVERDUE]
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
        SupportedHousehold.objects.in_scope_below(user, code)
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
        IncomeCard.objects.in_scope_below(user, code)
        .filter(year=year)
        .flagged()
        .values("household")
        .distinct()
        .count()
    )
    jobs = Placement.objects.in_scope_below(user, code).aggregate(
        current=Count(
            "pk",
            filter=Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today)),
        ),
        since=Count("pk", filter=Q(start_date__gte=JOBS_SINCE)),
        avg=Avg("monthly_income", filter=Q(start_date__gte=JOBS_SINCE)),
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
                "url": path("dashboard:unit", r["unit"].code),
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
    from zhicun.errands.stats import DEFAULT_SINCE

    code = unit.code
    start, end = case_period(today)
    # The errand statistics page's own filters (errands.stats.errand_stats), without the money
    # and staff breakdowns the dashboard does not show.
    scoped = Errand.objects.in_scope_below(user, code).order_by()
    in_period = Q(
        registered_at__gte=_start_of(start),
        registered_at__lt=_start_of(end + dt.timedelta(days=1)),
    )
    # The period's counts and the running total (errands.stats.running_total) in one query.
    totals = scoped.filter(registered_at__gte=_start_of(min(start, DEFAULT_SINCE))).aggregate(
        n=Count("pk", filter=in_period),
        closed=Count("pk", filter=in_period & Q(state=ErrandState.CLOSED)),
        open=Count("pk", filter=in_period & Q(state__in=ERRAND_OPEN)),
        running_total=Count("pk", filter=Q(registered_at__gte=_start_of(DEFAULT_SINCE))),
    )
    # By type and by month from one GROUP BY of both.
    by_type: dict[str, int] = {}
    by_month: dict[dt.date, int] = {}
    for row in (
        scoped.filter(in_period)
        .annotate(month=TruncMonth("registered_at", output_field=DateField()))
        .values("type__name", "month")
        .annotate(n=Count("pk"))
    ):
        by_type[row["type__name"]] = by_type.get(row["type__name"], 0) + row["n"]
        by_month[row["month"]] = by_month.get(row["month"], 0) + row["n"]
    types = sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
    link = url("errands:stats", unit=code, start=start, end=end)
    since_link = url("errands:stats", unit=code, start=DEFAULT_SINCE, end=end)
    held = (
        CustodyItem.objects.held()
        .filter(errand__in=Errand.objects.in_scope_below(user, code))
        .values("errand")
        .distinct()
        .count()
    )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "figures": [
            figure("errands", "代办（近一年）", totals["n"], link, "件"),
            figure("errands_open", "在办", totals["open"], link, "件"),
            figure("errands_closed", "已办结", totals["closed"], link, "件"),
            figure(
                "errands_total",
                f"{DEFAULT_SINCE.year}年{DEFAULT_SINCE.month}月以来累计",
                totals["running_total"],
                since_link,
                "件",
            ),
            # Documents still in custody: no list filters by this yet, so no link.
            figure("custody", "材料托管中（件代办）", held, "", "件"),
        ],
        "by_type": [figure(f"type_{i}", name, n, link, "件") for i, (name, n) in enumerate(types)],
        "by_month": [
            {"label": f"{m.year}年{m.month}月", "value": by_month.get(m, 0)}
            for m in _months(start, end)
        ],
    }


# All of it -------------------------------------------------------------------------------------


def dashboard_data(user, unit: Unit, *, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    ancestors, prefix, children = around(user, unit)
    return {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "kind_label": unit.kind_label,
            "url": path("dashboard:unit", unit.code),
            "screen_url": path("dashboard:screen", unit.code),
            "data_url": path("dashboard:data", unit.code),
        },
        "generated_at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "breadcrumbs": breadcrumbs(ancestors, unit),
        "population": population(user, unit, children, prefix, today),
        "cases": cases(user, unit, children, prefix, today, now),
        "errands": errands(user, unit, today),
        "support": support(user, unit, today),
        "openness": openness(user, unit, today),
    }
