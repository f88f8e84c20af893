import io

import pytest
from django.core.management import call_command

from zhicun.registry.tests import factories as f

VILLAGE = "150902200201"


def _party(household, code):
    household.head.political = code
    household.head.save(update_fields=["political"])
    return household


@pytest.fixture
def village(unit):
    a = unit("150902200201001001")
    b = unit("150902200201002003")
    h1 = _party(f.household(a, "党员甲"), "01")
    f.person(h1, "常住乙", birth=(1990, 1, 1))
    f.person(h1, "外出丙", birth=(1995, 1, 1), residence="away_work")
    f.person(h1, "死亡丁", birth=(1930, 1, 1), residence="dead")
    h2 = _party(f.household(b, "预备戊", residence="away"), "02")
    f.person(h2, "流入己", birth=(1988, 1, 1), residence="inflow")
    _party(f.household(unit("150902200202001001"), "别村庚"), "01")
    return h1, h2


def test_it_counts_a_unit_and_everything_below(api, dashihao, village):
    r = api(dashihao).get(f"/units/{VILLAGE}/stats")
    assert r.status_code == 200
    assert r.json() == {
        "unit": VILLAGE,
        "households": 2,
        "households_resident": 1,
        "persons": 5,
        "persons_resident": 4,
        "party_members": 2,
    }


def test_it_counts_a_grid_within_the_village(api, grid1, village):
    r = api(grid1).get(f"/units/{VILLAGE}001/stats")
    assert r.json()["persons"] == 3
    assert r.json()["households"] == 1


def test_it_lists_units_in_scope_only(api, grid1):
    r = api(grid1).get("/units")
    assert r.status_code == 200
    codes = [u["code"] for u in r.json()["items"]]
    assert codes[0] == "150902200201001"
    assert all(c.startswith("150902200201001") for c in codes)
    assert r.json()["count"] == 5


def test_it_filters_units_by_kind_and_pages(api, jining):
    r = api(jining).get("/units", {"kind": "village", "limit": 2, "offset": 1})
    body = r.json()
    assert body["count"] == 5
    assert [u["kind"] for u in body["items"]] == ["village", "village"]


def test_it_shows_one_unit(api, grid1):
    r = api(grid1).get("/units/150902200201001001")
    assert r.json() == {
        "code": "150902200201001001",
        "name": "大十号",
        "kind": "hamlet",
        "parent": "150902200201001",
    }
    assert api(grid1).get("/units/150902200201002001").status_code == 404


def test_it_matches_the_demo_village_figures(api, dashihao):
    pytest.importorskip("zhicun.registry.demo")
    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    r = api(dashihao).get(f"/units/{VILLAGE}/stats")
    body = r.json()
    figures = [body[k] for k in ("households", "persons", "households_resident")]
    assert figures + [body["persons_resident"], body["party_members"]] == [698, 2016, 308, 593, 39]
