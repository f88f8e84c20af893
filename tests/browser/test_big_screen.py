"""The command centre in a real browser: drill-down on a desk, the 1920×1080 big screen."""

import pytest

from zhicun.registry.tests import factories
from zhicun.units.models import Unit

pytestmark = pytest.mark.browser

HAMLET_A = "150902200201001001"


@pytest.fixture
def villagers(browser_district):
    hamlet = Unit.objects.get(code=HAMLET_A)
    for i in range(3):
        h = factories.household(hamlet, head_name=f"王{i}", head_birth=(1950 + 15 * i, 1, 1))
        factories.person(h, f"李{i}", birth=(1980 + 10 * i, 2, 1), sex="2", relation="10")


@pytest.fixture
def wall(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda e: blocked.append(str(e)))
    yield page
    context.close()
    assert blocked == []


def test_the_district_drills_down_to_the_village(desk, sign_in, live_server, villagers):
    sign_in(desk, "jining")
    desk.goto(f"{live_server.url}/dashboard/")
    assert desk.url.endswith("/dashboard/150902/")
    desk.click("#children >> text=马莲渠乡")
    desk.click("#children >> text=大十号村")
    assert desk.url.endswith("/dashboard/150902200201/")
    assert desk.locator(".breadcrumb").inner_text().split() == ["集宁区", "马莲渠乡", "大十号村"]
    desk.wait_for_selector("[data-chart=pyramid] canvas")


def test_the_big_screen_fits_the_wall_without_scrolling(
    wall, sign_in, live_server, villagers, tmp_path
):
    sign_in(wall, "jining")
    wall.goto(f"{live_server.url}/dashboard/150902/screen/")
    wall.wait_for_selector("[data-chart=support] canvas")
    size = wall.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size[0] <= 1920 and size[1] <= 1080
    assert wall.locator("[data-chart] canvas").count() == 6
    assert wall.locator("[data-figure=persons] .stat-figure").inner_text() == "6"
    wall.screenshot(path=str(tmp_path / "big-screen.png"))
    assert (tmp_path / "big-screen.png").stat().st_size > 10_000
