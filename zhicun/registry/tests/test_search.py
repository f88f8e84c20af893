import datetime

import pytest
import time_machine

from zhicun.demo.district import DAISHIHAO, GRID2, HAMLET_A
from zhicun.lib.paging import total_subquery
from zhicun.registry.models import Move
from zhicun.registry.search import filter_persons
from zhicun.registry.tests import factories as f

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def people(unit, dashihao):
    """Four registered persons and a dead one, each differing from the others on a few fields."""
    a, b = unit(HAMLET_A), unit(GRID2 + "001")
    h1 = f.household(
        a,
        "张三",
        head_birth=(1960, 5, 1),
        land_area=10,
        tags=["wubao"],
        last_visited_on=datetime.date(2026, 6, 5),
    )
    h1.head.pension_receiving = True
    h1.head.save()
    lisi = f.person(
        h1,
        "李四",
        birth=(2000, 1, 1),
        sex="2",
        ethnicity="02",
        education="71",
        political="01",
        labour="1",
        skills=["电焊"],
        phone="13812345678",
    )
    h2 = f.household(a, "王五", head_birth=(1990, 3, 3), land_area=2)
    wangwu = h2.head
    wangwu.residence = "away_work"
    wangwu.groups = ["disabled"]
    wangwu.health = "4"
    wangwu.disability_category = "1"
    wangwu.employment = "migrant"
    wangwu.labour = "2"
    wangwu.save()
    f.person(h2, "钱七", birth=(1930, 2, 2), residence="dead")
    h3 = f.household(
        b,
        "赵六",
        head_birth=(2015, 7, 7),
        head_sex="2",
        last_visited_on=datetime.date(2026, 1, 1),
    )
    h3.head.groups = ["left_child"]
    h3.head.education = "81"
    h3.head.save()
    Move.objects.create(
        person=wangwu,
        kind="out",
        date=datetime.date(2026, 6, 10),
        to_place="呼和浩特",
        reason="work",
        recorded_by=dashihao,
    )
    Move.objects.create(
        person=lisi,
        kind="in",
        date=datetime.date(2026, 5, 1),
        from_place="集宁",
        reason="marriage",
        recorded_by=dashihao,
    )
    return {"h1": h1, "h2": h2, "h3": h3, "lisi": lisi, "wangwu": wangwu}


def names(user, params):
    qs, form = filter_persons(user, params)
    assert form.is_valid(), form.errors
    return set(qs.values_list("name", flat=True))


CASES = [
    ("", {"张三", "李四", "王五", "赵六"}),
    (f"unit={GRID2}", {"赵六"}),
    (f"unit={HAMLET_A}", {"张三", "李四", "王五"}),
    ("q=张三", {"张三"}),
    ("q=zs", {"张三"}),
    ("q=zhangsan", {"张三"}),
    ("q=ZhangSan", {"张三"}),
    ("q=zhang", {"张三"}),
    ("q=ls", {"李四"}),
    ("q=四", {"李四"}),
    ("age_min=30", {"张三", "王五"}),
    ("age_max=30", {"李四", "赵六"}),
    ("age_min=20&age_max=40", {"李四", "王五"}),
    ("age_min=66&age_max=66", {"张三"}),
    ("sex=2", {"李四", "赵六"}),
    ("ethnicity=02", {"李四"}),
    ("ethnicity=01&ethnicity=02", {"张三", "李四", "王五", "赵六"}),
    ("education=70", {"李四"}),
    ("education=81", {"赵六"}),
    ("political=01", {"李四"}),
    ("residence=away_work", {"王五"}),
    ("residence=dead", {"钱七"}),
    ("residence=resident&residence=away_work", {"张三", "李四", "王五", "赵六"}),
    ("labour=1", {"李四"}),
    ("labour=1&labour=2", {"李四", "王五"}),
    ("employment=migrant", {"王五"}),
    ("skill=电焊", {"李四"}),
    ("skill=厨师", set()),
    ("group=disabled", {"王五"}),
    ("group=disabled&group=left_child", {"王五", "赵六"}),
    ("health=4", {"王五"}),
    ("disability=any", {"王五"}),
    ("disability=1", {"王五"}),
    ("disability=2", set()),
    ("household_tag=wubao", {"张三", "李四"}),
    ("land_min=5", {"张三", "李四"}),
    ("land_max=5", {"王五", "赵六"}),
    ("moved=out", {"王五"}),
    ("moved=in", {"李四"}),
    ("moved=return", set()),
    ("moved_since=2026-06-01", {"王五"}),
    ("moved_until=2026-05-31", {"李四"}),
    ("moved=in&moved_since=2026-06-01", set()),
    ("moved_days=14", {"王五"}),
    ("moved=in&moved_days=45", {"李四"}),
    ("moved_days=60", {"李四", "王五"}),
    ("not_visited_days=90", {"王五", "赵六"}),
    ("not_visited_days=5", {"张三", "李四", "王五", "赵六"}),
    ("pension=1", {"张三"}),
    ("sex=2&age_max=18&group=left_child", {"赵六"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_it_narrows_by_each_condition(people, dashihao, query, expected):
    from django.http import QueryDict

    assert names(dashihao, QueryDict(query)) == expected


def test_it_refuses_a_reversed_age_range(people, dashihao):
    from django.http import QueryDict

    qs, form = filter_persons(dashihao, QueryDict("age_min=50&age_max=20"))
    assert not form.is_valid()
    assert "最大年龄不能小于最小年龄" in form.errors["age_max"]
    assert not qs.exists()


def test_each_form_has_its_own_fields_over_the_shared_code_tables():
    from django.http import QueryDict

    from zhicun.registry.search import PersonFilterForm

    one = PersonFilterForm(QueryDict("ethnicity=xx"))
    two = PersonFilterForm(QueryDict("ethnicity=02&sex=2"))
    one.fields["ethnicity"].widget.attrs["data-x"] = "1"
    one.fields["sex"].choices = [("1", "男")]
    assert "data-x" not in two.fields["ethnicity"].widget.attrs
    assert "data-x" not in PersonFilterForm.base_fields["ethnicity"].widget.attrs
    assert len(two.fields["sex"].choices) == len(PersonFilterForm.base_fields["sex"].choices) == 3
    assert two.fields["ethnicity"].widget.attrs["class"] == "form-select form-select-sm"
    assert not one.is_valid() and "ethnicity" in one.errors
    assert two.is_valid() and two.cleaned_data["ethnicity"] == ["02"]


def test_a_grid_manager_finds_only_their_grid(people, grid2):
    from django.http import QueryDict

    assert names(grid2, QueryDict("")) == {"赵六"}


def test_it_shows_the_count_and_masks_numbers(people, login, dashihao):
    r = login(dashihao).get("/registry/search/", {"q": "ls"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "共 1 人" in body
    assert people["lisi"].masked_id in body
    assert people["lisi"].id_number not in body
    assert "138****5678" in body and "13812345678" not in body
    assert f"/registry/households/{people['h1'].pk}/" in body


def test_it_returns_only_the_results_to_htmx(people, login, dashihao):
    r = login(dashihao).get("/registry/search/", {"sex": "2"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200
    assert "共 2 人" in body
    assert "<html" not in body and "search-form" not in body


def test_it_explains_a_bad_condition_in_chinese(people, login, dashihao):
    r = login(dashihao).get("/registry/search/", {"age_min": "50", "age_max": "20"})
    assert r.status_code == 200
    assert "最大年龄不能小于最小年龄" in r.content.decode()


def _search(client, params, django_assert_max_num_queries):
    """The page's body and the SQL of its queries on persons."""
    with django_assert_max_num_queries(15) as ctx:
        r = client.get("/registry/search/", params)
    assert r.status_code == 200
    return r.content.decode(), [
        q["sql"] for q in ctx.captured_queries if 'FROM "registry_person"' in q["sql"]
    ]


def test_it_reads_a_page_and_its_total_in_one_statement(
    login, dashihao, unit, django_assert_max_num_queries
):
    hamlet = unit(HAMLET_A)
    for i in range(15):
        h = f.household(hamlet, f"村民{i}")
        f.person(h, f"家属{i}")
    client = login(dashihao)
    client.get("/registry/search/")  # warm the session
    # The page's own work: one statement for a page of persons and, as a subquery, their
    # total; the rest is the session, the user's posts and the area picker.
    body, persons = _search(client, {"page": 2}, django_assert_max_num_queries)
    assert "共 30 人" in body and "第 2 / 2 页" in body
    assert len(persons) == 1
    assert persons[0].upper().count("COUNT(") == 1 and "OFFSET 20" in persons[0].upper()
    # Past the end: the last page, as before, with the total counted on its own.
    body, persons = _search(client, {"page": 9}, django_assert_max_num_queries)
    assert "共 30 人" in body and "第 2 / 2 页" in body and "村民" in body
    assert len(persons) == 3
    body, persons = _search(client, {"page": "x"}, django_assert_max_num_queries)
    assert "第 1 / 2 页" in body and len(persons) == 1


def test_it_counts_without_the_household_and_reads_only_the_shown_columns(
    people, login, dashihao, django_assert_max_num_queries
):
    client = login(dashihao)
    client.get("/registry/search/")  # warm the session
    body, persons = _search(client, {"sex": "2"}, django_assert_max_num_queries)
    assert "共 2 人" in body and len(persons) == 1
    page = persons[0]
    total = total_subquery(page)
    assert 'FROM "registry_person"' in total and 'JOIN "registry_household"' not in total
    assert '"registry_household"."number"' in page and '"units_unit"."name"' in page
    for unshown in ("notes", "employer", "name_pinyin"):
        assert f'"registry_person"."{unshown}"' not in page
    body, persons = _search(client, {"q": "zzzz"}, django_assert_max_num_queries)
    assert "共 0 人" in body and "没有符合条件的人员" in body and len(persons) == 1


def test_an_outsider_sees_no_one_and_no_count(people, login, xiaoshihao):
    client = login(xiaoshihao)
    r = client.get("/registry/search/", {"q": "zs"})
    body = r.content.decode()
    assert r.status_code == 200
    assert "共 0 人" in body and "张三" not in body


def test_an_outsider_gets_404_for_a_unit_outside_the_scope(people, login, xiaoshihao, grid1):
    assert login(xiaoshihao).get("/registry/search/", {"unit": DAISHIHAO}).status_code == 404
    assert login(grid1).get("/registry/search/", {"unit": GRID2}).status_code == 404


def test_administrators_cannot_search(people, login, admin_user):
    assert login(admin_user).get("/registry/search/").status_code == 403


def test_it_keeps_advanced_conditions_open_when_used(people, login, dashihao):
    r = login(dashihao).get("/registry/search/", {"group": "disabled"})
    body = r.content.decode()
    assert 'class="collapse show" id="advanced"' in body
    assert "共 1 人" in body and "王五" in body


def test_it_loads_more_conditions_only_when_first_opened(people, login, dashihao):
    client = login(dashihao)
    body = client.get("/registry/search/").content.decode()
    assert 'hx-get="/registry/search/conditions/"' in body and 'id="id_ethnicity"' not in body
    r = client.get("/registry/search/conditions/", HTTP_HX_REQUEST="true")
    panel = r.content.decode()
    assert r.status_code == 200 and "<html" not in panel
    assert 'id="id_ethnicity"' in panel and "蒙古族" in panel and 'id="id_q"' not in panel


def test_it_shows_each_row_with_its_labels_and_links(people, login, dashihao):
    wangwu = people["wangwu"]
    r = login(dashihao).get("/registry/search/", {"q": "ww"})
    body = r.content.decode()
    assert body.count(f'href="/registry/households/{wangwu.household_id}/"') == 2
    assert f'<a href="/registry/persons/{wangwu.pk}/">王五</a>' in body
    assert "男 · 36岁" in body and "<td>外出务工</td>" in body and "户主" in body
