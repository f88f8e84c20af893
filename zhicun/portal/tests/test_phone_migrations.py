"""The migrations that encrypt phones: undone, they put the plain numbers (and villagers'
phone-number usernames) back; done again, they encrypt what was plain and rename the villagers
and the lockout records that named them."""

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from zhicun.accounts.logins import villager_username
from zhicun.accounts.models import User
from zhicun.notify.models import Channel, Message
from zhicun.portal.models import SignupCode, Villager
from zhicun.portal.tests.factories import villager

BEFORE = [("accounts", "0003_security"), ("portal", "0001_initial"), ("notify", "0001_initial")]
AFTER = [
    ("accounts", "0004_encrypt_user_phone"),
    ("portal", "0002_encrypt_phones"),
    ("notify", "0002_encrypt_message_address"),
]
PHONE, STAFF_PHONE, STRANGER = "13912345678", "13704741234", "13800009999"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def raw(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] if len(row) == 1 else row for row in cursor.fetchall()]


def attempt(username):
    AccessAttempt.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )


@pytest.mark.django_db(transaction=True)
def test_the_phone_migrations_undo_and_redo(hamlet, dashihao):
    me = villager(hamlet, phone=PHONE)
    me.set_password("Nongjia@2026")
    me.save()
    SignupCode.objects.create(
        phone=PHONE,
        person=me.villager.person,
        code_hash="x",
        expires_at=me.villager.verified_at,
        used_at=me.villager.verified_at,
    )
    dashihao.phone = STAFF_PHONE
    dashihao.save()
    Message.objects.create(channel=Channel.SMS, address=STAFF_PHONE, subject="督办", body="请办理")
    attempt(me.username)
    try:
        migrate(BEFORE)
        assert raw("SELECT phone FROM portal_villager") == [PHONE]
        assert raw("SELECT phone FROM portal_signupcode") == [PHONE]
        assert raw(f"SELECT phone FROM accounts_user WHERE id = {dashihao.pk}") == [STAFF_PHONE]
        assert raw("SELECT address FROM notify_message") == [STAFF_PHONE]
        assert raw(f"SELECT username FROM accounts_user WHERE id = {me.pk}") == [PHONE]
        assert raw("SELECT username FROM axes_accessattempt") == [PHONE]
        with connection.cursor() as cursor:  # a failed login by a number nobody has
            cursor.execute(
                "INSERT INTO axes_accessattempt (username, ip_address, user_agent, http_accept,"
                " path_info, attempt_time, get_data, post_data, failures_since_start)"
                " VALUES (%s, '10.0.0.2', 't', '*/*', '/', %s, '', '', 1)",
                [STRANGER, me.villager.verified_at],
            )
    finally:
        migrate(AFTER)
    dump = "\n".join(
        map(
            repr,
            raw("SELECT phone, phone_hash FROM portal_villager")
            + raw("SELECT phone, phone_hash FROM portal_signupcode")
            + raw("SELECT username, phone, phone_hash FROM accounts_user")
            + raw("SELECT address FROM notify_message")
            + raw("SELECT username FROM axes_accessattempt"),
        )
    )
    for number in (PHONE, STAFF_PHONE, STRANGER):
        assert number not in dump
    assert User.objects.get(pk=me.pk).username == villager_username(PHONE)
    assert Villager.objects.get(phone=PHONE).user_id == me.pk
    assert SignupCode.objects.get(phone=PHONE).person_id == me.villager.person_id
    assert User.objects.get(phone=STAFF_PHONE) == dashihao
    assert Message.objects.get().address == STAFF_PHONE
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
        villager_username(PHONE),
        villager_username(STRANGER),
    }
    r = Client().post("/accounts/login/", {"username": PHONE, "password": "Nongjia@2026"})
    assert r.status_code == 302
