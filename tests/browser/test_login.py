import pytest

pytestmark = pytest.mark.browser


def test_a_chief_logs_in_on_a_phone_and_reaches_the_home_page(phone, sign_in, live_server):
    sign_in(phone, "dashihao")
    assert phone.url == f"{live_server.url}/"
    assert phone.locator("h1").inner_text() == "工作台"
    assert "大十号村 · 网格长" in phone.content()
    # Bootstrap is served: the phone-sized navbar collapses behind its toggler.
    assert phone.locator(".navbar-toggler").is_visible()


def test_a_wrong_password_stays_on_the_login_page(phone, sign_in):
    sign_in(phone, "dashihao", password="nope")
    assert "用户名或密码错误" in phone.content()
