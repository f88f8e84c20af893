"""The staff menu: grouped in dropdowns, one row on a 1366-wide desk, folded on a phone."""

import pytest

pytestmark = pytest.mark.browser

# The staff with the longest menus.
ACCOUNTS = ["jining", "malianqu", "jiandu", "dashihao", "collector1"]

TOP = "#nav > .navbar-nav > .nav-item > .nav-link"
GROUP = "#nav > .navbar-nav > .nav-item.dropdown"
# How many lines of text each element matching a selector takes.
LINES = """selector => [...document.querySelectorAll(selector)].map(el => {
  const style = getComputedStyle(el);
  const text = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return Math.round(text / parseFloat(style.lineHeight));
})"""


def _open(page, link, live_server):
    """Click a menu link: its page opens (区划与网格 leads on to the user's own unit)."""
    href = link.get_attribute("href")
    with page.expect_navigation() as navigation:
        link.click()
    assert navigation.value.status == 200, href
    assert page.url.startswith(f"{live_server.url}{href}")
    return href


@pytest.mark.parametrize("name", ACCOUNTS)
def test_the_menu_fits_one_row_of_a_desk_and_each_group_opens(desk, sign_in, live_server, name):
    sign_in(desk, name)
    tops = [desk.locator(TOP).nth(i).bounding_box() for i in range(desk.locator(TOP).count())]
    assert len(tops) >= 5 and desk.locator(GROUP).count() >= 3
    assert len({box["y"] for box in tops}) == 1  # no entry wrapped onto a second row
    assert desk.evaluate(LINES, TOP) == [1] * len(tops)  # nor its label onto a second line
    account = desk.locator("#nav > .d-flex").bounding_box()
    assert account["y"] < tops[0]["y"] + tops[0]["height"]  # the name and 退出 share the row
    assert desk.locator("nav.navbar").bounding_box()["height"] < 2 * tops[0]["height"]

    for g in range(desk.locator(GROUP).count()):
        group = desk.locator(GROUP).nth(g)
        toggle = group.locator(".dropdown-toggle")
        item = group.locator(".dropdown-item").last
        assert not item.is_visible()
        toggle.click()
        href = _open(desk, item, live_server)
        # The page marks its group, and itself inside the group.
        assert (
            desk.locator(f"{GROUP} > .dropdown-toggle.active").inner_text() == toggle.inner_text()
        )
        assert group.locator(".dropdown-item.active").get_attribute("href") == href
    plain = "#nav > .navbar-nav > .nav-item:not(.dropdown) > .nav-link"
    for i in range(desk.locator(plain).count()):
        href = _open(desk, desk.locator(plain).nth(i), live_server)
        assert desk.locator(f"{plain}.active").get_attribute("href") == href
        assert desk.locator(f"{GROUP} > .dropdown-toggle.active").count() == 0


def test_a_group_opens_inside_the_phone_menu(phone, sign_in, live_server):
    sign_in(phone, "dashihao")
    group = phone.locator(GROUP).filter(has_text="民情诉求")
    assert not group.is_visible()  # folded behind the toggler
    phone.click("button.navbar-toggler")
    group.locator(".dropdown-toggle").click()
    item = group.locator(".dropdown-item", has_text="工作指令")
    assert item.is_visible()
    assert _open(phone, item, live_server) == "/cases/instructions/"
