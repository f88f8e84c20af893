"""4 Deadline sweep: one worker pass with 10,000 and with 1,000,000 open cases, 100 turning.

Runs in a scratch copy of the benchmark database (it adds a million cases). Open cases are
copies of one running case with deadlines a month away; before each pass the same 100 cases get
a deadline that has just passed, so each pass turns exactly 100 red (a new deadline each time,
so the notifications are new too). Target ≤ 2×: the pass costs what turns, not what is open.
"""

import argparse
import datetime as dt
import statistics
import time

from bench.common import Row, emit, say, setup_django

TURNING = 100
ROUNDS = 5


def clone_open_cases(first: int, last: int, template_id: int) -> None:
    """Cases `first`..`last` as copies of the template, running, green, due in a month."""
    from django.db import connection

    from zhicun.cases.models import Case

    fixed = {
        "number": "'B' || lpad(g::text, 9, '0')",
        "state": "'in_progress'",
        "light": "'green'",
        "deadline": "now() + interval '30 days'",
        "yellow_at": "now() + interval '20 days'",
        "idempotency_key": "NULL",
    }
    fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    values = ", ".join(fixed.get(f.column, f't."{f.column}"') for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_case ({columns}) SELECT {values} "  # noqa: S608  # nosec B608
            "FROM cases_case t, generate_series(%s, %s) g WHERE t.id = %s",
            [first, last, template_id],
        )
        cursor.execute("ANALYZE cases_case")


def make_due(ids: list[int], moment: dt.datetime) -> None:
    from zhicun.cases.models import Case

    Case.objects.filter(pk__in=ids).update(
        light="green",
        deadline=moment - dt.timedelta(minutes=1),
        yellow_at=moment - dt.timedelta(hours=2),
    )


def passes(ids: list[int]) -> float:
    """Median seconds of a sweep that turns exactly the given cases red."""
    from django.utils import timezone

    from zhicun.cases.services import sweep_lights

    times = []
    for i in range(ROUNDS):
        now = timezone.now() + dt.timedelta(seconds=i)
        make_due(ids, now)
        started = time.perf_counter()
        turned = sweep_lights(now)
        times.append(time.perf_counter() - started)
        if turned != len(ids):
            raise SystemExit(f"the sweep turned {turned} cases, expected {len(ids)}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a scratch database (cases are added)")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django(args.db)
    from django.utils import timezone

    from zhicun.cases.models import Case
    from zhicun.cases.services import sweep_lights

    template = Case.objects.filter(state="in_progress").order_by("pk").first()
    if template is None:
        raise SystemExit("no running case to copy: generate the population first")
    # Whatever the generated cases have due turns now, before anything is measured.
    while sweep_lights(timezone.now()):
        pass
    running = Case.objects.filter(state__in=["accepted", "in_progress"]).count()
    clone_open_cases(1, max(0, args.small - running), template.pk)
    ids = list(
        Case.objects.filter(number__startswith="B")
        .order_by("pk")[:TURNING]
        .values_list("pk", flat=True)
    )
    small_open = Case.objects.filter(state__in=["accepted", "in_progress"]).count()
    small = passes(ids)
    say(f"sweep with {small_open} open: {small * 1000:.1f} ms")
    clone_open_cases(args.small + 1, args.small + args.large - small_open, template.pk)
    large_open = Case.objects.filter(state__in=["accepted", "in_progress"]).count()
    large = passes(ids)
    say(f"sweep with {large_open} open: {large * 1000:.1f} ms")
    emit(
        Row(
            "4 超期扫描",
            f"{large_open:,} vs {small_open:,} 件在办，{TURNING} 件转红",
            large * 1000,
            small * 1000,
            "ms",
            2.0,
            note=f"worker 一次扫描的中位数（{ROUNDS} 次）",
        )
    )


if __name__ == "__main__":
    main()
