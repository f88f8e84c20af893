import datetime

import pytest
import time_machine

from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, HAMLET_A
from zhicun.registry.models import Move
from zhicun.registry.tests import factories as f


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def moves(unit, dashihao):
    a, b = unit(HAMLET_A), unit(GRID2 + "001")
    other = unit("150902200202001001")

    def move(hamlet, name, kind, day):
        p = f.household(hamlet, name).head
        Move.objects.create(
            person=p,
            kind=kind,
            date=datetime.date(2026, *day),
            reason="work",
            from_place="外地",
            to_place="外地",
            recorded_by=dashihao,
        )
        return p

    move(a, "张来", "in", (6, 10))
    move(a, "李走", "out", (6, 1))
    move(b, "王回", "return", (6, 14))
    move(b, "赵早", "in", (5, 1))  # 45 days ago
    move(other, "钱外", "in", (6, 12))  # 小十号村


def test_it_counts_the_last_14_days_by_kind(moves, login, dashihao):
    r = login(dashihao).get("/registry/floating/")
    assert r.status_code == 200
    kinds = {k: n for k, _, n in r.context["kinds"]}
    assert kinds == {"out": 1, "in": 1, "return": 1}
    body = r.content.decode()
    assert "张来" in body and "李走" in body and "王回" in body
    assert "赵早" not in body and "钱外" not in body


def test_it_breaks_down_by_child_unit(moves, login, dashihao):
    r = login(dashihao).get("/registry/floating/", {"unit": DAISHIHAO})
    rows = {row["unit"].code: row["counts"] for row in r.context["per_unit"]}
    assert rows == {GRID1: [1, 1, 0], GRID2: [0, 0, 1]}


def test_it_takes_any_number_of_days(moves, login, dashihao):
    r = login(dashihao).get("/registry/floating/", {"days": 60, "kind": "in"})
    assert {k: n for k, _, n in r.context["kinds"]}["in"] == 2
    assert r.context["page"].paginator.count == 2
    body = r.content.decode()
    assert "赵早" in body and "李走" not in body


def test_it_refuses_a_silly_number_of_days(moves, login, dashihao):
    r = login(dashihao).get("/registry/floating/", {"days": "abc"})
    assert r.status_code == 200
    assert r.context["days"] == 14
    assert "天数应为 1 到 3650 之间的整数" in r.content.decode()


def test_a_grid_manager_sees_only_their_grid(moves, login, grid2):
    r = login(grid2).get("/registry/floating/")
    assert {k: n for k, _, n in r.context["kinds"]} == {"out": 0, "in": 0, "return": 1}


def test_an_outsider_gets_404_and_no_counts(moves, login, xiaoshihao):
    client = login(xiaoshihao)
    assert client.get("/registry/floating/", {"unit": DAISHIHAO}).status_code == 404
    r = client.get("/registry/floating/")
    assert {k: n for k, _, n in r.context["kinds"]} == {"out": 0, "in": 1, "return": 0}
    assert "张来" not in r.content.decode()
