"""The village chief at a desk: open "more conditions" and narrow a person search with one."""

import pytest

from zhicun.demo.district import HAMLET_A
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

pytestmark = pytest.mark.browser


@pytest.fixture
def villagers(browser_district):
    hamlet = Unit.objects.get(code=HAMLET_A)
    home = factories.household(hamlet, "张三")
    factories.person(home, "张小燕", birth=(2001, 3, 3), sex="2", relation="30")
    factories.person(home, "张小军", birth=(2003, 4, 4), relation="30", groups=["disabled"])


def test_the_chief_narrows_a_search_with_a_condition_behind_more_conditions(
    desk, sign_in, live_server, villagers
):
    sign_in(desk, "dashihao")
    desk.goto(f"{live_server.url}/registry/search/")
    desk.wait_for_selector("#results >> text=共 3 人")
    assert desk.locator("#id_group_0").count() == 0  # loaded only when first opened
    desk.click("text=更多条件")
    desk.wait_for_selector("#id_group_0")
    desk.check("#advanced >> text=残疾人")
    desk.wait_for_selector("#results >> text=共 1 人")
    assert "张小军" in desk.locator("#results").inner_text()
    assert "group=disabled" in desk.url
    # Coming back to the address shows the panel open, with the condition ticked.
    desk.goto(desk.url)
    assert desk.locator("#advanced").get_attribute("class") == "collapse show"
    assert desk.is_checked("#advanced >> text=残疾人")
