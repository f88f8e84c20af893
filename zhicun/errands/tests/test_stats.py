"""Statistics: counts by type, month, unit and staff; money; time to result; running total."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhicun.errands import services, stats
from zhicun.errands.models import ReplyMethod
from zhicun.errands.tests.factories import XIAOSHIHAO_HAMLET, processing, register, villager

TZ = ZoneInfo("Asia/Shanghai")
DASHIHAO = "150902200201"


@pytest.fixture
def history(grid1, grid2, xiaoshihao):
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, tzinfo=TZ), tick=False):
        first = processing(grid1)
        services.payment_record(errand=first, by=grid1, amount_fen=10000, receipt_no="A")
    with time_machine.travel(dt.datetime(2026, 10, 14, 9, tzinfo=TZ), tick=False):
        services.errand_reply(errand=first, by=grid1, result="好", method=ReplyMethod.PHONE)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=TZ), tick=False):
        second = processing(grid2, person=villager(code="150902200201002001"), code="phone_bill")
        wrong = services.payment_record(errand=second, by=grid2, amount_fen=5000, receipt_no="B")
        services.payment_reverse(payment=wrong, by=grid2, note="录错")
        services.payment_record(errand=second, by=grid2, amount_fen=3000, receipt_no="B")
        register(xiaoshihao, person=villager(code=XIAOSHIHAO_HAMLET))


@pytest.mark.django_db
def test_it_counts_by_type_month_unit_and_staff(dashihao, history):
    data = stats.errand_stats(
        user=dashihao, unit_code=DASHIHAO, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert data["totals"]["n"] == 2
    assert {r["type__name"]: r["n"] for r in data["by_type"]} == {"代缴水电费": 1, "代缴话费": 1}
    assert data["by_month"] == [{"month": "2026-10", "n": 1}, {"month": "2026-11", "n": 1}]
    assert [(r["child"], r["n"]) for r in data["by_unit"]] == [
        ("150902200201001", 1),
        ("150902200201002", 1),
    ]
    assert {r["registered_by__username"]: r["n"] for r in data["by_staff"]} == {
        "grid1": 1,
        "grid2": 1,
    }


@pytest.mark.django_db
def test_it_sums_money_with_corrections(dashihao, history):
    data = stats.errand_stats(
        user=dashihao, unit_code=DASHIHAO, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert {r["errand__type__name"]: r["fen"] for r in data["money_by_type"]} == {
        "代缴水电费": 10000,
        "代缴话费": 3000,
    }
    assert data["money_by_month"] == [
        {"month": "2026-10", "fen": 10000},
        {"month": "2026-11", "fen": 3000},
    ]
    assert data["money_total_fen"] == 13000


@pytest.mark.django_db
def test_it_averages_the_time_to_result(dashihao, history):
    data = stats.errand_stats(
        user=dashihao, unit_code=DASHIHAO, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    assert data["average_to_result"] == dt.timedelta(days=2)


@pytest.mark.django_db
def test_it_counts_the_running_total_within_scope(dashihao, xiaoshihao, history):
    assert stats.running_total(dashihao, DASHIHAO) == 2
    assert stats.running_total(xiaoshihao, DASHIHAO) == 0
    assert stats.running_total(xiaoshihao, "150902200202") == 1


@pytest.mark.django_db
def test_it_uses_a_fixed_number_of_queries(dashihao, history):
    with CaptureQueriesContext(connection) as queries:
        stats.errand_stats(
            user=dashihao, unit_code=DASHIHAO, start=dt.date(2019, 9, 1), end=dt.date(2026, 12, 31)
        )
    assert len(queries) <= 12
