import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhicun.accounts.logins import villager_username
from zhicun.notify.models import Message
from zhicun.portal import services
from zhicun.portal.models import SignupCode, Villager
from zhicun.registry.choices import Residence
from zhicun.registry.tests import factories

PASSWORD = "Nongjia@2026"


@pytest.fixture
def person(hamlet):
    return factories.household(hamlet, head_name="王秀兰", head_birth=(1975, 6, 1)).head


def ask(person, **kw):
    values = {"phone": "13912345678", "name": person.name, "id_number": person.id_number}
    values.update(kw)
    return services.signup_request_code(**values)


def test_it_sends_a_code_and_creates_the_account_tied_to_the_person(person, village):
    record = ask(person)
    message = Message.objects.get()
    assert message.address == "13912345678" and record.plain_code in message.body
    assert record.plain_code not in record.code_hash
    user = services.signup_confirm(signup=record, code=record.plain_code, password=PASSWORD)
    # The account is named by a keyed hash of the phone, not by the phone itself.
    assert user.username == villager_username("13912345678") != "13912345678"
    assert user.phone == "13912345678" and user.check_password(PASSWORD)
    villager = Villager.objects.get(user=user)
    assert villager.person == person and villager.village == village
    assert villager.household == person.household
    assert user.is_villager


def test_it_refuses_a_wrong_name_without_saying_whether_the_id_exists(person):
    with pytest.raises(ValidationError) as error:
        ask(person, name="王秀英")
    assert error.value.messages == [services.NO_MATCH]
    assert not SignupCode.objects.exists()


def test_it_refuses_a_dead_person(person):
    person.residence = Residence.DEAD
    person.died_on = dt.date(2025, 1, 1)
    person.save()
    with pytest.raises(ValidationError) as error:
        ask(person)
    assert error.value.messages == [services.NO_MATCH]


def test_it_refuses_a_second_account_for_the_same_person(person):
    record = ask(person)
    services.signup_confirm(signup=record, code=record.plain_code, password=PASSWORD)
    with pytest.raises(ValidationError, match="已注册"):
        ask(person, phone="13800001111")
    assert Villager.objects.count() == 1


def test_it_refuses_a_bad_id_number_and_phone(person):
    with pytest.raises(ValidationError) as error:
        ask(person, id_number="150902197506011234", phone="12345")
    assert "phone" in error.value.message_dict


def test_it_limits_how_often_codes_are_sent(person):
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False) as clock:
        ask(person)
        with pytest.raises(ValidationError, match="秒后再试"):
            ask(person)
        for _ in range(4):
            clock.shift(dt.timedelta(minutes=2))
            ask(person)
        clock.shift(dt.timedelta(minutes=2))
        with pytest.raises(ValidationError, match="次数过多"):
            ask(person)
    assert SignupCode.objects.count() == 5


def test_it_counts_wrong_codes_and_gives_up_after_five(person):
    record = ask(person)
    for _ in range(5):
        with pytest.raises(ValidationError):
            services.signup_confirm(signup=record, code="000000x", password=PASSWORD)
    record.refresh_from_db()
    assert record.attempts == 5
    with pytest.raises(ValidationError, match="次数过多"):
        services.signup_confirm(signup=record, code=record.plain_code, password=PASSWORD)
    assert not Villager.objects.exists()


def test_it_refuses_an_expired_code(person):
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, tzinfo=dt.UTC), tick=False) as clock:
        record = ask(person)
        clock.shift(dt.timedelta(minutes=11))
        with pytest.raises(ValidationError, match="过期"):
            services.signup_confirm(signup=record, code=record.plain_code, password=PASSWORD)


def test_the_pages_sign_a_villager_up_and_in(client, person):
    r = client.post(
        "/p/signup/",
        {"phone": "139 1234 5678", "name": person.name, "id_number": person.id_number},
    )
    assert r.status_code == 302 and r.url == "/p/signup/confirm/"
    body = Message.objects.get().body
    code = body.split("验证码是 ")[1][:6]
    r = client.post(
        "/p/signup/confirm/", {"code": code, "password": PASSWORD, "password2": PASSWORD}
    )
    assert r.status_code == 302 and r.url == "/p/me/"
    assert client.get("/p/me/").status_code == 200
    assert Villager.objects.get().phone == "13912345678"


def test_the_page_shows_the_refusal(client, person):
    r = client.post(
        "/p/signup/", {"phone": "13912345678", "name": "别人", "id_number": person.id_number}
    )
    assert r.status_code == 200
    assert services.NO_MATCH in r.content.decode()
