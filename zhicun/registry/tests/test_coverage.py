import datetime

import pytest
import time_machine

from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, HAMLET_A
from zhicun.registry import coverage
from zhicun.registry.models import Household, VisitRule
from zhicun.registry.tests import factories as f

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def _household(hamlet, name, visited=None, group=None, member_residence="resident", **kw):
    h = f.household(hamlet, name, last_visited_on=visited, **kw)
    if group:
        f.person(h, name + "家属", birth=(1940, 1, 1), groups=[group], residence=member_residence)
    return h


@pytest.fixture
def households(unit):
    a, b = unit(HAMLET_A), unit(GRID2 + "001")
    return {
        "ok": _household(a, "甲", datetime.date(2026, 6, 1), "wubao"),
        "due": _household(a, "乙", datetime.date(2026, 5, 20), "disabled"),
        "late": _household(a, "丙", datetime.date(2026, 2, 1), "empty_nest"),
        "never": _household(a, "丁"),
        "away": _household(a, "戊", residence="away"),
        "b_visited": _household(b, "己", datetime.date(2026, 6, 10), "tekun", "away_work"),
        "b_alone": _household(b, "庚", None, "alone"),
    }


def test_it_counts_coverage_per_grid(households, login, dashihao):
    r = login(dashihao).get("/registry/coverage/")
    assert r.status_code == 200
    grids = {g["code"]: (g["total"], g["visited"], g["missing"]) for g in r.context["grids"]}
    assert grids == {GRID1: (4, 2, 2), GRID2: (2, 1, 1)}
    assert r.context["summary"] == {"total": 6, "visited": 3, "missing": 3, "rate": 50.0}


def test_it_counts_coverage_per_collector(households, login, dashihao, collector1):
    r = login(dashihao).get("/registry/coverage/")
    rows = {(c["user"].username if c["user"] else None): c for c in r.context["collectors"]}
    assert (rows["collector1"]["total"], rows["collector1"]["visited"]) == (4, 2)
    assert rows["collector1"]["hamlet_names"] == ["大十号"]
    assert (rows[None]["total"], rows[None]["visited"]) == (2, 1)
    assert "未配备信息员" in r.content.decode()


def test_it_lists_households_not_visited_never_visited_first(households, login, dashihao):
    r = login(dashihao).get("/registry/coverage/", {"days": 90})
    listed = [row["household"].pk for row in r.context["rows"]]
    assert listed == [households["never"].pk, households["b_alone"].pk, households["late"].pk]


def test_it_uses_the_default_rules_when_the_table_is_empty(households):
    assert not VisitRule.objects.exists()
    rules = {r.group: r.every_days for r in coverage.visit_rules()}
    assert rules == {"wubao": 30, "tekun": 30, "disabled": 30, "empty_nest": 30}
    counts = {
        c["rule"].group: (c["total"], c["due_soon"], c["overdue"])
        for c in coverage.must_visit_counts(
            Household.objects.living(), coverage.visit_rules(), TODAY
        )
    }
    assert counts == {
        "wubao": (1, 0, 0),
        "tekun": (0, 0, 0),  # the 特困 member is away working
        "disabled": (1, 1, 0),
        "empty_nest": (1, 0, 1),
    }


def test_the_rule_table_overrides_and_extends_the_defaults(households):
    VisitRule.objects.create(group="wubao", every_days=10)
    VisitRule.objects.create(group="alone", every_days=60)
    rules = coverage.visit_rules()
    due = coverage.due_list(Household.objects.living(), rules, TODAY)
    assert set(due) == {
        households["ok"],
        households["due"],
        households["late"],
        households["b_alone"],
    }
    assert [r.group for r in rules][0] == "wubao"


def test_it_shows_who_is_due_or_overdue(households, login, dashihao):
    r = login(dashihao).get("/registry/coverage/", {"list": "must"})
    rows = {row["household"].pk: row for row in r.context["rows"]}
    assert set(rows) == {households["due"].pk, households["late"].pk}
    late, due = rows[households["late"].pk], rows[households["due"].pk]
    assert (late["status"], late["due_on"], late["groups"]) == (
        "overdue",
        datetime.date(2026, 3, 3),
        ["空巢老人"],
    )
    assert (due["status"], due["due_on"]) == ("due", datetime.date(2026, 6, 19))
    body = r.content.decode()
    assert "已逾期" in body and "即将到期" in body


def test_a_collector_sees_only_their_hamlet(households, login, collector1):
    r = login(collector1).get("/registry/coverage/")
    assert r.context["summary"]["total"] == 4
    assert "庚" not in r.content.decode()


def test_an_outsider_gets_404_and_no_counts(households, login, xiaoshihao, grid1):
    assert login(xiaoshihao).get("/registry/coverage/", {"unit": DAISHIHAO}).status_code == 404
    assert login(grid1).get("/registry/coverage/", {"unit": GRID2}).status_code == 404
    r = login(xiaoshihao).get("/registry/coverage/")
    assert r.context["summary"]["total"] == 0
    assert all(m["total"] == 0 for m in r.context["must"])
