"""The API sees what the web sees: from the outsider's side, 404 and no leaked counts."""

import pytest

from zhicun.registry.tests import factories as f

HAMLET_G1 = "150902200201001001"
HAMLET_G2 = "150902200201002001"
XIAOSHIHAO_HAMLET = "150902200202001001"


@pytest.fixture
def people(unit):
    g1 = f.household(unit(HAMLET_G1), "张一")
    f.person(g1, "张小一", birth=(2000, 3, 1))
    g2 = f.household(unit(HAMLET_G2), "李二")
    other = f.household(unit(XIAOSHIHAO_HAMLET), "王三")
    return {"g1": g1, "g2": g2, "other": other}


def test_it_lists_only_grid_ones_persons_for_grid1(api, grid1, people):
    r = api(grid1).get("/persons")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert {p["name"] for p in body["items"]} == {"张一", "张小一"}
    assert all(p["hamlet"].startswith("150902200201001") for p in body["items"])


def test_it_answers_404_for_a_grid_two_person(api, grid1, people):
    person = people["g2"].head
    r = api(grid1).get(f"/persons/{person.pk}")
    assert r.status_code == 404
    assert r.json()["detail"] == "未找到该记录，或不在您的管辖范围内"


def test_it_answers_404_for_a_unit_filter_outside_scope(api, grid1, people):
    assert api(grid1).get("/persons", {"unit": "150902200201002"}).status_code == 404
    assert api(grid1).get("/households", {"unit": "150902200202"}).status_code == 404
    assert api(grid1).get("/units/150902200201/stats").status_code == 404


def test_it_gives_the_village_chief_the_whole_village(api, dashihao, people):
    r = api(dashihao).get("/households")
    assert r.json()["count"] == 2
    r = api(dashihao).get("/households", {"unit": "150902200201002"})
    assert [h["head_name"] for h in r.json()["items"]] == ["李二"]


def test_it_refuses_writes_outside_scope_with_404(api, grid1, people):
    other = people["g2"]
    r = api(grid1).patch(f"/households/{other.pk}", {"address": "改了"})
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.address == ""


def test_it_shows_administrators_no_business_data(api, secadmin, people):
    client = api(secadmin)
    assert client.get("/persons").json() == {"count": 0, "items": []}
    assert client.get(f"/households/{people['g1'].pk}").status_code == 404
