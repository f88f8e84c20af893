"""The period's case counts in all and by child unit, category and month: on PostgreSQL one
statement with GROUPING SETS, which must add up as the rows of every combination do."""

import datetime as dt

import pytest
import time_machine
from django.db import connection

from zhicun.cases.tests.factories import category, move, report
from zhicun.dashboard import data
from zhicun.demo.district import MALIANQU, XIAOSHIHAO

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="GROUPING SETS: PostgreSQL"),
]


def test_it_adds_up_as_the_rows_do(world, jining, collector1, dashihao, xiaoshihao, now):
    # Besides the world's November cases: others in earlier months and another category.
    with time_machine.travel(now - dt.timedelta(days=60), tick=False):
        move(report(collector1, category=category("供水供电")), dashihao, "accept")
    with time_machine.travel(now - dt.timedelta(days=150), tick=False):
        case = report(xiaoshihao, XIAOSHIHAO + "001001", category=category("供水供电"))
        move(case, xiaoshihao, "accept", "resolve", result="好")
    start, end = data.case_period(now.date())
    end_at = data._start_of(end + dt.timedelta(days=1))
    cases = data._period_cases(jining, MALIANQU, 12, start, end)
    rows = data._period_rows(cases, now, end_at)
    assert {len({r[i] for r in rows}) for i in range(3)} == {2, 3}  # villages, categories, months
    sums = data._grouping_sets(cases, now, end_at)
    assert sums == data._sums(rows)
    assert sums["all"][None]["accepted"] == sum(r[3] for r in rows) > 0
