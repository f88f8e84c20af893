"""The city generator: exact sizes, valid and unique ID numbers encrypted at rest, usable data."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zhicun.accounts.roles import Role
from zhicun.cases.models import Case, CaseEvent, State
from zhicun.cases.services import next_number
from zhicun.lib import crypto
from zhicun.lib.idnumber import parse_id_number
from zhicun.ops.bulk import BulkWriter
from zhicun.ops.population import CITY, REMARK, split_persons
from zhicun.registry.models import ACTIVE, Household, Move, Person, Visit
from zhicun.registry.search import filter_persons
from zhicun.units.models import Kind, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    out = StringIO()
    call_command("generate_population", persons=2500, seed=7, jobs=1, stdout=out)
    return out.getvalue()


def test_it_makes_exactly_the_persons_asked_for_in_a_unit_tree(city):
    assert Person.objects.filter(residence__in=ACTIVE).count() == 2500
    assert "2500 人" in city
    villages = Unit.objects.filter(kind=Kind.VILLAGE, code__startswith=CITY[0])
    assert villages.count() == 2  # 400–1800 persons a village
    for unit in Unit.objects.filter(remark=REMARK):
        assert unit.parent is not None and unit.code.startswith(unit.parent.code)
    hamlets = Unit.objects.filter(kind=Kind.HAMLET, remark=REMARK)
    assert set(Person.objects.values_list("hamlet", flat=True)) <= set(
        hamlets.values_list("pk", flat=True)
    )


def test_it_gives_every_household_a_head_and_realistic_sizes(city):
    households = Household.objects.all()
    assert households.filter(head__isnull=True).count() == 0
    for household in households[:200]:
        assert household.head.household_id == household.pk
        assert household.head.relation == "02"
    ratio = Person.objects.filter(residence__in=ACTIVE).count() / households.count()
    assert 2.5 < ratio < 3.3


def test_id_numbers_are_valid_unique_and_encrypted_at_rest(city):
    persons = Person.objects.filter(residence__in=ACTIVE)
    numbers = [p.id_number for p in persons]
    assert len(set(numbers)) == len(numbers)
    for person in persons:
        info = parse_id_number(person.id_number)  # check digit and birth date
        assert (info.birth_date, info.sex) == (person.birth_date, person.sex)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_hash, phone FROM registry_person LIMIT 50")
        for stored, hashed, phone in cursor.fetchall():
            assert crypto.is_encrypted(stored)
            assert hashed == crypto.blind_index(crypto.decrypt(stored))
            assert not phone or crypto.is_encrypted(phone)
    person = Person.objects.filter(residence__in=ACTIVE).first()
    assert Person.objects.get(id_number=person.id_number) == person  # the blind index finds it


def test_it_records_moves_visits_and_a_year_of_cases_with_their_history(city):
    assert Move.objects.exists() and Visit.objects.exists()
    cases = Case.objects.all()
    assert cases.count() == 250  # 0.1 a person
    assert cases.filter(state=State.CLOSED).count() > cases.count() / 2
    for case in cases.filter(state__in=[State.ACCEPTED, State.IN_PROGRESS]):
        assert case.deadline is not None and case.light == case.current_light()
    for case in cases[:50]:
        steps = list(case.events.values_list("to_state", flat=True))
        assert steps[0] == State.REPORTED and steps[-1] == case.state
    assert CaseEvent.objects.count() >= cases.count()


def test_case_numbers_continue_after_the_generated_ones(city):
    latest = Case.objects.order_by("-reported_at").first()
    number = next_number(latest.origin_code, latest.reported_at)
    assert not Case.objects.filter(number=number).exists()


def test_generated_staff_can_search_their_village(city):
    village = Unit.objects.filter(kind=Kind.VILLAGE, remark=REMARK).first()
    chief = village.posts.get(role=Role.CHIEF).user
    qs, form = filter_persons(chief, {})
    assert form.is_valid()
    assert (
        qs.count()
        == Person.objects.filter(
            hamlet__code__startswith=village.code, residence__in=ACTIVE
        ).count()
    )
    assert not chief.has_usable_password()


def test_it_refuses_to_generate_the_same_city_twice(city):
    with pytest.raises(CommandError, match="已存在"):
        call_command("generate_population", persons=100, seed=7, jobs=1, stdout=StringIO())
    assert Person.objects.filter(residence__in=ACTIVE).count() == 2500


def test_it_refuses_bad_sizes(db):
    with pytest.raises(CommandError, match="至少"):
        call_command("generate_population", persons=10, stdout=StringIO())
    assert not Unit.objects.exists()


def test_village_sizes_add_up():
    import random

    for total in (50, 1800, 1801, 99_999):
        sizes = split_persons(total, random.Random(total))
        assert sum(sizes) == total
        assert len(sizes) == 1 or all(400 <= s <= 1800 for s in sizes)


def test_the_bulk_writer_stores_what_save_would(unit, collector1):
    from zhicun.demo.district import HAMLET_A

    hamlet = unit(HAMLET_A)
    household = Household(number="X1", hamlet=hamlet, phone="13800000001", tags=["dibao"])
    person = Person(
        household=household,
        hamlet=hamlet,
        name="王小明",
        id_number="11010519491231002X",
        sex="2",
        birth_date="1949-12-31",
        relation="02",
        phone="13800000002",
        groups=["wubao", "alone"],
    )
    household.head = person
    writer = BulkWriter()
    writer.reserve_ids(Household, [household])
    writer.reserve_ids(Person, [person])
    household.head_id = person.pk
    writer.write(Household, [household])
    writer.write(Person, [person])
    stored = Person.objects.get(pk=person.pk)
    assert stored.id_number == "11010519491231002X"
    assert stored.groups == ["wubao", "alone"]
    assert Person.objects.get(id_number="11010519491231002X") == stored
    assert Household.objects.get(pk=household.pk).head == stored
    assert Household.objects.get(phone="13800000001").tags == ["dibao"]
    assert stored.created_at is not None and stored.created_at == person.created_at
    assert stored.id_number_hash == crypto.blind_index("11010519491231002X")
    assert stored.phone_hash == person.phone_hash == crypto.blind_index("13800000002")


@pytest.mark.django_db(transaction=True)
def test_processes_side_by_side_never_collide(district):
    if connection.vendor != "postgresql":
        pytest.skip("several writers need PostgreSQL")
    call_command("generate_population", persons=2500, seed=3, jobs=2, stdout=StringIO())
    active = Person.objects.filter(residence__in=ACTIVE)
    assert active.count() == 2500
    assert active.values("id_number_hash").distinct().count() == 2500
    assert Case.objects.values("number").distinct().count() == Case.objects.count() == 250
