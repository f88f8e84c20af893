"""collector1 on a phone: find a household by pinyin initials, record a visit and a move."""

import pytest

from zhicun.demo.district import HAMLET_A
from zhicun.registry.models import Household, Move, Visit
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

pytestmark = pytest.mark.browser


@pytest.fixture
def households(browser_district):
    hamlet = Unit.objects.get(code=HAMLET_A)
    home = factories.household(hamlet, "张三")
    factories.person(home, "张小燕", birth=(2001, 3, 3), sex="2", relation="30")
    factories.household(hamlet, "李四")
    return home


def test_collector_finds_a_household_and_records_a_visit_and_a_move(
    phone, sign_in, live_server, households
):
    sign_in(phone, "collector1")
    phone.goto(f"{live_server.url}/registry/households/")
    phone.fill("#q", "zs")
    phone.wait_for_selector("#results >> text=共 1 户")
    phone.click("#results >> text=张三")
    phone.wait_for_load_state()
    assert "张三户" in phone.locator("h1").inner_text()

    phone.fill("#id_findings", "冬季取暖正常，老人身体健康")
    phone.click("text=保存走访")
    phone.wait_for_load_state()
    assert "走访已记录" in phone.content()
    households.refresh_from_db()
    assert Visit.objects.filter(household=households).count() == 1
    assert households.last_visited_on is not None

    phone.click("text=张小燕")
    phone.wait_for_load_state()
    phone.click("text=登记流动")
    phone.wait_for_load_state()
    phone.select_option("#id_kind", "out")
    phone.select_option("#id_reason", "work")
    phone.fill("#id_to_place", "呼和浩特市")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert "流动情况已登记" in phone.content()
    move = Move.objects.get()
    assert move.person.name == "张小燕" and move.to_place == "呼和浩特市"
    assert Household.objects.count() == 2
