"""The dashboard counts cases and errands in fewer queries than the indicator and errand
statistics pages, and must come to the same numbers as they do."""

import datetime as dt

import pytest

from zhicun.cases.indicators import case_indicators
from zhicun.dashboard.data import _months, dashboard_data
from zhicun.demo.district import DAISHIHAO, MALIANQU
from zhicun.errands.stats import errand_stats
from zhicun.units.models import Unit

pytestmark = pytest.mark.django_db

CODES = ["150902", MALIANQU, DAISHIHAO]


def _period(section: dict) -> tuple[dt.date, dt.date]:
    return tuple(dt.date.fromisoformat(section["period"][k]) for k in ("start", "end"))


@pytest.mark.parametrize("code", CODES)
def test_case_figures_agree_with_the_indicator_tables(world, jining, now, code):
    d = dashboard_data(jining, Unit.objects.get(code=code), now=now)["cases"]
    start, end = _period(d)

    def table(group=None):
        return case_indicators(
            user=jining, unit_code=code, start=start, end=end, group=group, now=now
        )

    total = table()[0]
    assert {f["key"]: f["value"] for f in d["rates"]} == {
        "on_time_rate": total["rates"]["on_time_rate"],
        "satisfaction_rate": total["rates"]["satisfaction_rate"],
        "overdue_open": total["overdue_open"],
        "accepted": total["accepted"],
        "on_time": total["on_time"],
    }
    assert total["accepted"] > 0
    assert {
        r["code"]: (r["accepted"], r["on_time_rate"], r["satisfaction_rate"], r["overdue_open"])
        for r in d["ranking"]
    } == {
        r["unit"]: (
            r["accepted"],
            r["rates"]["on_time_rate"],
            r["rates"]["satisfaction_rate"],
            r["overdue_open"],
        )
        for r in table("unit")
    }
    assert [(f["key"], f["label"], f["value"]) for f in d["categories"]] == [
        (f"category_{r['key']}", r["label"], r["accepted"])
        for r in sorted(table("category"), key=lambda r: -r["accepted"])
        if r["accepted"]
    ]


@pytest.mark.parametrize("code", CODES)
def test_errand_figures_agree_with_the_statistics_page(world, jining, now, code):
    d = dashboard_data(jining, Unit.objects.get(code=code), now=now)["errands"]
    start, end = _period(d)
    stats = errand_stats(user=jining, unit_code=code, start=start, end=end)
    figures = {f["key"]: f["value"] for f in d["figures"]}
    assert (figures["errands"], figures["errands_open"], figures["errands_closed"]) == (
        stats["totals"]["n"],
        stats["totals"]["open"],
        stats["totals"]["closed"],
    )
    assert figures["errands_total"] == stats["running_total"] > 0
    assert [(f["label"], f["value"]) for f in d["by_type"]] == [
        (r["type__name"], r["n"]) for r in stats["by_type"]
    ]
    months = {r["month"]: r["n"] for r in stats["by_month"]}
    assert [r["value"] for r in d["by_month"]] == [
        months.get(f"{m:%Y-%m}", 0) for m in _months(start, end)
    ]
    assert sum(r["value"] for r in d["by_month"]) == stats["totals"]["n"]
