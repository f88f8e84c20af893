import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.disclosure import services
from zhicun.disclosure.models import Direction, Kind, LedgerEntry, Status

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def add(by, village, day, direction, category, amount, item="摘要"):
    return services.ledger_entry_add(
        by=by,
        unit=village,
        date=day,
        direction=direction,
        category=category,
        item=item,
        amount=amount,
        voucher="记-001",
    )


@pytest.fixture
def ledger(dashihao, village):
    add(dashihao, village, dt.date(2026, 9, 30), Direction.INCOME, "补助收入", 500_000)
    add(dashihao, village, dt.date(2026, 10, 5), Direction.INCOME, "发包及上交收入", 120_000)
    add(dashihao, village, dt.date(2026, 10, 9), Direction.EXPENSE, "公益支出", 30_050)
    add(dashihao, village, dt.date(2026, 10, 20), Direction.EXPENSE, "管理费用", 8_000)
    add(dashihao, village, dt.date(2026, 11, 2), Direction.INCOME, "其他收入", 1_000)


def test_it_summarises_a_month(ledger, village):
    s = services.ledger_summary(village, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert s["opening"] == 500_000
    assert s["income_total"] == 120_000 and s["expense_total"] == 38_050
    assert s["closing"] == 500_000 + 120_000 - 38_050
    assert {r["category"]: r["amount"] for r in s["expense"]}["公益支出"] == 30_050


def test_it_generates_a_financial_disclosure_reviewed_by_the_supervisor(
    ledger, dashihao, jiandu, village
):
    pub = services.finance_disclosure_generate(by=dashihao, unit=village, year=2026, month=10)
    assert pub.kind == Kind.FINANCE and pub.status == Status.DRAFT
    assert pub.data["closing"] == 581_950
    assert "期末余额：5,819.50 元" in pub.body
    services.publication_submit(by=dashihao, publication=pub)
    services.publication_approve(by=jiandu, publication=pub)
    pub.refresh_from_db()
    assert pub.status == Status.PUBLISHED


def test_it_refuses_a_period_not_yet_over(ledger, dashihao, village):
    with pytest.raises(ValidationError, match="已结束"):
        services.finance_disclosure_generate(by=dashihao, unit=village, year=2026, month=11)


def test_it_locks_a_disclosed_period_and_allows_only_reversal(ledger, dashihao, jiandu, village):
    pub = services.finance_disclosure_generate(by=dashihao, unit=village, year=2026, month=10)
    services.publication_submit(by=dashihao, publication=pub)
    services.publication_approve(by=jiandu, publication=pub)
    entry = LedgerEntry.objects.get(category="管理费用")
    with pytest.raises(ValidationError, match="已公开"):
        services.ledger_entry_update(
            by=dashihao,
            entry=entry,
            date=entry.date,
            direction=entry.direction,
            category=entry.category,
            item="改",
            amount=1,
        )
    with pytest.raises(ValidationError, match="已公开"):
        add(dashihao, village, dt.date(2026, 10, 31), Direction.INCOME, "其他收入", 5)
    reversal = services.ledger_entry_reverse(by=dashihao, entry=entry, note="重复报销")
    entry.refresh_from_db()
    assert entry.item == "摘要" and entry.amount == 8_000
    assert reversal.amount == -8_000 and reversal.date == dt.date(2026, 11, 20)
    with pytest.raises(ValidationError, match="已冲销"):
        services.ledger_entry_reverse(by=dashihao, entry=entry, note="再次")
    s = services.ledger_summary(village, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert s["expense_total"] == -8_000


def test_it_edits_an_entry_of_an_open_period(ledger, dashihao):
    entry = LedgerEntry.objects.get(category="其他收入")
    services.ledger_entry_update(
        by=dashihao,
        entry=entry,
        date=entry.date,
        direction=entry.direction,
        category=entry.category,
        item="废品收入",
        amount=1_200,
    )
    entry.refresh_from_db()
    assert (entry.item, entry.amount) == ("废品收入", 1_200)


def test_it_refuses_bad_entries(dashihao, village):
    with pytest.raises(ValidationError) as error:
        add(dashihao, village, dt.date(2026, 11, 1), Direction.INCOME, "公益支出", 0)
    assert set(error.value.message_dict) == {"category", "amount"}
    assert not LedgerEntry.objects.exists()


def test_it_refuses_the_ledger_to_collectors_and_outsiders(collector1, xiaoshihao, village):
    for user in (collector1, xiaoshihao):
        with pytest.raises(PermissionDenied):
            add(user, village, dt.date(2026, 11, 1), Direction.INCOME, "其他收入", 1)
