"""5 Dashboard: a township's and the city's command-centre data against hand-written GROUP BY SQL.

The dashboard side is the `data.json` view itself, called in-process for a 指挥中心 user posted
at the unit (the user loaded afresh each time, as a request would). The other side is the same
figures computed by hand: one GROUP BY (or one aggregate) per breakdown over the same rows,
through a raw psycopg connection, with only the Python needed to shape the rows. Before timing,
both sides' figures are compared and the benchmark stops if any differs. Target ≤ 1.5×.
"""

import argparse
import datetime as dt
import json

import psycopg

from bench.common import Row, emit, say, setup_django, side_by_side, staff_user

TOWNSHIP, CITY = "150921100", "1509"
UNITS = {"乡镇": TOWNSHIP, "全市": CITY}
STAFF = {"乡镇": "bench_township", "全市": "bench_city"}  # the search benchmark's users
TZ = "Asia/Shanghai"

# Population ------------------------------------------------------------------------------------

PERSONS_BY_CHILD = """
    SELECT substr(u.code, 1, {n}) AS child,
           count(*) AS registered,
           count(*) FILTER (WHERE p.residence = ANY(%(living)s)) AS living
    FROM registry_person p JOIN units_unit u ON u.id = p.hamlet_id
    WHERE u.code LIKE %(prefix)s AND p.residence = ANY(%(active)s)
    GROUP BY ROLLUP (substr(u.code, 1, {n}))
"""
HOUSEHOLDS_BY_CHILD = """
    SELECT substr(u.code, 1, {n}) AS child,
           count(*) AS households,
           count(*) FILTER (WHERE h.residence = 'resident') AS living,
           count(*) FILTER (WHERE h.residence = 'resident' AND h.last_visited_on >= %(visit_since)s)
    FROM registry_household h JOIN units_unit u ON u.id = h.hamlet_id
    WHERE u.code LIKE %(prefix)s
    GROUP BY ROLLUP (substr(u.code, 1, {n}))
"""
PYRAMID = """
    SELECT CASE WHEN p.birth_date > %(today)s THEN 20
                ELSE 20 - width_bucket(p.birth_date, %(band_starts)s::date[]) END AS band,
           p.sex, count(*)
    FROM registry_person p JOIN units_unit u ON u.id = p.hamlet_id
    WHERE u.code LIKE %(prefix)s AND p.residence = ANY(%(active)s) AND p.sex IN ('1', '2')
    GROUP BY 1, 2
"""
GROUPS = """
    SELECT g, count(*)
    FROM registry_person p JOIN units_unit u ON u.id = p.hamlet_id,
         unnest(string_to_array(p.groups, '|')) AS g
    WHERE u.code LIKE %(prefix)s AND p.residence = ANY(%(active)s) AND g <> ''
    GROUP BY g
"""
EMPLOYMENT = """
    SELECT p.employment, count(*)
    FROM registry_person p JOIN units_unit u ON u.id = p.hamlet_id
    WHERE u.code LIKE %(prefix)s AND p.residence = ANY(%(active)s)
      AND p.labour IN ('1', '2', '3')
    GROUP BY 1
"""
FLOATING = """
    SELECT m.kind, count(DISTINCT m.person_id)
    FROM registry_move m
    JOIN registry_person p ON p.id = m.person_id
    JOIN units_unit u ON u.id = p.hamlet_id
    WHERE u.code LIKE %(prefix)s AND p.residence = ANY(%(active)s) AND m.date >= %(move_since)s
    GROUP BY 1
"""
CHILDREN = """
    SELECT c.code, c.name FROM units_unit c JOIN units_unit u ON u.id = c.parent_id
    WHERE u.code = %(code)s ORDER BY c.code
"""

# Cases -----------------------------------------------------------------------------------------

BOARD = """
    SELECT count(*) FILTER (WHERE state = ANY(%(open)s)),
           count(*) FILTER (WHERE state = ANY(%(running)s)
                            AND yellow_at <= %(now)s AND deadline >= %(now)s),
           count(*) FILTER (WHERE state = ANY(%(running)s) AND deadline < %(now)s),
           count(*) FILTER (WHERE origin_code LIKE %(prefix)s AND accepted_at IS NOT NULL
                            AND reported_at >= %(today_at)s AND reported_at < %(tomorrow_at)s)
    FROM cases_case
    WHERE origin_code LIKE %(prefix)s OR responsible_code LIKE %(prefix)s
"""
PERIOD = """
    FROM cases_case c
    WHERE c.origin_code LIKE %(prefix)s
      AND c.reported_at >= %(start_at)s AND c.reported_at < %(end_at)s
"""
INDICATORS_BY_CHILD = (
    """
    SELECT substr(c.origin_code, 1, {n}) AS child,
           count(*) FILTER (WHERE c.accepted_at IS NOT NULL) AS accepted,
           count(*) FILTER (WHERE c.accepted_at IS NOT NULL
                            AND (c.resolved_at IS NOT NULL OR c.deadline < %(cutoff)s)) AS due,
           count(*) FILTER (WHERE c.accepted_at IS NOT NULL AND c.resolved_at IS NOT NULL
                            AND c.resolved_on_time) AS on_time,
           count(*) FILTER (WHERE c.rating <> '') AS rated,
           count(*) FILTER (WHERE c.rating IN ('satisfied', 'basic')) AS satisfied,
           count(*) FILTER (WHERE c.state = ANY(%(running)s) AND c.deadline < %(now)s)
    """
    + PERIOD
    + " GROUP BY ROLLUP (substr(c.origin_code, 1, {n}))"
)
BY_CATEGORY = """
    SELECT coalesce(cat.parent_id, cat.id), count(*)
    FROM cases_case c JOIN cases_category cat ON cat.id = c.category_id
    WHERE c.origin_code LIKE %(prefix)s
      AND c.reported_at >= %(start_at)s AND c.reported_at < %(end_at)s
      AND c.accepted_at IS NOT NULL
    GROUP BY 1
"""
BY_MONTH = (
    """
    SELECT date_trunc('month', c.reported_at AT TIME ZONE %(tz)s)::date,
           count(*) FILTER (WHERE c.accepted_at IS NOT NULL),
           count(*) FILTER (WHERE c.accepted_at IS NOT NULL AND c.resolved_at IS NOT NULL)
    """
    + PERIOD
    + " GROUP BY 1"
)
OLDEST_RED = """
    SELECT c.number, c.title, u.name, c.deadline
    FROM cases_case c JOIN units_unit u ON u.id = c.responsible_unit_id
    WHERE (c.origin_code LIKE %(prefix)s OR c.responsible_code LIKE %(prefix)s)
      AND c.state = ANY(%(running)s) AND c.deadline < %(now)s
    ORDER BY c.deadline, c.id LIMIT 8
"""

# Errands ---------------------------------------------------------------------------------------

ERRAND_TOTALS = """
    SELECT count(*) FILTER (WHERE registered_at >= %(start_at)s AND registered_at < %(end_at)s),
           count(*) FILTER (WHERE registered_at >= %(start_at)s AND registered_at < %(end_at)s
                            AND state = 'closed'),
           count(*) FILTER (WHERE registered_at >= %(start_at)s AND registered_at < %(end_at)s
                            AND state = ANY(%(errand_open)s)),
           count(*)
    FROM errands_errand
    WHERE unit_code LIKE %(prefix)s AND registered_at >= %(errand_since_at)s
"""
ERRANDS_BY_TYPE = """
    SELECT t.name, count(*)
    FROM errands_errand e JOIN errands_errandtype t ON t.id = e.type_id
    WHERE e.unit_code LIKE %(prefix)s
      AND e.registered_at >= %(start_at)s AND e.registered_at < %(end_at)s
    GROUP BY t.name ORDER BY 2 DESC, 1
"""
ERRANDS_BY_MONTH = """
    SELECT to_char(date_trunc('month', registered_at AT TIME ZONE %(tz)s), 'YYYY-MM'), count(*)
    FROM errands_errand
    WHERE unit_code LIKE %(prefix)s
      AND registered_at >= %(start_at)s AND registered_at < %(end_at)s
    GROUP BY 1
"""
CUSTODY = """
    SELECT count(DISTINCT i.errand_id)
    FROM errands_custodyitem i JOIN errands_errand e ON e.id = i.errand_id
    WHERE e.unit_code LIKE %(prefix)s AND i.returned_at IS NULL
"""

# Support and jobs ------------------------------------------------------------------------------

SUPPORTED = """
    SELECT s.kind, s.status, count(*)
    FROM support_supportedhousehold s
    JOIN registry_household h ON h.id = s.household_id
    JOIN units_unit u ON u.id = h.hamlet_id
    WHERE u.code LIKE %(prefix)s
    GROUP BY 1, 2
"""
FLAGGED = """
    SELECT count(DISTINCT c.household_id)
    FROM support_incomecard c
    JOIN registry_household h ON h.id = c.household_id
    JOIN units_unit u ON u.id = h.hamlet_id
    LEFT JOIN support_incomecard prev
           ON prev.household_id = c.household_id AND prev.year = c.year - 1
    LEFT JOIN LATERAL (
        SELECT t.amount FROM support_threshold t
        WHERE t.year = c.year AND u.code LIKE t.region_code || '%%'
        ORDER BY length(t.region_code) DESC LIMIT 1
    ) th ON true
    WHERE u.code LIKE %(prefix)s AND c.year = %(year)s
      AND (c.per_capita < th.amount
           OR (prev.per_capita > 0 AND c.per_capita * 100 < prev.per_capita * (100 - %(drop)s)))
"""
JOBS = """
    SELECT count(*) FILTER (WHERE j.start_date <= %(today)s
                            AND (j.end_date IS NULL OR j.end_date >= %(today)s)),
           count(*) FILTER (WHERE j.start_date >= %(jobs_since)s),
           avg(j.monthly_income) FILTER (WHERE j.start_date >= %(jobs_since)s)
    FROM jobs_placement j
    JOIN registry_person p ON p.id = j.person_id
    JOIN units_unit u ON u.id = p.hamlet_id
    WHERE u.code LIKE %(prefix)s
"""

# Openness --------------------------------------------------------------------------------------

VILLAGES = """
    SELECT u.id, u.code, s.affairs_months, s.finance_months
    FROM units_unit u LEFT JOIN disclosure_disclosuresettings s ON s.unit_id = u.id
    WHERE u.kind = 'village' AND u.code LIKE %(prefix)s
    ORDER BY u.code
"""
PUBLISHED = """
    SELECT p.unit_id, p.kind, max(p.period_end),
           max(p.published_at) FILTER (WHERE p.period_end IS NULL)
    FROM disclosure_publication p JOIN units_unit u ON u.id = p.unit_id
    WHERE u.kind = 'village' AND u.code LIKE %(prefix)s AND p.status = ANY(%(public)s)
    GROUP BY 1, 2
"""


def parameters(code: str, now: dt.datetime) -> dict:
    """Every value the hand-written queries need, from the same constants the platform uses."""
    from django.conf import settings
    from django.utils import timezone

    from zhicun.cases.models import OPEN, RUNNING
    from zhicun.dashboard.data import FLOATING_DAYS, JOBS_SINCE, case_period
    from zhicun.disclosure.models import PUBLIC
    from zhicun.errands.models import OPEN as ERRAND_OPEN
    from zhicun.errands.stats import DEFAULT_SINCE
    from zhicun.registry import coverage
    from zhicun.registry.choices import ACTIVE, LIVING
    from zhicun.registry.models import birth_range
    from zhicun.support.models import drop_percent

    assert settings.TIME_ZONE == TZ
    today = timezone.localdate(now)
    start, end = case_period(today)
    assert start >= DEFAULT_SINCE  # the errand totals query reads both from one range

    def at(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    end_at = at(end + dt.timedelta(days=1))
    return {
        "code": code,
        "tz": TZ,
        "prefix": code + "%",
        "active": list(ACTIVE),
        "living": list(LIVING),
        "today": today,
        "now": now,
        # The first birthday of each 5-year band, oldest band (95-99) first.
        "band_starts": [birth_range(age, age + 4, today)[0] for age in range(95, -1, -5)],
        "visit_since": coverage.since(today, coverage.DEFAULT_DAYS),
        "move_since": coverage.since(today, FLOATING_DAYS),
        "open": list(OPEN),
        "running": list(RUNNING),
        "today_at": at(today),
        "tomorrow_at": at(today + dt.timedelta(days=1)),
        "start": start,
        "start_at": at(start),
        "end_at": end_at,
        "cutoff": min(now, end_at),
        "errand_open": list(ERRAND_OPEN),
        "errand_since_at": at(DEFAULT_SINCE),
        "year": today.year,
        "drop": drop_percent(),
        "jobs_since": JOBS_SINCE,
        "public": list(PUBLIC),
    }


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def by_hand(conn, args: dict, child_length: int) -> dict:
    """The dashboard's figures from hand-written SQL, in the shape `figures_of` gives."""
    from django.utils import timezone

    from zhicun.disclosure.models import DisclosureSettings
    from zhicun.disclosure.services import due_period_end

    n = child_length
    with conn.cursor() as cur:

        def rows(sql: str, **fmt) -> list[tuple]:
            cur.execute(sql.format(**fmt) if fmt else sql, args)
            return cur.fetchall()

        children = dict(rows(CHILDREN))
        persons = {c: (r, lv) for c, r, lv in rows(PERSONS_BY_CHILD, n=n)}
        households = {c: rest for c, *rest in rows(HOUSEHOLDS_BY_CHILD, n=n)}
        pyramid: dict[int, list[int]] = {}
        for band, sex, count in rows(PYRAMID):
            pyramid.setdefault(band, [0, 0])[int(sex) - 1] = count
        groups = dict(rows(GROUPS))
        employment = dict(rows(EMPLOYMENT))
        floating = dict(rows(FLOATING))

        board = rows(BOARD)[0]
        indicators = {c: rest for c, *rest in rows(INDICATORS_BY_CHILD, n=n)}
        categories = dict(rows(BY_CATEGORY))
        months = {m: (a, c) for m, a, c in rows(BY_MONTH)}
        oldest = rows(OLDEST_RED)

        errands, closed, running, since = rows(ERRAND_TOTALS)[0]
        by_type = rows(ERRANDS_BY_TYPE)
        errand_months = dict(rows(ERRANDS_BY_MONTH))
        custody = rows(CUSTODY)[0][0]

        supported = rows(SUPPORTED)
        flagged = rows(FLAGGED)[0][0]
        current, placed, avg_income = rows(JOBS)[0]

        villages = rows(VILLAGES)
        published = {(u, k): (end, at) for u, k, end, at in rows(PUBLISHED)}

    people = persons.get(None, (0, 0))
    homes = households.get(None, (0, 0, 0))
    total = indicators.get(None, (0,) * 6)
    today = args["today"]
    out = {
        "persons": people[0],
        "persons_living": people[1],
        "households": homes[0],
        "households_living": homes[1],
        "coverage": rate(homes[2], homes[1]),
        "pyramid": {b: tuple(mf) for b, mf in pyramid.items()},
        "groups": {g: c for g, c in groups.items() if c},
        "labour": sum(employment.values()),
        "employment": {e: c for e, c in employment.items() if e and c},
        "floating": {k: c for k, c in floating.items() if c},
        "children": {
            c: (
                persons.get(c, (0, 0)),
                households.get(c, (0, 0, 0))[0],
                rate(households.get(c, (0, 0, 0))[2], households.get(c, (0, 0, 0))[1]),
            )
            for c in children
        },
        "open": board[0],
        "yellow": board[1],
        "red": board[2],
        "accepted_today": board[3],
        "accepted": total[0],
        "on_time": total[2],
        "on_time_rate": rate(total[2], total[1]),
        "satisfaction_rate": rate(total[4], total[3]),
        "overdue_open": total[5],
        "ranking": {
            c: (v[0], rate(v[2], v[1]), rate(v[4], v[3]), v[5])
            for c, v in indicators.items()
            if c in children
        },
        "categories": {k: v for k, v in categories.items() if v},
        "trend": {m: v for m, v in months.items() if any(v)},
        "oldest": [
            (
                number,
                title,
                unit,
                timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
                (args["now"] - deadline).days,
            )
            for number, title, unit, deadline in oldest
        ],
        "errands": errands,
        "errands_open": running,
        "errands_closed": closed,
        "errands_total": since,
        "custody": custody,
        "errand_types": by_type,
        "errand_months": {m: c for m, c in errand_months.items() if c},
        "support_kinds": {},
        "support_statuses": {},
        "flagged": flagged,
        "jobs_current": current,
        "jobs_since": placed,
        "jobs_avg": round(avg_income / 100) if avg_income is not None else None,
    }
    for kind, status, count in supported:
        out["support_kinds"][kind] = out["support_kinds"].get(kind, 0) + count
        out["support_statuses"][status] = out["support_statuses"].get(status, 0) + count
    default_affairs = DisclosureSettings._meta.get_field("affairs_months").default
    default_finance = DisclosureSettings._meta.get_field("finance_months").default
    late = []
    for unit_id, code, affairs_months, finance_months in villages:
        ok = []
        for kind, months in (
            ("affairs", affairs_months or default_affairs),
            ("finance", finance_months or default_finance),
        ):
            due = due_period_end(months, today)
            end, at = published.get((unit_id, kind), (None, None))
            after = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time()))
            ok.append((end is not None and end >= due) or (at is not None and at > after))
        if not all(ok):
            late.append((code, *ok))
    out["villages"] = len(villages)
    out["late"] = late
    out["disclosure_rate"] = (
        round(100 * (len(villages) - len(late)) / len(villages), 1) if villages else None
    )
    return out


def figures_of(data: dict) -> dict:
    """The figures of the dashboard's JSON, in the shape `by_hand` gives."""

    def values(figures, prefix: str = "") -> dict:
        return {f["key"].removeprefix(prefix): f["value"] for f in figures}

    population, cases = data["population"], data["cases"]
    errands, support, openness = data["errands"], data["support"], data["openness"]
    top = values(population["figures"])
    labour = values(population["labour"])
    case_figures = values(cases["figures"]) | values(cases["rates"])
    months = {f"{m.year}年{m.month}月": m for m in _months(cases["period"])}
    errand_figures = values(errands["figures"])
    jobs = values(support["jobs"])
    disclosure = values(openness["figures"])
    return {
        "persons": top["persons"],
        "persons_living": top["persons_living"],
        "households": top["households"],
        "households_living": top["households_living"],
        "coverage": top["coverage"],
        "pyramid": {
            band: (row["male"], row["female"])
            for band, row in enumerate(population["pyramid"])
            if row["male"] or row["female"]
        },
        "groups": {g: c for g, c in values(population["groups"]).items() if c},
        "labour": labour.pop("labour"),
        "employment": {k.removeprefix("employment_"): c for k, c in labour.items() if c},
        "floating": {k: c for k, c in values(population["floating"]).items() if c},
        "children": {
            row["code"]: (
                (row["persons"], row["persons_living"]),
                row["households"],
                row["coverage"],
            )
            for row in population["children"]
        },
        **{
            key: case_figures[key]
            for key in (
                "open",
                "yellow",
                "red",
                "accepted_today",
                "accepted",
                "on_time",
                "on_time_rate",
                "satisfaction_rate",
                "overdue_open",
            )
        },
        "ranking": {
            r["code"]: (r["accepted"], r["on_time_rate"], r["satisfaction_rate"], r["overdue_open"])
            for r in cases["ranking"]
        },
        "categories": {int(k): v for k, v in values(cases["categories"], "category_").items()},
        "trend": {
            months[row["label"]]: (row["accepted"], row["closed"])
            for row in cases["trend"]
            if row["accepted"] or row["closed"]
        },
        "oldest": [
            (c["number"], c["title"], c["unit"], c["deadline"], c["days"]) for c in cases["oldest"]
        ],
        "errands": errand_figures["errands"],
        "errands_open": errand_figures["errands_open"],
        "errands_closed": errand_figures["errands_closed"],
        "errands_total": errand_figures["errands_total"],
        "custody": errand_figures["custody"],
        "errand_types": [(f["label"], f["value"]) for f in errands["by_type"]],
        "errand_months": {
            f"{months[row['label']]:%Y-%m}": row["value"]
            for row in errands["by_month"]
            if row["value"]
        },
        "support_kinds": {k: c for k, c in values(support["kinds"]).items() if c},
        "support_statuses": {k: c for k, c in values(support["statuses"]).items() if c},
        "flagged": support["flagged"]["value"],
        "jobs_current": jobs["current"],
        "jobs_since": jobs["since"],
        "jobs_avg": jobs["avg_income"],
        "villages": disclosure["villages"],
        "late": [(r["code"], r["affairs_ok"], r["finance_ok"]) for r in openness["late"]],
        "disclosure_rate": disclosure["rate"],
    }


def _months(period: dict) -> list[dt.date]:
    from zhicun.dashboard.data import _months as months

    return months(dt.date.fromisoformat(period["start"]), dt.date.fromisoformat(period["end"]))


def dashboard_call(username: str, code: str):
    """The data.json view for a freshly loaded user, as a request would run it."""
    from django.test import RequestFactory

    from zhicun.accounts.models import User
    from zhicun.dashboard import views

    factory = RequestFactory()

    def call():
        request = factory.get(f"/dashboard/{code}/data.json")
        request.user = User.objects.get(username=username)
        response = views.data_json(request, code)
        assert response.status_code == 200, response.status_code
        return response

    return call


def dashboard_at(username: str, code: str, now: dt.datetime) -> dict:
    """What the view computes and sends, for a fixed moment (so that both sides agree on it)."""
    from django.core.serializers.json import DjangoJSONEncoder

    from zhicun.accounts.models import User
    from zhicun.dashboard.data import dashboard_data
    from zhicun.dashboard.views import get_unit_for_user

    user = User.objects.get(username=username)
    data = dashboard_data(user, get_unit_for_user(user, code), now=now)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def empty_sections(figures: dict) -> list[str]:
    """Sections the generated data leaves empty, so that their agreement proves little."""
    counts = {
        "errands": figures["errands_total"] + figures["custody"],
        "support": sum(figures["support_kinds"].values()) + figures["flagged"],
        "jobs": figures["jobs_current"] + figures["jobs_since"],
        "disclosure": figures["villages"] - len(figures["late"]),
    }
    return [name for name, n in counts.items() if not n]


def differences(mine: dict, theirs: dict) -> list[str]:
    return [
        f"{key}: 驾驶舱 {mine.get(key)!r} ≠ 手写 SQL {theirs.get(key)!r}"
        for key in sorted(set(mine) | set(theirs))
        if mine.get(key) != theirs.get(key)
    ]


def dashboard_vs_sql(db_url: str, rounds: int, labels=tuple(UNITS)) -> None:
    from django.utils import timezone

    from zhicun.accounts.roles import Role
    from zhicun.units.models import CODE_LENGTH, Unit, child_kind

    # Not prepared: PostgreSQL would soon switch a prepared statement to a generic plan, blind to
    # the unit's code prefix, and scan whole tables (Django's queries carry their values too).
    dsn = db_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as conn:
        for label in labels:
            code = UNITS[label]
            staff_user(STAFF[label], Role.COMMAND, code)
            unit = Unit.objects.get(code=code)
            n = CODE_LENGTH[child_kind(unit.kind)]
            now = timezone.now()
            mine = figures_of(dashboard_at(STAFF[label], code, now))
            theirs = by_hand(conn, parameters(code, now), n)
            wrong = differences(mine, theirs)
            if wrong:
                raise SystemExit(f"{label} {code}: figures differ\n" + "\n".join(wrong))
            if empty := empty_sections(theirs):
                say(f"dashboard {label}: no rows for {', '.join(empty)} (queried all the same)")
            call = dashboard_call(STAFF[label], code)

            def hand(code=code, n=n):
                return by_hand(conn, parameters(code, timezone.now()), n)

            ours, sql = side_by_side(call, hand, rounds=rounds)
            say(f"dashboard {label}: view {ours * 1000:.1f} ms, hand SQL {sql * 1000:.1f} ms")
            emit(
                Row(
                    "5 驾驶舱",
                    f"{label}（{unit.name}，{mine['persons']} 人）"
                    if label == "乡镇"
                    else f"全市（{mine['persons']} 人）",
                    ours * 1000,
                    sql * 1000,
                    "ms",
                    1.5,
                    note="驾驶舱 data.json（进程内）vs 手写 GROUP BY SQL，数字先逐项核对一致",
                )
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--only", choices=list(UNITS), help="one of the two units")
    args = parser.parse_args()
    setup_django(args.db)
    dashboard_vs_sql(args.db, args.rounds, (args.only,) if args.only else tuple(UNITS))


if __name__ == "__main__":
    main()
