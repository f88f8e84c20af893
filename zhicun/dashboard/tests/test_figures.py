"""Every figure on a dashboard links to a list, and the list shows the same number."""

import pytest

from zhicun.dashboard.data import dashboard_data
from zhicun.dashboard.tests.conftest import list_figures
from zhicun.demo.district import DAISHIHAO, MALIANQU
from zhicun.units.models import Unit

pytestmark = pytest.mark.django_db


def population_figures(d: dict) -> list[dict]:
    p = d["population"]
    out = [*p["figures"], *p["groups"], *p["labour"], *p["floating"]]
    for row in p["pyramid"]:
        out.append({"key": "male", "value": row["male"], "url": row["male_url"]})
        out.append({"key": "female", "value": row["female"], "url": row["female_url"]})
    for c in p["children"]:
        out.append({"key": "persons", "value": c["persons"], "url": c["persons_url"]})
        out.append({"key": "living", "value": c["persons_living"], "url": c["persons_living_url"]})
        out.append({"key": "coverage", "value": c["coverage"], "url": c["coverage_url"]})
    return out


def case_figures(d: dict) -> list[dict]:
    c = d["cases"]
    out = [*c["figures"], *c["rates"], *c["categories"]]
    for r in c["ranking"]:
        out.append({"key": "overdue_open", "value": r["overdue_open"], "url": r["overdue_url"]})
        out.append({"key": "on_time_rate", "value": r["on_time_rate"], "url": r["indicators_url"]})
    for r in c["trend"]:
        out.append({"key": "accepted", "value": r["accepted"], "url": r["accepted_url"]})
        out.append({"key": "closed", "value": r["closed"], "url": r["closed_url"]})
    return out


def errand_figures(d: dict) -> list[dict]:
    e = d["errands"]
    return [f for f in e["figures"] if f["url"]] + e["by_type"]


def scope_root_figures(d: dict) -> list[dict]:
    """Support, jobs and openness lists cover the user's whole scope (no unit filter yet)."""
    s = d["support"]
    return [*s["kinds"], *s["statuses"], s["flagged"], *s["jobs"], *d["openness"]["figures"]]


def assert_match(client, figures: list[dict]) -> None:
    mismatches = [
        (f["url"], f["value"], shown)
        for f in figures
        if (shown := list_figures(client, f["url"], f)) != f["value"]
    ]
    assert mismatches == []


def test_it_matches_every_list_on_the_way_down_from_the_district(world, login, jining, now):
    client = login(jining)
    seen = []
    for code in ("150902", MALIANQU, DAISHIHAO):
        d = dashboard_data(jining, Unit.objects.get(code=code))
        figures = population_figures(d) + case_figures(d) + errand_figures(d)
        if code == "150902":
            figures += scope_root_figures(d)
        assert_match(client, figures)
        seen.append(d)
    district, township, village = seen
    # Not trivially equal: each level counts less than the one above, and something.
    persons = [x["population"]["figures"][0]["value"] for x in seen]
    assert persons[0] > persons[1] > persons[2] > 0
    assert [c["name"] for c in township["population"]["children"]] == ["大十号村", "小十号村"]
    assert district["cases"]["figures"][3]["value"] == 3  # red: two in 马莲渠乡, one elsewhere
    assert village["cases"]["figures"][3]["value"] == 2
    assert village["cases"]["figures"][0]["value"] == 1  # accepted today
    assert district["support"]["flagged"]["value"] == 2
    assert [f["value"] for f in district["errands"]["figures"]] == [3, 3, 0, 3, 0]
    assert [f["value"] for f in village["errands"]["figures"]][:2] == [2, 2]


def test_it_matches_for_a_village_chief_on_the_own_village(world, login, dashihao, now):
    client = login(dashihao)
    d = dashboard_data(dashihao, Unit.objects.get(code=DAISHIHAO))
    assert_match(
        client,
        population_figures(d) + case_figures(d) + errand_figures(d) + scope_root_figures(d),
    )
    assert [c["name"] for c in d["population"]["children"]] == ["第一网格", "第二网格"]


def test_it_ranks_child_units_by_on_time_rate(world, jining, now):
    d = dashboard_data(jining, Unit.objects.get(code=MALIANQU))
    ranking = d["cases"]["ranking"]
    assert [r["name"] for r in ranking] == ["小十号村", "大十号村"]
    assert [r["on_time_rate"] for r in ranking] == [100.0, 33.3]
    assert [r["overdue_open"] for r in ranking] == [0, 2]
