"""Villagers' phone numbers are personal data: no table holds one in plain text, yet villagers
sign up and sign in with them, and failed logins by phone lock that villager's account."""

import base64
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection
from django.test import Client

from zhicun.accounts.logins import login_username, villager_username
from zhicun.accounts.models import User
from zhicun.accounts.services import user_create
from zhicun.lib import crypto
from zhicun.notify.models import Message
from zhicun.notify.services import notify_users
from zhicun.portal.models import SignupCode, Villager
from zhicun.portal.tests.factories import villager
from zhicun.registry.tests import factories

PASSWORD = "Nongjia@2026"
PHONE = "13912345678"
STAFF_PHONE = "13704741234"


def dump_database() -> str:
    """Every row of every table as text, the way someone holding a copy of the database sees it."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def sign_up(client, hamlet, phone=PHONE):
    person = factories.household(hamlet, head_name="王秀兰", head_birth=(1975, 6, 1)).head
    client.post("/p/signup/", {"phone": phone, "name": person.name, "id_number": person.id_number})
    code = Message.objects.get().body.split("验证码是 ")[1][:6]
    r = client.post(
        "/p/signup/confirm/", {"code": code, "password": PASSWORD, "password2": PASSWORD}
    )
    assert r.status_code == 302 and r.url == "/p/me/"
    return User.objects.get(villager__person=person)


def test_no_table_holds_a_villagers_staff_or_outbox_phone_in_plain_text(settings, hamlet, dashihao):
    settings.ZHICUN_NOTIFY_CHANNELS = ["sms", "log"]
    sign_up(Client(), hamlet)
    assert sign_in(Client(), "139 1234 5678").status_code == 302
    assert sign_in(Client(), PHONE, "wrong").status_code == 200
    assert sign_in(Client(), "13800009999", "wrong").status_code == 200  # nobody's
    admin = {"username": PHONE, "password": "wrong", "next": "/django-admin/"}
    assert Client().post("/django-admin/login/", admin).status_code == 200
    api = {"username": PHONE, "password": "wrong"}
    assert (
        Client().post("/api/v1/auth/token", api, content_type="application/json").status_code == 401
    )
    user_create(
        by=dashihao, username="wangli", full_name="王丽", password=PASSWORD, phone=STAFF_PHONE
    )
    staff = User.objects.get(username="wangli")
    notify_users(users=[staff], subject="新事件待受理", body="东梁路灯不亮")
    # The rows are there, readable through the models …
    assert Villager.objects.get().phone == SignupCode.objects.get().phone == PHONE
    assert set(Message.objects.filter(channel="sms").values_list("address", flat=True)) == {
        PHONE,
        STAFF_PHONE,
    }
    # … but the database holds none of the numbers.
    dump = dump_database()
    for number in (PHONE, STAFF_PHONE, "13800009999", "139 1234 5678"):
        assert number not in dump
    assert AccessAttempt.objects.filter(username=villager_username("13800009999")).exists()


def test_a_villager_signs_in_with_the_phone_number(client, hamlet):
    user = sign_up(Client(), hamlet)
    assert user.username == villager_username(PHONE)
    for typed in (PHONE, "139-1234-5678", "+8613912345678", user.username):
        fresh = Client()
        assert sign_in(fresh, typed).status_code == 302
        assert int(fresh.session["_auth_user_id"]) == user.pk
    assert sign_in(client, PHONE, "wrong").status_code == 200


def test_failed_logins_by_phone_lock_the_villagers_account(hamlet, secadmin):
    me = villager(hamlet, phone=PHONE)
    me.set_password(PASSWORD)
    me.save()
    for _ in range(5):
        sign_in(Client(), PHONE, "wrong")
    # Locked, whether the number or the username is typed, and from another address too.
    assert sign_in(Client(), PHONE).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="10.1.1.9"), PHONE).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {me.username}
    admin = Client()
    admin.force_login(secadmin)
    page = admin.get("/accounts/security/").content.decode()
    assert "139****5678" in page and PHONE not in page
    found = admin.get("/accounts/security/", {"q": PHONE}).content.decode()
    assert "139****5678" in found and me.full_name in found
    admin.post(f"/accounts/security/users/{me.pk}/", {"action": "unlock"})
    assert sign_in(Client(), PHONE).status_code == 302


def test_a_phone_can_register_one_account_only(hamlet):
    villager(hamlet, phone=PHONE)
    person = factories.household(hamlet, head_name="李四", head_birth=(1980, 1, 1)).head
    r = Client().post(
        "/p/signup/", {"phone": PHONE, "name": person.name, "id_number": person.id_number}
    )
    assert "该手机号已注册账号" in r.content.decode()


def test_staff_usernames_cannot_be_phone_numbers(dashihao):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        user_create(by=dashihao, username=PHONE, full_name="王丽", password=PASSWORD)
    assert "手机号" in error.value.message_dict["username"][0]


def test_an_existing_staff_account_named_by_digits_keeps_its_login(district):
    User.objects.create_user(username="13800001111", password=PASSWORD)
    assert login_username("13800001111") == "13800001111"
    assert sign_in(Client(), "13800001111").status_code == 302


def test_rotating_the_keys_re_encrypts_the_new_fields_and_villagers_still_sign_in(
    settings, hamlet, dashihao
):
    settings.ZHICUN_NOTIFY_CHANNELS = ["sms"]
    user = sign_up(Client(), hamlet)
    dashihao.phone = STAFF_PHONE
    dashihao.save()
    notify_users(users=[dashihao], subject="新事件", body="内容")
    columns = [
        ("accounts_user", "phone"),
        ("portal_villager", "phone"),
        ("portal_signupcode", "phone"),
        ("notify_message", "address"),
    ]

    def key_ids():
        ids = set()
        with connection.cursor() as cursor:
            for table, column in columns:
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
                ids |= {(table, value.split("$")[1]) for (value,) in cursor.fetchall()}
        return ids

    assert key_ids() == {(table, "dev") for table, _ in columns}
    new_key = "k2:" + base64.b64encode(b"n" * 32).decode()
    settings.ZHICUN_DATA_KEYS = [new_key, *settings.ZHICUN_DATA_KEYS]
    settings.ZHICUN_INDEX_KEY = "index:rotated"
    crypto._keys.cache_clear()
    try:
        call_command("rotate_data_keys", stdout=StringIO())
        assert key_ids() == {(table, "k2") for table, _ in columns}
        settings.ZHICUN_DATA_KEYS = [new_key]
        crypto._keys.cache_clear()
        assert Villager.objects.get(phone=PHONE).user == user
        assert User.objects.get(phone=STAFF_PHONE) == dashihao
        assert SignupCode.objects.filter(phone=PHONE).count() == 1
        assert Message.objects.get(recipient=dashihao).address == STAFF_PHONE
        # The username still derives from the old index key; the phone finds it all the same.
        assert sign_in(Client(), PHONE).status_code == 302
    finally:
        crypto._keys.cache_clear()
