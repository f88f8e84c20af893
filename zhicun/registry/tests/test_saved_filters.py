import pytest

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import DAISHIHAO, XIAOSHIHAO
from zhicun.registry.models import SavedFilter
from zhicun.registry.search import saved_filter_create, saved_filters_for


def names(user):
    return {s.name for s in saved_filters_for(user)}


@pytest.fixture
def filters(dashihao, grid1, grid2, xiaoshihao, malianqu):
    saved_filter_create(by=dashihao, name="村里共享", query="group=disabled", shared=True)
    saved_filter_create(by=dashihao, name="村长自己的", query="sex=2")
    saved_filter_create(by=grid1, name="一网格共享", query="age_min=60", shared=True)
    saved_filter_create(by=grid2, name="二网格共享", query="age_min=60", shared=True)
    saved_filter_create(by=malianqu, name="乡里共享", query="moved=in", shared=True)
    saved_filter_create(by=xiaoshihao, name="小十号共享", query="labour=1", shared=True)


def test_a_filter_shared_at_the_village_reaches_the_grid_manager(filters, grid1):
    assert names(grid1) == {"村里共享", "一网格共享", "乡里共享"}


def test_the_chief_sees_what_grids_below_share_but_not_personal_ones(filters, dashihao):
    assert names(dashihao) == {"村里共享", "村长自己的", "一网格共享", "二网格共享", "乡里共享"}


def test_an_outsider_sees_none_of_another_villages_filters(filters, xiaoshihao):
    assert names(xiaoshihao) == {"小十号共享", "乡里共享"}


def test_the_instructor_of_two_villages_sees_both(filters, baocun):
    assert {"村里共享", "小十号共享", "乡里共享"} <= names(baocun)
    assert "村长自己的" not in names(baocun)


def test_it_saves_the_current_search_through_the_page(login, dashihao):
    client = login(dashihao)
    r = client.post(
        "/registry/filters/new/",
        {"name": " 残疾人 ", "query": "group=disabled&page=3&sex=", "shared": "1"},
    )
    saved = SavedFilter.objects.get()
    assert r.status_code == 302 and r.url == "/registry/search/?group=disabled"
    assert (saved.name, saved.query, saved.shared, saved.unit.code) == (
        "残疾人",
        "group=disabled",
        True,
        DAISHIHAO,
    )
    assert saved.owner == dashihao
    assert AuditEvent.objects.filter(action="create", object_id=str(saved.pk)).exists()


def test_it_refuses_a_nameless_or_broken_filter(login, dashihao):
    client = login(dashihao)
    r = client.post("/registry/filters/new/", {"name": "", "query": "age_min=x"}, follow=True)
    body = r.content.decode()
    assert "请填写名称" in body and "查询条件有误" in body
    assert not SavedFilter.objects.exists()


def test_it_refuses_to_share_with_a_unit_not_held(login, grid1):
    r = login(grid1).post(
        "/registry/filters/new/",
        {"name": "越权", "query": "sex=1", "shared": "1", "unit": XIAOSHIHAO},
        follow=True,
    )
    assert "只能共享给您所在岗位的单位" in r.content.decode()
    assert not SavedFilter.objects.exists()


def test_the_owner_deletes_their_filter(login, grid1):
    saved = saved_filter_create(by=grid1, name="一网格", query="sex=1", shared=True)
    r = login(grid1).post(f"/registry/filters/{saved.pk}/delete/")
    assert r.status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(saved.pk)).exists()


def test_nobody_else_deletes_it(login, dashihao, grid1, xiaoshihao):
    saved = saved_filter_create(by=dashihao, name="村里", query="sex=1", shared=True)
    assert login(grid1).post(f"/registry/filters/{saved.pk}/delete/").status_code == 404
    assert login(xiaoshihao).post(f"/registry/filters/{saved.pk}/delete/").status_code == 404
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_the_search_page_offers_the_visible_filters(filters, login, grid1):
    r = login(grid1).get("/registry/search/")
    body = r.content.decode()
    assert "村里共享" in body and "一网格共享" in body
    assert "二网格共享" not in body and "小十号共享" not in body


def test_the_list_page_shows_delete_only_on_own(filters, login, grid1):
    body = login(grid1).get("/registry/filters/").content.decode()
    own = SavedFilter.objects.get(name="一网格共享")
    village = SavedFilter.objects.get(name="村里共享")
    assert f"/registry/filters/{own.pk}/delete/" in body
    assert f"/registry/filters/{village.pk}/delete/" not in body
