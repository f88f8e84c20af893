import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, HAMLET_A, XIAOSHIHAO
from zhicun.registry import coverage, stats
from zhicun.registry.models import Household, Move, Person
from zhicun.registry.search import filter_persons
from zhicun.registry.tests import factories as f


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def village(unit, dashihao):
    a, b = unit(HAMLET_A), unit(GRID2 + "001")
    h1 = f.household(a, "张三", head_birth=(1960, 5, 1), last_visited_on=datetime.date(2026, 6, 1))
    h1.head.political = "01"
    h1.head.save()
    f.person(
        h1,
        "李四",
        birth=(2000, 1, 1),
        sex="2",
        ethnicity="02",
        education="71",
        labour="1",
        groups=["disabled"],
    )
    h2 = f.household(a, "王五", head_birth=(1990, 3, 3), residence="away")
    wangwu = h2.head
    wangwu.residence, wangwu.labour, wangwu.employment = "away_work", "2", "migrant"
    wangwu.political = "02"
    wangwu.save()
    f.person(h2, "钱七", birth=(1930, 2, 2), residence="dead")
    h3 = f.household(b, "赵六", head_birth=(2015, 7, 7), head_sex="2")
    h3.head.education, h3.head.groups = "81", ["left_child"]
    h3.head.save()
    f.person(h3, "孙八", birth=(1950, 1, 1), residence="inflow", groups=["wubao"])
    f.person(h3, "周九", birth=(1955, 1, 1), residence="moved_out")
    elsewhere = f.household(unit(XIAOSHIHAO + "001001"), "外村")
    elsewhere.head.political = "01"
    elsewhere.head.save()
    f.person(elsewhere, "外村二")
    Move.objects.create(
        person=wangwu,
        kind="out",
        date=datetime.date(2026, 6, 10),
        to_place="呼和浩特",
        reason="work",
        recorded_by=dashihao,
    )


def _rows(rows):
    return {r["label"]: (r["total"], r["living"]) for r in rows}


def test_it_counts_registered_and_living(village, login, dashihao):
    r = login(dashihao).get("/registry/stats/", {"unit": DAISHIHAO})
    assert r.status_code == 200
    assert r.context["totals"] == {
        "households": 3,
        "households_living": 2,
        "persons": 5,
        "persons_living": 4,
        "party": 2,
    }
    body = r.content.decode()
    assert '<div class="stat-figure" id="households">3</div>' in body
    assert '<div class="stat-figure" id="persons-living">4</div>' in body


def test_it_builds_the_age_pyramid_in_five_year_bands(village, login, dashihao):
    pyramid = login(dashihao).get("/registry/stats/").context["pyramid"]
    figures = {
        r["label"]: (r["male"], r["female"], r["male_living"], r["female_living"])
        for r in pyramid
        if r["male"] or r["female"]
    }
    assert figures == {
        "10-14岁": (0, 1, 0, 1),
        "25-29岁": (0, 1, 0, 1),
        "35-39岁": (1, 0, 0, 0),
        "65-69岁": (1, 0, 1, 0),
        "75-79岁": (1, 0, 1, 0),
    }
    assert pyramid[-1]["label"] == "75-79岁" and pyramid[0]["label"] == "0-4岁"


def test_it_breaks_down_by_ethnicity_education_and_labour(village, login, dashihao):
    c = login(dashihao).get("/registry/stats/").context
    assert _rows(c["ethnicity"]) == {"汉族": (4, 3), "蒙古族": (1, 1)}
    assert _rows(c["education"]) == {"未填写": (3, 2), "初级中学教育": (1, 1), "小学教育": (1, 1)}
    assert _rows(c["labour"]) == {"未填写": (3, 3), "普通劳动力": (1, 1), "技能劳动力": (1, 0)}
    assert _rows(c["employment"]) == {"外出务工": (1, 0), "未就业": (1, 1)}


def test_it_counts_special_groups_floating_and_coverage(village, login, dashihao):
    c = login(dashihao).get("/registry/stats/").context
    groups = {k: v for k, v in _rows(c["groups"]).items() if v != (0, 0)}
    assert groups == {"残疾人": (1, 1), "五保": (1, 1), "留守儿童": (1, 1)}
    assert {r["code"]: r["total"] for r in c["floating"]} == {"out": 1, "in": 0, "return": 0}
    assert c["coverage"] == {"total": 2, "visited": 1, "missing": 1, "rate": 50.0}


def test_it_breaks_down_by_grid(village, login, dashihao):
    children = login(dashihao).get("/registry/stats/").context["children"]
    figures = {
        r["unit"].code: (r["households"], r["households_living"], r["persons"], r["persons_living"])
        for r in children
    }
    assert figures == {GRID1: (2, 1, 3, 2), GRID2: (1, 1, 2, 2)}


def test_it_counts_any_filter(village, login, dashihao):
    r = login(dashihao).get("/registry/stats/", {"unit": DAISHIHAO, "sex": "2"})
    assert r.context["totals"] == {
        "households": 2,
        "households_living": 2,
        "persons": 2,
        "persons_living": 2,
        "party": 0,
    }
    assert "性别：女" in r.content.decode()


def test_it_embeds_chart_data_and_loads_the_chart_script(village, login, dashihao):
    body = login(dashihao).get("/registry/stats/").content.decode()
    assert '<script id="stats-data" type="application/json">' in body
    assert "npm/echarts/dist/echarts.min.js" in body and "zhicun/stats.js" in body


def test_it_uses_a_fixed_number_of_queries(village, unit, login, dashihao):
    client = login(dashihao)
    client.get("/registry/stats/")
    with CaptureQueriesContext(connection) as before:
        client.get("/registry/stats/")
    for i in range(10):
        f.person(f.household(unit(HAMLET_A), f"新户{i}"), f"家属{i}", groups=["wubao"])
    with CaptureQueriesContext(connection) as after:
        r = client.get("/registry/stats/")
    assert r.context["totals"]["persons"] == 25
    assert len(after) == len(before) <= 25


def test_an_outsider_gets_404_for_another_village(village, login, xiaoshihao, grid1):
    assert login(xiaoshihao).get("/registry/stats/", {"unit": DAISHIHAO}).status_code == 404
    assert login(grid1).get("/registry/stats/", {"unit": GRID2}).status_code == 404


def test_an_outsider_counts_only_their_own_village(village, login, xiaoshihao):
    r = login(xiaoshihao).get("/registry/stats/")
    assert r.context["totals"] == {
        "households": 1,
        "households_living": 1,
        "persons": 2,
        "persons_living": 2,
        "party": 1,
    }


def test_a_grid_manager_counts_only_their_grid(village, login, grid2):
    r = login(grid2).get("/registry/stats/")
    assert (r.context["totals"]["households"], r.context["totals"]["persons"]) == (1, 2)


def test_administrators_see_no_statistics(village, login, admin_user):
    assert login(admin_user).get("/registry/stats/").status_code == 403


# The command centre's one-pass summaries --------------------------------------------------------


def _scoped(user, code):
    today = datetime.date(2026, 6, 15)
    persons = filter_persons(user, {"unit": code}, today=today)[0]
    return persons, Household.objects.in_scope(user).below(code), today


@pytest.mark.parametrize("one_pass", [False, True])
@pytest.mark.parametrize("code, prefix", [(DAISHIHAO, 15), (GRID1, 18), (HAMLET_A, None)])
def test_the_person_overview_agrees_with_each_breakdown(village, dashihao, code, prefix, one_pass):
    persons, households, today = _scoped(dashihao, code)
    seen = stats.person_overview(persons, today, prefix, one_pass=one_pass)
    assert seen["totals"] == {
        k: v
        for k, v in stats.totals(persons, households).items()
        if k.startswith(("persons", "party"))
    }
    assert seen["pyramid"] == stats.age_pyramid(persons, today)
    assert seen["groups"] == [
        {k: g[k] for k in ("code", "label", "total")} for g in stats.by_group(persons)
    ]
    assert seen["employment"] == stats.labour_employment(persons)
    by_child = stats.by_child(persons, households, prefix) if prefix else {}
    assert seen["children"] == {
        c: {"persons": r["persons"], "persons_living": r["persons_living"]}
        for c, r in by_child.items()
        if r["persons"] or r["persons_living"]
    }
    assert seen["totals"]["persons"] > 0


@pytest.mark.parametrize("code, prefix", [(DAISHIHAO, 15), (HAMLET_A, None)])
def test_the_household_overview_agrees_with_each_breakdown(village, dashihao, code, prefix):
    persons, households, today = _scoped(dashihao, code)
    seen = stats.household_overview(households, today, 90, prefix)
    totals = stats.totals(persons, households)
    assert seen["totals"] == {
        "households": totals["households"],
        "households_living": totals["households_living"],
    }
    assert seen["coverage"] == stats.visit_coverage(households, today, 90)
    if prefix:
        by_child = stats.by_child(persons, households, prefix)
        visits = coverage.coverage_by(households.living(), prefix, coverage.since(today, 90))
        assert seen["children"] == {
            c: {
                "households": by_child[c]["households"],
                "households_living": by_child[c]["households_living"],
                "coverage": visits.get(c, {"total": 0, "visited": 0}),
            }
            for c in by_child
        }


def test_age_bands_turn_on_the_birthday(village, unit, dashihao):
    """On 2026-06-15 one born 2021-06-15 is 5 (band 1), one born a day later still 4 (band 0);
    one born on 1926-06-15 is 100 (the last band), and a birth date after today has no age."""
    home = f.household(unit(HAMLET_A), "生日户", head_birth=(1926, 6, 15))
    for i, born in enumerate([(2021, 6, 15), (2021, 6, 16), (2026, 6, 15), (2026, 6, 16)]):
        f.person(home, f"生日{i}", birth=born)
    bands = dict(
        Person.objects.filter(household=home)
        .annotate(band=stats.age_band(datetime.date(2026, 6, 15)))
        .values_list("birth_date", "band")
    )
    assert {d.isoformat(): b for d, b in bands.items()} == {
        "1926-06-15": 20,
        "2021-06-15": 1,
        "2021-06-16": 0,
        "2026-06-15": 0,
        "2026-06-16": 20,
    }
