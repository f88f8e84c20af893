"""On a phone: the supervisor publishes the month's financial disclosure, then a villager finds
it on the village board, signs up with a one-time code and asks a question under it."""

import datetime as dt

import pytest

from zhicun.accounts.models import User
from zhicun.demo.district import DAISHIHAO, HAMLET_A
from zhicun.disclosure import services
from zhicun.disclosure.models import Comment, Direction, Status
from zhicun.notify.models import Message
from zhicun.portal.models import Villager
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

pytestmark = pytest.mark.browser

PASSWORD = "Nongjia@2026"


@pytest.fixture
def disclosure_in_review(browser_district):
    village = Unit.objects.get(code=DAISHIHAO)
    chief = User.objects.get(username="dashihao")
    first = dt.date.today().replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    services.ledger_entry_add(
        by=chief,
        unit=village,
        date=last_month.replace(day=5),
        direction=Direction.EXPENSE,
        category="公益支出",
        item="自来水管网维修",
        amount=412_000,
        voucher="记-05",
    )
    pub = services.finance_disclosure_generate(
        by=chief, unit=village, year=last_month.year, month=last_month.month
    )
    services.publication_submit(by=chief, publication=pub)
    return pub


@pytest.fixture
def resident(browser_district):
    home = factories.household(Unit.objects.get(code=HAMLET_A), "赵桂芳", head_sex="2")
    return home.head


def test_supervisor_publishes_and_a_villager_signs_up_and_asks(
    phone, sign_in, live_server, disclosure_in_review, resident
):
    pub = disclosure_in_review
    sign_in(phone, "jiandu")
    phone.goto(f"{live_server.url}/disclosure/{pub.pk}/")
    phone.click("text=审核通过并发布")
    phone.wait_for_load_state()
    assert "已发布" in phone.content()
    pub.refresh_from_db()
    assert pub.status == Status.PUBLISHED
    phone.click("button.navbar-toggler")
    phone.click("text=退出")
    phone.wait_for_load_state()

    phone.goto(f"{live_server.url}/p/{DAISHIHAO}/")
    assert phone.locator("h1").inner_text() == "大十号村"
    phone.click(f"text={pub.title}")
    phone.wait_for_load_state()
    assert "4,120.00" in phone.content()
    phone.click("text=注册")
    phone.wait_for_load_state()
    phone.fill("#id_name", resident.name)
    phone.fill("#id_id_number", resident.id_number)
    phone.fill("#id_phone", "13904740123")
    phone.click("text=获取验证码")
    phone.wait_for_load_state()
    assert "139****0123" in phone.content()
    sent = [m for m in Message.objects.all() if m.address == "13904740123"]  # encrypted at rest
    code = sent[0].body.split("验证码是 ")[1][:6]
    phone.fill("#id_code", code)
    phone.fill("#id_password", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.click("text=完成注册")
    phone.wait_for_load_state()
    assert f"{resident.name}，您好" in phone.content()
    assert Villager.objects.get().person == resident

    phone.click("text=本村公开栏")
    phone.wait_for_load_state()
    phone.click(f"text={pub.title}")
    phone.wait_for_load_state()
    phone.fill("#comment-body", "水管维修修的是哪一段？")
    phone.click("text=提交留言")
    phone.wait_for_load_state()
    assert "留言已发布" in phone.content()
    assert "水管维修修的是哪一段？" in phone.content()
    assert Comment.objects.get().author.villager.person == resident
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
