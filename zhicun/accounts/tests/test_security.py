"""Account and session policy: passwords, lockout, timeouts, password age, second factor."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicun.accounts.models import User, UserSession
from zhicun.audit.models import AuditEvent

PASSWORD = "Zhicun@2026"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab1!", "至少需要 8 个字符"),
        ("abcdefgh1", "至少三类"),
        ("Dashihao#2026", "不能包含用户名"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(dashihao, password, message):
    with pytest.raises(ValidationError) as e:
        validate_password(password, dashihao)
    assert any(message in m for m in e.value.messages)


def test_the_last_five_passwords_cannot_be_reused(dashihao):
    history = ["Grassland#01", "Grassland#02", "Grassland#03", "Grassland#04", "Grassland#05"]
    for pw in history:
        dashihao.set_password(pw)
        dashihao.save()
    with pytest.raises(ValidationError):
        validate_password("Grassland#02", dashihao)
    validate_password(PASSWORD, dashihao)  # six changes ago: allowed again


def test_five_failures_lock_the_account_and_are_audited(client, dashihao):
    for _ in range(5):
        sign_in(client, "dashihao", "wrong")
    r = sign_in(client, "dashihao")
    assert r.status_code == 429 and "已暂时锁定" in r.content.decode()
    assert AuditEvent.objects.filter(action="login_failed").count() >= 5
    assert AuditEvent.objects.filter(action="lockout").exists()
    assert not AuditEvent.objects.filter(action="login", actor=dashihao).exists()


def test_a_lockout_also_applies_by_client_address(client, dashihao, grid1):
    for n in range(5):
        sign_in(client, f"nobody{n}", "wrong")
    assert sign_in(client, "grid1").status_code == 429
    other = Client(REMOTE_ADDR="10.1.1.9")
    assert sign_in(other, "grid1").status_code == 302


def test_the_security_administrator_unlocks(client, dashihao, secadmin):
    for _ in range(5):
        sign_in(client, "dashihao", "wrong")
    admin = Client()
    admin.force_login(secadmin)
    r = admin.post("/accounts/security/unlock/", {"username": "dashihao"})
    assert r.status_code == 302
    assert sign_in(client, "dashihao").status_code == 302
    assert AuditEvent.objects.filter(action="unlock", actor=secadmin).exists()


def test_only_the_security_administrator_unlocks(login, admin_user):
    assert login(admin_user).get("/accounts/security/").status_code == 403


def test_an_idle_session_ends_after_thirty_minutes(client, dashihao):
    start = datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, "dashihao")
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        r = client.get("/")
    assert r.status_code == 302 and r.url.startswith("/accounts/login/")


def test_a_session_ends_after_twelve_hours_however_active(client, dashihao):
    start = datetime.datetime(2026, 11, 28, 0, 0, tzinfo=datetime.UTC)
    for minutes in range(0, 12 * 60, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            if minutes == 0:
                sign_in(client, "dashihao")
            assert client.get("/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=12, minutes=5), tick=False):
        assert client.get("/").status_code == 302


def test_an_old_password_must_be_changed(client, dashihao, settings):
    settings.ZHICUN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=dashihao.pk).update(
        password_changed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    sign_in(client, "dashihao")
    r = client.get("/")
    assert r.status_code == 302 and r.url == "/accounts/password/"
    r = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "Steppe&Wind9", "new_password2": "Steppe&Wind9"},
    )
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_changing_the_password_ends_other_sessions(dashihao):
    phone, desk = Client(), Client(REMOTE_ADDR="10.0.0.2")
    sign_in(phone, "dashihao")
    sign_in(desk, "dashihao")
    assert UserSession.objects.filter(user=dashihao).count() == 2
    desk.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "Steppe&Wind9", "new_password2": "Steppe&Wind9"},
    )
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 200


def test_disabling_an_account_ends_its_sessions(dashihao, secadmin):
    phone = Client()
    sign_in(phone, "dashihao")
    admin = Client()
    admin.force_login(secadmin)
    admin.post(f"/accounts/security/users/{dashihao.pk}/", {"action": "disable"})
    dashihao.refresh_from_db()
    assert not dashihao.is_active
    assert phone.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="user.disable").exists()


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_required_second_factor_enrols_and_then_verifies(client, dashihao, settings):
    settings.ZHICUN_REQUIRE_2FA = True
    sign_in(client, "dashihao")
    r = client.get("/")
    assert r.status_code == 302 and r.url == "/accounts/otp/setup/"
    client.get("/accounts/otp/setup/")
    device = TOTPDevice.objects.get(user=dashihao)
    r = client.post("/accounts/otp/setup/", {"token": _code(device)})
    codes = r.context["codes"]
    assert len(codes) == 10
    assert client.get("/").status_code == 200

    fresh = Client()
    sign_in(fresh, "dashihao")
    assert fresh.get("/").url == "/accounts/otp/verify/"
    assert fresh.post("/accounts/otp/verify/", {"token": "000000"}).status_code == 200
    assert AuditEvent.objects.filter(action="otp.verify_failed").count() == 1
    # A failure throttles the devices for a moment; a recovery code works once after that.
    with time_machine.travel(datetime.timedelta(seconds=10)):
        r = fresh.post("/accounts/otp/verify/", {"token": codes[0]})
        assert r.status_code == 302 and fresh.get("/").status_code == 200
        again = Client()
        sign_in(again, "dashihao")
        assert again.post("/accounts/otp/verify/", {"token": codes[0]}).status_code == 200


def test_a_second_factor_is_optional_in_demo_mode(client, dashihao, settings):
    settings.ZHICUN_REQUIRE_2FA = False
    sign_in(client, "dashihao")
    assert client.get("/").status_code == 200


def test_disabling_an_account_revokes_its_api_tokens(dashihao, secadmin):
    from zhicun.api.models import ApiToken
    from zhicun.api.services import token_issue

    token_issue(user=dashihao, name="脚本")
    admin = Client()
    admin.force_login(secadmin)
    admin.post(f"/accounts/security/users/{dashihao.pk}/", {"action": "disable"})
    assert not ApiToken.objects.filter(user=dashihao, revoked_at__isnull=True).exists()


def test_the_api_token_endpoint_shares_the_lockout_and_answers_json(client, dashihao):
    for _ in range(5):
        r = client.post(
            "/api/v1/auth/token",
            {"username": "dashihao", "password": "wrong"},
            content_type="application/json",
        )
    r = client.post(
        "/api/v1/auth/token",
        {"username": "dashihao", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 429
    assert "锁定" in r.json()["detail"]


def test_a_login_that_is_not_json_is_refused_before_authentication(client, dashihao):
    r = client.generic(
        "POST",
        "/api/v1/auth/token",
        b'{"username": "dashihao", "password": "Zhicun@2026"}',
        content_type="multipart/form-data",
    )
    assert r.status_code == 415
    assert not AuditEvent.objects.filter(action__startswith="login").exists()
