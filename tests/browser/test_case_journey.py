"""A case from a phone report to closing: collector1 reports it, 大十号村 accepts and escalates
it, the township command centre accepts and resolves it, the village replies, records the
villager's rating and closes it."""

import re

import pytest

pytestmark = pytest.mark.browser


def act(page, action, note="", **fields):
    page.click(f"#btn-{action}")
    page.locator(f"#act-{action}.show").wait_for()  # opened, not still unfolding
    form = page.locator(f"#form-{action}")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    if note:
        form.locator("textarea[name=note]").fill(note)
    with page.expect_navigation():  # the next step reads the page the action leads to
        form.locator("button[type=submit]").click()


def test_a_case_travels_from_a_phone_report_to_closed(phone, desks, sign_in, live_server):
    from zhicun.cases.defaults import ensure_defaults

    ensure_defaults()

    sign_in(phone, "collector1")
    phone.goto(f"{live_server.url}/cases/new/")
    phone.fill("#id_title", "东梁村口路灯不亮")
    phone.fill("#id_description", "村口三盏路灯不亮，夜间出行不便")
    phone.select_option("#id_category", label="环境卫生 / 垃圾清运")
    phone.select_option("#id_source", label="电话反映")
    phone.fill("#id_reporter_name", "王大娘")
    with phone.expect_navigation():
        phone.click("#submit-case")
    number = phone.locator("#case-number").inner_text()
    assert re.fullmatch(r"150902-\d{8}-\d{4}", number)
    assert phone.locator("#case-state").inner_text() == "待受理"
    case_url = f"{live_server.url}/cases/{number}/"

    def as_user(username):
        page = desks()
        sign_in(page, username)
        page.goto(case_url)
        return page

    village = as_user("dashihao")
    act(village, "accept")
    assert village.locator("#case-state").inner_text() == "已受理"
    act(village, "escalate", note="涉及线路改造，村里无法解决")
    assert village.locator("#case-state").inner_text() == "待上级受理"
    assert "马莲渠乡" in village.locator("#case-unit").inner_text()

    township = as_user("malianqu")
    act(township, "accept")
    act(township, "resolve", result="乡供电所已更换线路和灯具")
    assert township.locator("#case-state").inner_text() == "已办结"

    village.goto(case_url)
    act(village, "reply", note="已电话告知王大娘", method="电话告知")
    act(village, "rate", rating="满意")
    act(village, "close")
    assert village.locator("#case-state").inner_text() == "已结案"
    timeline = village.locator("#timeline").inner_text()
    for step in ("上报", "受理", "上报上级", "办结", "回复村民", "记录评价", "结案"):
        assert step in timeline
