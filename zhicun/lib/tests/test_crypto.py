import base64

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from zhicun.demo.district import HAMLET_A
from zhicun.lib import crypto
from zhicun.registry.models import Person
from zhicun.registry.tests import factories

NEW_KEY = "k2:" + base64.b64encode(b"n" * 32).decode()


@pytest.fixture(autouse=True)
def _fresh_keys():
    crypto._keys.cache_clear()
    yield
    crypto._keys.cache_clear()


@pytest.mark.parametrize("cipher", ["aes", "sm4"])
def test_values_round_trip(settings, cipher):
    settings.ZHICUN_CIPHER = cipher
    stored = crypto.encrypt("150902196203143338")
    assert stored.startswith(cipher + "$") and "150902196203143338" not in stored
    assert crypto.decrypt(stored) == "150902196203143338"
    assert crypto.encrypt("150902196203143338") != stored  # a fresh nonce each time


@pytest.mark.parametrize("cipher", ["aes", "sm4"])
def test_many_values_encrypt_each_with_its_own_nonce(settings, cipher):
    settings.ZHICUN_CIPHER = cipher
    stored = crypto.encrypt_many(["150902196203143338", "", "13812345678", "13812345678"])
    assert stored[1] == ""
    assert [crypto.decrypt(s) for s in stored] == ["150902196203143338", "", *["13812345678"] * 2]
    assert stored[2] != stored[3]
    assert all(s.startswith(cipher + "$") for s in stored if s)


def test_many_keyed_hashes_match_one_at_a_time():
    values = ["150902196203143338", "", "13812345678"]
    assert crypto.blind_indexes(values) == [crypto.blind_index(v) for v in values]


def test_a_tampered_value_is_refused():
    stored = crypto.encrypt("13812345678")
    raw = bytearray(base64.b64decode(stored.split("$")[2]))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("aes$dev$" + base64.b64encode(bytes(raw)).decode())


def _raw(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM registry_person WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_no_plain_id_number_or_phone(unit):
    h = factories.household(unit(HAMLET_A), "张三", phone="13812345678")
    head = h.head
    head.phone = "13912345678"
    head.save()
    assert head.id_number not in _raw("id_number", head.pk)
    assert "13912345678" not in _raw("phone", head.pk)
    assert Person.objects.get(pk=head.pk).id_number == head.id_number


def test_lookups_by_value_still_work(unit):
    h = factories.household(unit(HAMLET_A), "张三", phone="13812345678")
    head = h.head
    assert Person.objects.get(id_number=head.id_number) == head
    assert list(Person.objects.filter(id_number__in=[head.id_number, "x"])) == [head]
    assert Person.objects.filter(household__phone="13812345678").get() == head
    assert not Person.objects.filter(id_number="150902196203143338").exists()


def test_uniqueness_holds_on_the_keyed_hash(unit):
    h = factories.household(unit(HAMLET_A), "张三")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.person(h, "重复", birth=h.head.birth_date, id_number=h.head.id_number)


def test_rotation_re_encrypts_with_the_new_key(unit, settings):
    h = factories.household(unit(HAMLET_A), "张三")
    settings.ZHICUN_DATA_KEYS = [NEW_KEY, *settings.ZHICUN_DATA_KEYS]
    crypto._keys.cache_clear()
    assert _raw("id_number", h.head.pk).split("$")[1] == "dev"
    call_command("rotate_data_keys", stdout=__import__("io").StringIO())
    assert _raw("id_number", h.head.pk).split("$")[1] == "k2"
    settings.ZHICUN_DATA_KEYS = [NEW_KEY]
    crypto._keys.cache_clear()
    assert Person.objects.get(pk=h.head.pk).id_number == h.head.id_number
