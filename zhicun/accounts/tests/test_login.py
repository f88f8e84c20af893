import pytest

from zhicun.audit.models import AuditEvent


def test_the_login_page_is_in_chinese(client, district):
    r = client.get("/accounts/login/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "用户名" in body and "密码" in body and 'name="username"' in body


def test_it_logs_in_and_audits(client, dashihao):
    r = client.post("/accounts/login/", {"username": "dashihao", "password": "Zhicun@2026"})
    assert r.status_code == 302 and r.url == "/"
    event = AuditEvent.objects.get(action="login")
    assert event.actor == dashihao and event.success and event.ip == "127.0.0.1"


def test_a_wrong_password_is_refused_in_chinese_and_audited(client, dashihao):
    r = client.post("/accounts/login/", {"username": "dashihao", "password": "wrong"})
    assert r.status_code == 200
    assert "用户名或密码错误" in r.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert not event.success and event.actor == dashihao
    assert "wrong" not in str(event.details)


def test_logout_is_audited(login, dashihao):
    client = login(dashihao)
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=dashihao).exists()


def test_the_home_page_needs_a_login(client, district):
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    "name, shown, hidden",
    [
        ("admin", ["区划管理", "账号与岗位"], ["审计日志"]),
        ("auditor", ["审计日志"], ["账号与岗位", "区划与网格"]),
        ("dashihao", ["区划与网格"], ["审计日志", "账号与岗位"]),
    ],
)
def test_navigation_follows_the_role(login, django_user_model, district, name, shown, hidden):
    body = login(django_user_model.objects.get(username=name)).get("/").content.decode()
    for label in shown:
        assert label in body
    for label in hidden:
        assert label not in body


def test_the_home_shows_the_users_posts(login, baocun):
    body = login(baocun).get("/").content.decode()
    assert "大十号村 · 网格指导员" in body and "小十号村 · 网格指导员" in body
