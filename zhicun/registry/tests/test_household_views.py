import datetime

import pytest

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import GRID1, GRID2, HAMLET_A, XIAOSHIHAO
from zhicun.lib.idnumber import make_id_number
from zhicun.registry.models import Household, Person, Visit
from zhicun.registry.tests import factories


@pytest.fixture
def home(unit):
    h = factories.household(unit(HAMLET_A), "张三", phone="13812345678")
    factories.person(h, "张小红", birth=(2000, 2, 2), sex="2", relation="30")
    return h


@pytest.fixture
def far(unit):
    return factories.household(unit(GRID2 + "001"), "刘二")


def test_the_list_shows_households_in_scope_only(login, grid1, home, far):
    r = login(grid1).get("/registry/households/")
    assert r.status_code == 200
    assert [h.pk for h in r.context["page"]] == [home.pk]
    assert r.context["page"].paginator.count == 1


def test_the_list_finds_a_household_by_the_heads_initials(login, collector1, home, unit):
    factories.household(unit(HAMLET_A), "李四")
    r = login(collector1).get("/registry/households/", {"q": "zs"})
    assert [h.pk for h in r.context["page"]] == [home.pk]


def test_the_detail_masks_the_phone_and_ids(login, collector1, home):
    body = login(collector1).get(f"/registry/households/{home.pk}/").content.decode()
    assert "138****5678" in body and "13812345678" not in body
    assert home.head.id_number not in body and home.head.masked_id in body


@pytest.mark.parametrize("who", ["grid2", "xiaoshihao", "admin", "auditor"])
def test_outsiders_get_404(login, django_user_model, home, who):
    user = django_user_model.objects.get(username=who)
    client = login(user)
    assert client.get(f"/registry/households/{home.pk}/").status_code in (404, 403)
    assert client.get(f"/registry/persons/{home.head.pk}/").status_code in (404, 403)


def test_another_grid_manager_gets_404_not_403(login, grid2, home):
    assert login(grid2).get(f"/registry/households/{home.pk}/").status_code == 404
    r = login(grid2).post(f"/registry/households/{home.pk}/visits/new/", {})
    assert r.status_code == 404


def test_a_collector_registers_a_household(login, collector1):
    number = make_id_number("150902", datetime.date(1970, 5, 5), 21)
    r = login(collector1).post(
        "/registry/households/new/",
        {
            "hamlet": HAMLET_A,
            "h-residence": "resident",
            "h-land_area": "12.5",
            "h-housing_safety": "safe",
            "p-name": "赵大海",
            "p-id_number": number,
            "p-ethnicity": "01",
            "p-political": "13",
            "p-religion": "none",
            "p-health": "1",
            "p-employment": "farming",
            "p-residence": "resident",
        },
    )
    h = Household.objects.get()
    assert r.status_code == 302 and r.url == f"/registry/households/{h.pk}/"
    assert h.head.name == "赵大海" and str(h.land_area) == "12.50"


def test_registration_errors_are_shown_in_chinese_and_nothing_is_written(login, collector1):
    r = login(collector1).post(
        "/registry/households/new/",
        {
            "hamlet": HAMLET_A,
            "h-residence": "resident",
            "h-land_area": "1",
            "h-housing_safety": "safe",
            "p-name": "赵大海",
            "p-id_number": "150902196203143339",
            "p-ethnicity": "01",
            "p-political": "13",
            "p-religion": "none",
            "p-health": "1",
            "p-employment": "farming",
            "p-residence": "resident",
        },
    )
    assert r.status_code == 200
    assert "校验位错误" in r.content.decode()
    assert not Household.objects.exists()


def test_a_collector_cannot_register_in_a_hamlet_outside_the_post(login, collector1):
    r = login(collector1).post(
        "/registry/households/new/",
        {
            "hamlet": GRID1 + "002",
            "h-residence": "resident",
            "h-land_area": "1",
            "h-housing_safety": "safe",
            "p-name": "赵大海",
            "p-id_number": make_id_number("150902", datetime.date(1970, 5, 5), 21),
            "p-ethnicity": "01",
            "p-political": "13",
            "p-religion": "none",
            "p-health": "1",
            "p-employment": "farming",
            "p-residence": "resident",
        },
    )
    assert r.status_code == 200 and "请选择您负责的自然村" in r.content.decode()
    assert not Household.objects.exists()


def test_a_supervisor_reads_but_cannot_edit(login, jiandu, home):
    client = login(jiandu)
    assert client.get(f"/registry/households/{home.pk}/").status_code == 200
    assert client.get(f"/registry/households/{home.pk}/edit/").status_code == 403


def test_a_collector_records_a_visit(login, collector1, home):
    r = login(collector1).post(
        f"/registry/households/{home.pk}/visits/new/",
        {"date": "2026-11-01", "kind": "routine", "findings": "家中取暖正常"},
    )
    assert r.status_code == 302
    home.refresh_from_db()
    assert home.last_visited_on == datetime.date(2026, 11, 1)
    assert Visit.objects.get().visitor == collector1


def test_editing_keeps_history_shown_on_the_page(login, collector1, home):
    client = login(collector1)
    r = client.post(
        f"/registry/households/{home.pk}/edit/",
        {
            "number": home.number,
            "address": "一组 8 号",
            "residence": "resident",
            "land_area": "3",
            "housing_safety": "safe",
            "phone": "13812345678",
            "version": home.version,
        },
    )
    assert r.status_code == 302
    body = client.get(f"/registry/households/{home.pk}/").content.decode()
    assert "一组 8 号" in body and "住址" in body and "修改" in body


def test_a_stale_edit_is_refused(login, collector1, home):
    client = login(collector1)
    data = {
        "number": home.number,
        "address": "甲",
        "residence": "resident",
        "land_area": "3",
        "housing_safety": "safe",
        "phone": "",
        "version": home.version,
    }
    client.post(f"/registry/households/{home.pk}/edit/", data)
    r = client.post(f"/registry/households/{home.pk}/edit/", {**data, "address": "乙"}, follow=True)
    assert "已被他人修改" in r.content.decode()
    home.refresh_from_db()
    assert home.address == "甲"


def test_adding_a_member(login, collector1, home):
    r = login(collector1).post(
        f"/registry/households/{home.pk}/members/new/",
        {
            "name": "张小军",
            "id_number": make_id_number("150902", datetime.date(2010, 1, 1), 31),
            "relation": "20",
            "ethnicity": "01",
            "political": "13",
            "religion": "none",
            "health": "1",
            "employment": "student",
            "residence": "resident",
        },
    )
    assert r.status_code == 302
    assert Person.objects.get(name="张小军").household == home


def test_the_person_page_offers_a_move_and_records_it(login, collector1, home):
    daughter = home.members.get(name="张小红")
    r = login(collector1).post(
        f"/registry/persons/{daughter.pk}/moves/new/",
        {"kind": "out", "date": "2026-11-20", "reason": "work", "to_place": "呼和浩特"},
    )
    assert r.status_code == 302
    daughter.refresh_from_db()
    assert daughter.residence == "away_work"


def test_ending_a_registration(login, collector1, home):
    daughter = home.members.get(name="张小红")
    r = login(collector1).post(
        f"/registry/persons/{daughter.pk}/end/",
        {"what": "moved_out", "date": "2026-11-01", "to_place": "集宁"},
    )
    assert r.status_code == 302
    daughter.refresh_from_db()
    assert daughter.residence == "moved_out"
    assert login(collector1).get(f"/registry/persons/{daughter.pk}/edit/").status_code == 403


def test_xiaoshihao_sees_its_own_households_only(login, xiaoshihao, home, unit):
    own = factories.household(unit(XIAOSHIHAO + "001001"), "孙一")
    r = login(xiaoshihao).get("/registry/households/")
    assert [h.pk for h in r.context["page"]] == [own.pk]


def test_the_history_of_a_person_is_shown(login, collector1, home):
    person = home.members.get(name="张小红")
    login(collector1).post(
        f"/registry/persons/{person.pk}/edit/",
        {
            "name": "张小红",
            "id_number": person.id_number,
            "ethnicity": "02",
            "political": "13",
            "religion": "none",
            "health": "1",
            "employment": "none",
            "version": person.version,
        },
    )
    body = login(collector1).get(f"/registry/persons/{person.pk}/").content.decode()
    assert "汉族 → " in body and "蒙古族" in body
    assert AuditEvent.objects.for_object(person).filter(action="update").count() == 1
