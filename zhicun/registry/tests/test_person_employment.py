"""person_set_employment: only the employment changes, with a new version and an audit row
that the person's history shows; other apps pass their own permission, checked in scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import HAMLET_A
from zhicun.registry import services
from zhicun.registry.history import timeline
from zhicun.registry.models import Person
from zhicun.registry.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(unit):
    return factories.household(unit(HAMLET_A), "王秀英").head


def employ(by, person, **kw):
    args = {
        "employment": "local",
        "employer": "集宁滑雪场",
        "work_place": "白泉山",
        "note": "就业安置：集宁滑雪场 · 雪道维护",
    }
    return services.person_set_employment(by=by, person=person, **{**args, **kw})


def test_it_sets_the_employment_with_a_new_version_and_history(collector1, person):
    employ(collector1, person)
    stored = Person.objects.get(pk=person.pk)
    assert (stored.employment, stored.employer, stored.work_place) == (
        "local",
        "集宁滑雪场",
        "白泉山",
    )
    assert stored.version == 2 and person.version == 2
    event = AuditEvent.objects.for_object(person).get(action="update")
    assert event.actor == collector1
    assert event.details == {
        "changes": {
            "employment": ["none", "local"],
            "employer": ["", "集宁滑雪场"],
            "work_place": ["", "白泉山"],
        },
        "note": "就业安置：集宁滑雪场 · 雪道维护",
    }
    entry = timeline(person)[0]
    assert entry["note"] == "就业安置：集宁滑雪场 · 雪道维护"
    assert ("就业状况", "未就业", "本地务工") in entry["changes"]
    assert ("就业单位", "（空）", "集宁滑雪场") in entry["changes"]


def test_it_changes_nothing_else(collector1, person):
    before = Person.objects.get(pk=person.pk).to_dict()
    employ(collector1, person)
    after = Person.objects.get(pk=person.pk).to_dict()
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"employment", "employer", "work_place"}


def test_it_cuts_long_names_to_the_field_length(collector1, person):
    employ(collector1, person, employer="甲" * 150, work_place="乙" * 150)
    stored = Person.objects.get(pk=person.pk)
    assert stored.employer == "甲" * 100 and stored.work_place == "乙" * 100


def test_an_unchanged_employment_leaves_no_audit_row(collector1, person):
    employ(collector1, person)
    employ(collector1, Person.objects.get(pk=person.pk))
    assert AuditEvent.objects.for_object(person).filter(action="update").count() == 1


def test_it_refuses_an_unknown_employment_and_changes_nothing(collector1, person):
    with pytest.raises(ValidationError) as e:
        employ(collector1, person, employment="astronaut")
    assert e.value.message_dict == {"employment": ["就业状况不正确"]}
    stored = Person.objects.get(pk=person.pk)
    assert stored.employment == "none" and stored.version == 1
    assert not AuditEvent.objects.for_object(person).exists()


def test_it_refuses_someone_outside_the_actors_units(xiaoshihao, person):
    with pytest.raises(PermissionDenied):
        employ(xiaoshihao, person, perm="jobs.edit")
    assert Person.objects.get(pk=person.pk).employment == "none"


def test_the_callers_permission_decides(baocun, person):
    # The instructor may not edit the register, but may place people in jobs.
    with pytest.raises(PermissionDenied):
        employ(baocun, person)
    employ(baocun, person, perm="jobs.edit")
    assert Person.objects.get(pk=person.pk).employment == "local"
