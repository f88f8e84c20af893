"""1 Search and 2 Growth: the person search API against hand-written SQL, and across city sizes.

1. `GET /api/v1/persons` with combined conditions (a page of 20 and the total) for a village, a
   township and the whole city, against the same two queries written by hand and run through
   psycopg plus a trivial logged-in API request on the same server. Target ≤ 2×.
2. The same search in a city of 100,000 and of 1,000,000 persons, village and township scope
   (the same units in both), the two servers asked alternately. Target ≤ 2×.
"""

import argparse
import datetime

import psycopg
import requests

from bench.common import (
    Row,
    api_token,
    emit,
    say,
    server,
    setup_django,
    side_by_side,
    staff_user,
)

VILLAGE, TOWNSHIP, CITY = "150921100201", "150921100", "1509"
# Men of working age whose name starts with "w" (王, 武, 魏 …) on the register.
PARAMS = {"q": "w", "sex": "1", "age_min": "18", "age_max": "59", "limit": "20"}
ACTIVE = ("resident", "away_work", "away_study", "inflow")

HAND_WHERE = """
    FROM registry_person p
    JOIN units_unit u ON u.id = p.hamlet_id
    WHERE u.code LIKE %(scope)s
      AND p.residence = ANY(%(active)s)
      AND p.sex = '1'
      AND p.birth_date BETWEEN %(earliest)s AND %(latest)s
      AND (p.name_pinyin LIKE '%% w%%' OR p.name_initials LIKE '%% w%%')
"""
HAND_PAGE = (
    """SELECT p.id, p.name, p.sex, p.birth_date, p.id_number, p.phone, p.residence,
              p.relation, p.household_id, h.number, u.code, u.name"""
    + HAND_WHERE.replace(
        "WHERE", "JOIN registry_household h ON h.id = p.household_id\n    WHERE", 1
    )
    + " ORDER BY u.code, p.household_id, p.id LIMIT 20"
)
HAND_COUNT = "SELECT count(*)" + HAND_WHERE


def birth_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    from zhicun.registry.models import birth_range

    earliest, latest = birth_range(18, 59, today)
    return earliest, latest


SCOPES = {"村级范围": VILLAGE, "乡镇范围": TOWNSHIP, "全市范围": CITY}
GROWTH_SCOPES = ("村级范围", "乡镇范围")  # the same units, the same persons, in both cities


def tokens(labels=tuple(SCOPES)) -> dict[str, str]:
    """An API token for a staff member at each scope (made once per database)."""
    from zhicun.accounts.roles import Role

    staff = {
        "村级范围": ("bench_village", Role.CHIEF),
        "乡镇范围": ("bench_township", Role.COMMAND),
        "全市范围": ("bench_city", Role.COMMAND),
    }
    return {label: api_token(staff_user(*staff[label], SCOPES[label])) for label in labels}


def api_call(base: str, token: str):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call():
        response = session.get(base + "/api/v1/persons", params=PARAMS, timeout=120)
        response.raise_for_status()
        return response.json()

    def trivial():
        session.get(base + "/bench/trivial-api/", timeout=30).raise_for_status()

    return call, trivial


def search_vs_sql(db_url: str, rounds: int) -> None:
    from django.utils import timezone

    earliest, latest = birth_bounds(timezone.localdate())
    with (
        server(db_url) as base,
        psycopg.connect(_dsn(db_url), cursor_factory=psycopg.ClientCursor) as conn,
    ):
        for label, token in tokens().items():
            call, trivial = api_call(base, token)
            args = {
                "scope": SCOPES[label] + "%",
                "active": list(ACTIVE),
                "earliest": earliest,
                "latest": latest,
            }

            def by_hand(args=args, trivial=trivial):
                with conn.cursor() as cur:
                    cur.execute(HAND_PAGE, args)
                    page = cur.fetchall()
                    cur.execute(HAND_COUNT, args)
                    total = cur.fetchone()[0]
                trivial()
                return page, total

            got = call()
            page, total = by_hand()
            if got["count"] != total or len(got["items"]) != len(page):
                raise SystemExit(f"{label}: the API found {got['count']}, the SQL {total}")
            api, hand = side_by_side(call, by_hand, rounds=rounds)
            say(f"search {label}: api {api * 1000:.1f} ms, sql+trivial {hand * 1000:.1f} ms")
            emit(
                Row(
                    "1 搜索",
                    f"{label}（命中 {total} 人）",
                    api * 1000,
                    hand * 1000,
                    "ms",
                    2.0,
                    note="人员搜索接口 vs 手写 SQL + 空登录请求",
                )
            )


def growth(small_url: str, large_url: str, rounds: int) -> None:
    # Users live in each database; this process's Django points at the large one.
    small_tokens = _tokens_in(small_url)
    large_tokens = tokens(GROWTH_SCOPES)
    with server(small_url) as small, server(large_url) as large:
        for label in large_tokens:
            small_call, _ = api_call(small, small_tokens[label])
            large_call, _ = api_call(large, large_tokens[label])
            if small_call()["count"] != large_call()["count"]:
                raise SystemExit(f"{label}: the same unit differs between the two cities")
            big, little = side_by_side(large_call, small_call, rounds=rounds)
            emit(
                Row(
                    "2 增长",
                    label,
                    big * 1000,
                    little * 1000,
                    "ms",
                    2.0,
                    note="同一搜索：100 万人口城市 vs 10 万人口城市",
                )
            )


def _tokens_in(db_url: str) -> dict[str, str]:
    """Tokens made in another database (by a child process with its own Django)."""
    import json
    import subprocess
    import sys

    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.search", "--db", db_url, "--tokens"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _dsn(db_url: str) -> str:
    return db_url.replace("postgres://", "postgresql://", 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="the 1,000,000-person database")
    parser.add_argument("--small-db", help="the 100,000-person database (growth)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--tokens", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django(args.db)
    if args.tokens:
        import json

        print(json.dumps(tokens(GROWTH_SCOPES)))
        return
    search_vs_sql(args.db, args.rounds)
    if args.small_db:
        growth(args.small_db, args.db, args.rounds)


if __name__ == "__main__":
    main()
