import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import GRID1, GRID2, HAMLET_A
from zhicun.lib.idnumber import make_id_number
from zhicun.lib.versioning import ConflictError
from zhicun.registry import services
from zhicun.registry.models import Household, Person
from zhicun.registry.tests import factories

HEAD = {"name": "王建设", "id_number": make_id_number("150902", datetime.date(1965, 3, 8), 11)}


def test_it_creates_a_household_with_its_head_and_history(collector1, unit):
    h = services.household_create(
        by=collector1, hamlet=unit(HAMLET_A), head=HEAD, address="一组 5 号"
    )
    h.refresh_from_db()
    assert h.head.name == "王建设" and h.head.relation == "02"
    assert h.number == f"{HAMLET_A}0001"
    assert h.head.hamlet_id == h.hamlet_id
    assert AuditEvent.objects.filter(object_type="registry.household", action="create").count() == 1
    assert AuditEvent.objects.filter(object_type="registry.person", action="create").count() == 1


def test_a_collector_cannot_register_in_another_hamlet(collector1, unit):
    with pytest.raises(PermissionDenied):
        services.household_create(by=collector1, hamlet=unit(GRID1 + "002"), head=HEAD)
    assert not Household.objects.exists()


def test_a_bad_head_writes_nothing(collector1, unit):
    with pytest.raises(ValidationError):
        services.household_create(
            by=collector1, hamlet=unit(HAMLET_A), head={"name": "王", "id_number": "123"}
        )
    assert not Household.objects.exists() and not Person.objects.exists()


def test_an_update_records_old_and_new_values(collector1, unit):
    h = factories.household(unit(HAMLET_A))
    services.household_update(by=collector1, household=h, version=h.version, phone="13812345678")
    event = AuditEvent.objects.for_object(h).get(action="update")
    assert event.details["changes"]["phone"] == ["", "138****5678"]


def test_the_second_of_two_concurrent_editors_is_told(collector1, unit):
    h = factories.household(unit(HAMLET_A))
    first, second = Household.objects.get(pk=h.pk), Household.objects.get(pk=h.pk)
    services.household_update(by=collector1, household=first, version=1, address="甲")
    with pytest.raises(ConflictError):
        services.household_update(by=collector1, household=second, version=1, address="乙")
    h.refresh_from_db()
    assert h.address == "甲" and h.version == 2


def test_changing_the_head_without_rederiving_keeps_relations(collector1, unit):
    h = factories.household(unit(HAMLET_A), "李老汉")
    son = factories.person(h, "李强", birth=(1988, 1, 1), relation="20")
    services.household_set_head(by=collector1, household=h, person=son)
    h.refresh_from_db()
    son.refresh_from_db()
    old = Person.objects.get(name="李老汉")
    assert h.head == son and son.relation == "02"
    assert old.relation == "97"


def test_changing_the_head_to_a_son_rederives_when_asked(collector1, unit):
    h = factories.household(unit(HAMLET_A), "李老汉")
    wife = factories.person(h, "王秀英", birth=(1962, 1, 1), sex="2", relation="12")
    son = factories.person(h, "李强", birth=(1988, 1, 1), relation="20")
    daughter = factories.person(h, "李红", birth=(1985, 1, 1), sex="2", relation="30")
    dil = factories.person(h, "赵丽", birth=(1990, 1, 1), sex="2", relation="38")
    review = services.household_set_head(by=collector1, household=h, person=son, rederive=True)
    rel = {p.name: p.relation for p in Person.objects.filter(household=h)}
    assert rel == {"李强": "02", "李老汉": "51", "王秀英": "52", "李红": "75", "赵丽": "12"}
    assert review == []
    assert {wife.pk, daughter.pk, dil.pk}


def test_splitting_a_household(collector1, unit):
    h = factories.household(unit(HAMLET_A), "李老汉")
    son = factories.person(h, "李强", birth=(1988, 1, 1), relation="20")
    dil = factories.person(h, "赵丽", birth=(1990, 1, 1), sex="2", relation="38")
    new = services.household_split(by=collector1, household=h, members=[son, dil], head=son)
    son.refresh_from_db()
    dil.refresh_from_db()
    assert new.head == son and son.household == new and dil.household == new
    assert new.hamlet == h.hamlet and new.number != h.number
    assert h.members.count() == 1


def test_the_head_cannot_be_split_off(collector1, unit):
    h = factories.household(unit(HAMLET_A), "李老汉")
    factories.person(h, "李强", birth=(1988, 1, 1), relation="20")
    with pytest.raises(ValidationError):
        services.household_split(by=collector1, household=h, members=[h.head], head=h.head)


def test_transfer_into_another_household_keeps_history(grid1, unit):
    a = factories.household(unit(HAMLET_A), "李老汉")
    b = factories.household(unit(GRID1 + "002"), "王大山")
    daughter = factories.person(a, "李红", birth=(1995, 1, 1), sex="2", relation="30")
    services.person_transfer(by=grid1, person=daughter, to_household=b, relation="38")
    daughter.refresh_from_db()
    assert daughter.household == b and daughter.hamlet == b.hamlet and daughter.relation == "38"
    event = AuditEvent.objects.for_object(daughter).get(action="update")
    assert a.number in event.details["note"]


def test_a_manager_cannot_transfer_into_the_other_grid(grid1, unit):
    a = factories.household(unit(HAMLET_A), "李老汉")
    b = factories.household(unit(GRID2 + "001"), "王大山")
    daughter = factories.person(a, "李红", birth=(1995, 1, 1), sex="2", relation="30")
    with pytest.raises(PermissionDenied):
        services.person_transfer(by=grid1, person=daughter, to_household=b, relation="38")
    daughter.refresh_from_db()
    assert daughter.household == a
