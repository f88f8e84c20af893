import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory

from zhicun.demo.district import GRID2, HAMLET_A
from zhicun.registry.home import panels
from zhicun.registry.models import Move
from zhicun.registry.tests import factories as f


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def village(unit, dashihao):
    a, b = unit(HAMLET_A), unit(GRID2 + "001")
    late = f.household(a, "丙", last_visited_on=datetime.date(2026, 2, 1))
    f.person(late, "丙母", birth=(1940, 1, 1), groups=["empty_nest"])
    f.household(a, "丁")
    other = f.household(b, "庚")
    f.person(other, "庚父", birth=(1940, 1, 1), groups=["wubao"])
    Move.objects.create(
        person=other.head,
        kind="in",
        date=datetime.date(2026, 6, 10),
        from_place="外地",
        reason="work",
        recorded_by=dashihao,
    )


def _panels(user):
    request = RequestFactory().get("/")
    request.user = user
    return panels(request)


def _panel(user, title):
    return next(p for p in _panels(user) if p["title"] == title)


def _html(panel):
    return render_to_string(panel["template"], {"panel": panel})


def test_the_collector_sees_their_due_visits(village, collector1):
    panel = _panel(collector1, "走访提醒")
    assert [row["household"].head.name for row in panel["rows"]] == ["丙"]
    assert panel["unvisited"] == 2
    body = _html(panel)
    assert "走访提醒" in body and "空巢老人" in body and "已逾期" in body
    assert "庚" not in body


def test_the_chief_sees_the_whole_village(village, dashihao):
    panel = _panel(dashihao, "走访提醒")
    assert {row["household"].head.name for row in panel["rows"]} == {"丙", "庚"}
    links = {link["label"]: link.get("count") for link in _panel(dashihao, "人口信息")["links"]}
    assert links["近14天流入"] == 1


def test_a_supervisor_reads_figures_but_has_no_visits_to_make(village, jiandu):
    titles = [p["title"] for p in _panels(jiandu)]
    assert "人口信息" in titles and "走访提醒" not in titles


def test_an_outsider_sees_no_counts_from_elsewhere(village, xiaoshihao):
    assert _panel(xiaoshihao, "走访提醒")["rows"] == []
    assert _panel(xiaoshihao, "走访提醒")["unvisited"] == 0
    links = {link["label"]: link.get("count") for link in _panel(xiaoshihao, "人口信息")["links"]}
    assert links["近14天流入"] == 0


def test_administrators_get_no_registry_panels(admin_user):
    assert _panels(admin_user) == []


def test_the_panels_render_in_the_links_template(village, dashihao):
    body = _html(_panel(dashihao, "人口信息"))
    assert "人员查询" in body and "/registry/floating/?days=14&amp;kind=in" in body
