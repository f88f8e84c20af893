from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, XIAOSHIHAO
from zhicun.units.models import Unit


def test_it_shows_a_village_to_its_chief(login, dashihao):
    r = login(dashihao).get(f"/units/{DAISHIHAO}/")
    assert r.status_code == 200
    assert "第一网格" in r.content.decode()


def test_it_hides_another_village_from_a_chief(login, xiaoshihao):
    assert login(xiaoshihao).get(f"/units/{DAISHIHAO}/").status_code == 404


def test_a_grid_manager_cannot_see_the_other_grid(login, grid1):
    client = login(grid1)
    assert client.get(f"/units/{GRID1}/").status_code == 200
    assert client.get(f"/units/{GRID2}/").status_code == 404


def test_the_tree_goes_straight_to_the_only_root(login, grid1):
    r = login(grid1).get("/units/")
    assert r.status_code == 302 and r.url == f"/units/{GRID1}/"


def test_a_sysadmin_adds_a_hamlet(login, admin_user):
    r = login(admin_user).post(
        f"/units/{GRID1}/children/", {"code": GRID1 + "007", "name": "新营子"}
    )
    assert r.status_code == 302
    assert Unit.objects.get(code=GRID1 + "007").parent.code == GRID1


def test_a_bad_code_is_refused_with_a_chinese_message(login, admin_user):
    r = login(admin_user).post(
        f"/units/{GRID1}/children/", {"code": "123", "name": "坏"}, follow=True
    )
    assert "必须以上级代码" in r.content.decode() or "应为 18 位数字" in r.content.decode()
    assert not Unit.objects.filter(name="坏").exists()


def test_a_chief_cannot_change_the_tree(login, dashihao):
    r = login(dashihao).post(f"/units/{GRID1}/children/", {"code": GRID1 + "007", "name": "x"})
    assert r.status_code == 403
    assert not Unit.objects.filter(code=GRID1 + "007").exists()


def test_a_sysadmin_moves_a_hamlet_through_the_page(login, admin_user, unit):
    hamlet = unit(GRID1 + "004")
    r = login(admin_user).post(f"/units/{hamlet.code}/move/", {"new_parent": GRID2})
    hamlet.refresh_from_db()
    assert r.status_code == 302 and r.url == f"/units/{hamlet.code}/"
    assert hamlet.parent.code == GRID2
    assert Unit.objects.filter(code__startswith=XIAOSHIHAO).count() == 4
