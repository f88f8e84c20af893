import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.jobs import services
from zhicun.jobs.models import EventKind, JobEvent, Placement

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


def test_it_changes_the_persons_employment_and_audits_it(opening, villagers, dashihao):
    person = villagers["driver"]
    services.placement_create(
        by=dashihao,
        opening=opening,
        person=person,
        start_date=datetime.date(2026, 12, 1),
        end_date=datetime.date(2027, 3, 15),
        monthly_income=330_000,
        today=TODAY,
    )
    person.refresh_from_db()
    assert person.employment == "local"
    assert person.employer == "集宁滑雪场"
    assert person.version == 2
    event = AuditEvent.objects.get(object_type="registry.person", object_id=str(person.pk))
    assert event.details["changes"]["employment"] == ["none", "local"]
    assert event.actor == dashihao
    assert JobEvent.objects.get().kind == EventKind.PLACEMENT


def test_it_resets_the_employment_when_the_person_leaves(opening, villagers, dashihao):
    person = villagers["plain"]
    placement = services.placement_create(
        by=dashihao,
        opening=opening,
        person=person,
        start_date=datetime.date(2026, 12, 1),
        today=TODAY,
    )
    services.placement_end(
        by=dashihao,
        placement=placement,
        end_date=datetime.date(2026, 12, 20),
        today=datetime.date(2026, 12, 21),
    )
    person.refresh_from_db()
    placement.refresh_from_db()
    assert placement.end_date == datetime.date(2026, 12, 20)
    assert person.employment == "none" and person.employer == ""


def test_it_refuses_an_overlapping_placement(opening, villagers, dashihao):
    person = villagers["plain"]
    services.placement_create(
        by=dashihao,
        opening=opening,
        person=person,
        start_date=datetime.date(2026, 12, 1),
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        services.placement_create(
            by=dashihao,
            opening=opening,
            person=person,
            start_date=datetime.date(2027, 1, 1),
            today=TODAY,
        )
    assert Placement.objects.count() == 1


def test_it_refuses_to_place_someone_from_another_village(opening, outsider, dashihao):
    with pytest.raises(PermissionDenied):
        services.placement_create(
            by=dashihao, opening=opening, person=outsider, start_date=TODAY, today=TODAY
        )
    outsider.refresh_from_db()
    assert outsider.employment == "none"
    assert Placement.objects.count() == 0


def test_it_requires_a_legal_reason_for_a_sex_requirement(employer, jining):
    with pytest.raises(ValidationError) as e:
        services.opening_create(
            by=jining,
            employer=employer,
            position="保洁",
            headcount=2,
            wage=250_000,
            season_start=TODAY,
            sex="2",
        )
    assert "sex_reason" in e.value.message_dict


def test_placing_and_leaving_show_in_the_persons_history(opening, villagers, baocun):
    # The instructor may place people though he may not edit the register.
    from zhicun.registry.history import timeline

    person = villagers["plain"]
    placement = services.placement_create(
        by=baocun, opening=opening, person=person, start_date=TODAY, today=TODAY
    )
    services.placement_end(
        by=baocun,
        placement=placement,
        end_date=datetime.date(2026, 12, 20),
        today=datetime.date(2026, 12, 21),
    )
    person.refresh_from_db()
    assert person.employment == "none" and person.version == 3
    left, placed = timeline(person)[:2]
    assert placed["note"] == f"就业安置：{opening}"
    assert ("就业状况", "未就业", "本地务工") in placed["changes"]
    assert left["note"] == f"离岗：{opening}"
    assert ("就业单位", "集宁滑雪场", "（空）") in left["changes"]
    assert {left["actor"], placed["actor"]} == {baocun.username}
