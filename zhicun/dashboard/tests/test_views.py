"""Dashboard pages: who may open which unit, drill-down links, breadcrumbs, the JSON."""

import pytest

from zhicun.demo.district import DAISHIHAO, MALIANQU, XIAOSHIHAO

pytestmark = pytest.mark.django_db


def test_it_sends_the_user_to_the_own_unit(login, jining, malianqu):
    assert login(jining).get("/dashboard/").url == "/dashboard/150902/"
    assert login(malianqu).get("/dashboard/").url == f"/dashboard/{MALIANQU}/"


def test_it_shows_breadcrumbs_and_children_for_drill_down(login, jining):
    response = login(jining).get(f"/dashboard/{MALIANQU}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/dashboard/150902/">集宁区</a>' in html
    assert f'href="/dashboard/{DAISHIHAO}/">大十号村</a>' in html
    assert f'href="/dashboard/{XIAOSHIHAO}/">小十号村</a>' in html
    assert 'id="dashboard-data"' in html
    assert "npm/echarts/dist/echarts.min.js" in html


def test_it_keeps_breadcrumbs_within_the_scope(login, dashihao):
    response = login(dashihao).get(f"/dashboard/{DAISHIHAO}/")
    crumbs = [b["name"] for b in response.context["d"]["breadcrumbs"]]
    assert crumbs == ["大十号村"]


@pytest.mark.parametrize("suffix", ["", "screen/", "data.json"])
def test_it_hides_another_village_from_an_outsider(login, xiaoshihao, suffix):
    response = login(xiaoshihao).get(f"/dashboard/{DAISHIHAO}/{suffix}")
    assert response.status_code == 404


def test_it_hides_the_township_from_a_village_chief(login, dashihao):
    assert login(dashihao).get(f"/dashboard/{MALIANQU}/").status_code == 404


def test_it_refuses_a_malformed_code(login, jining):
    assert login(jining).get("/dashboard/15a902/").status_code == 404


@pytest.mark.parametrize("who", ["admin_user", "secadmin", "auditor"])
def test_it_refuses_the_administrators(login, who, request):
    response = login(request.getfixturevalue(who)).get("/dashboard/150902/")
    assert response.status_code == 403


def test_it_lets_a_collector_see_the_own_hamlet(login, collector1):
    response = login(collector1).get("/dashboard/")
    assert response.url == "/dashboard/150902200201001001/"
    assert login(collector1).get(response.url).status_code == 200


def test_it_asks_anonymous_visitors_to_sign_in(client, district):
    response = client.get("/dashboard/150902/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_it_serves_the_same_figures_as_json(world, login, jining, now):
    client = login(jining)
    data = client.get(f"/dashboard/{MALIANQU}/data.json").json()
    page = client.get(f"/dashboard/{MALIANQU}/").context["d"]
    assert data["unit"]["name"] == "马莲渠乡"
    assert data["population"]["figures"] == page["population"]["figures"]
    assert data["cases"]["figures"] == page["cases"]["figures"]


def test_it_renders_the_big_screen(world, login, jining, now):
    response = login(jining).get(f"/dashboard/{MALIANQU}/screen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-refresh="60"' in html
    assert f'data-source="/dashboard/{MALIANQU}/data.json"' in html
    assert html.count('data-chart="') == 6


def test_it_reads_the_ancestors_in_scope_and_the_children_in_one_query(
    jining, dashihao, django_assert_num_queries
):
    from zhicun.dashboard.data import around
    from zhicun.units.models import Unit

    township, village = Unit.objects.get(code=MALIANQU), Unit.objects.get(code=DAISHIHAO)
    jining.post_list, dashihao.post_list  # the posts are read with the user, not here
    with django_assert_num_queries(1):
        ancestors, prefix, children = around(jining, township)
    assert [u.code for u in ancestors] == ["150902"]  # the city and province are not jining's
    assert prefix == len(DAISHIHAO) and DAISHIHAO in [c.code for c in children]
    assert XIAOSHIHAO in [c.code for c in children]
    ancestors, _, children = around(dashihao, village)
    assert ancestors == [] and {c.parent_id for c in children} == {village.pk}
