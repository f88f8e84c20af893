"""Indicators: the formulas, and every figure equals the length of the list behind it."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine

from zhicun.cases import indicators, services
from zhicun.cases.models import Rating, ReplyMethod
from zhicun.cases.tests.factories import DAISHIHAO, MALIANQU, move, report

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=TZ)
LATER = dt.datetime(2026, 11, 28, 12, tzinfo=TZ)


def _world(collector1, dashihao, baocun):
    with time_machine.travel(MONDAY, tick=False):
        report(collector1)  # never accepted
        open_late = move(report(collector1), dashihao, "accept")
        on_time = move(report(collector1), dashihao, "accept", "resolve", result="好")
        move(on_time, dashihao, "reply", method=ReplyMethod.PHONE)
        move(on_time, dashihao, "rate", rating=Rating.SATISFIED)
        unhappy = move(report(collector1), dashihao, "accept", "resolve", result="好")
        move(unhappy, dashihao, "reply", method=ReplyMethod.PHONE)
        move(unhappy, dashihao, "rate", rating=Rating.UNSATISFIED)
        move(unhappy, dashihao, "reopen")
        extended = move(report(collector1), dashihao, "accept")
        services.case_transition(
            case=extended,
            action="request_extension",
            by=dashihao,
            note="等",
            extension=dt.timedelta(days=1),
        )
        move(extended, baocun, "approve_extension")
    with time_machine.travel(LATER, tick=False):
        move(unhappy, dashihao, "resolve", result="返工完成")
        move(extended, dashihao, "resolve", result="好")
    return open_late


def test_it_computes_the_formulas(collector1, dashihao, baocun):
    _world(collector1, dashihao, baocun)
    [row] = indicators.case_indicators(
        user=dashihao,
        unit_code=DAISHIHAO,
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        now=LATER,
    )
    assert row["total"] == 5
    assert row["accepted"] == 4
    assert row["due"] == 4  # three resolved, one open past its deadline
    assert row["closed"] == 3
    assert row["on_time"] == 1
    assert row["overdue_open"] == 1
    assert (row["rated"], row["satisfied"]) == (1, 1)  # the reopened case's rating was reset
    assert row["reopened"] == 1
    assert row["extended"] == 1
    assert row["rates"]["close_rate"] == 75.0
    assert row["rates"]["on_time_rate"] == 25.0
    assert row["rates"]["extension_rate"] == 25.0
    assert row["avg_hours"] is not None and row["avg_hours"] > 0


def test_it_links_every_figure_to_a_list_of_the_same_length(
    login, collector1, dashihao, baocun, malianqu
):
    _world(collector1, dashihao, baocun)
    client = login(malianqu)
    with time_machine.travel(LATER, tick=False):
        page = client.get(
            "/cases/indicators/", {"unit": MALIANQU, "start": "2026-11-01", "end": "2026-11-30"}
        )
        assert page.status_code == 200
        html = page.content.decode()
        links = re.findall(
            r'<a class="metric-link" data-metric="\w+" href="([^"]+)">(\d+)</a>', html
        )
        assert len(links) > 20
        for href, figure in links:
            listing = client.get(href.replace("&amp;", "&"))
            assert listing.status_code == 200
            assert listing.context["total"] == int(figure), href


def test_it_groups_by_village_and_category(collector1, dashihao, baocun):
    _world(collector1, dashihao, baocun)
    rows = indicators.case_indicators(
        user=dashihao,
        unit_code=MALIANQU,
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        group="unit",
        now=LATER,
    )
    assert [(r["label"], r["total"]) for r in rows] == [("大十号村", 5)]
    by_category = indicators.case_indicators(
        user=dashihao,
        unit_code=DAISHIHAO,
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        group="category",
        now=LATER,
    )
    assert [(r["label"], r["total"]) for r in by_category] == [("环境卫生", 5)]


def test_it_counts_nothing_for_the_outsider(login, collector1, dashihao, baocun, xiaoshihao):
    _world(collector1, dashihao, baocun)
    [row] = indicators.case_indicators(
        user=xiaoshihao,
        unit_code=MALIANQU,
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        now=LATER,
    )
    assert row["total"] == 0
    assert login(xiaoshihao).get("/cases/indicators/", {"unit": DAISHIHAO}).status_code == 404
