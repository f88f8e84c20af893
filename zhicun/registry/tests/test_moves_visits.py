import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from zhicun.demo.district import HAMLET_A
from zhicun.registry import services
from zhicun.registry.models import Move
from zhicun.registry.tests import factories

TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0), tick=False):
        yield


@pytest.fixture
def son(unit):
    h = factories.household(unit(HAMLET_A), "李老汉")
    return factories.person(h, "李强", birth=(1998, 1, 1), relation="20")


def test_going_out_to_work_makes_the_person_away(collector1, son):
    services.move_record(
        by=collector1, person=son, kind="out", date=TODAY, reason="work", to_place="呼和浩特"
    )
    son.refresh_from_db()
    assert son.residence == "away_work"
    assert Move.objects.get(person=son).to_place == "呼和浩特"


def test_going_out_to_study_makes_the_person_a_student_away(collector1, son):
    services.move_record(
        by=collector1, person=son, kind="out", date=TODAY, reason="study", to_place="集宁"
    )
    son.refresh_from_db()
    assert son.residence == "away_study"


def test_returning_makes_the_person_resident_again(collector1, son):
    services.move_record(
        by=collector1, person=son, kind="out", date=TODAY, reason="work", to_place="北京"
    )
    services.move_record(by=collector1, person=son, kind="return", date=TODAY, reason="family")
    son.refresh_from_db()
    assert son.residence == "resident" and son.moves.count() == 2


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "out", "reason": "work", "to_place": ""}, "to_place"),
        ({"kind": "in", "reason": "work", "from_place": ""}, "from_place"),
        ({"kind": "return", "reason": "work"}, "kind"),
        (
            {
                "kind": "out",
                "reason": "work",
                "to_place": "京",
                "date": TODAY + datetime.timedelta(days=1),
            },
            "date",
        ),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(collector1, son, data, field):
    data.setdefault("date", TODAY)
    with pytest.raises(ValidationError) as e:
        services.move_record(by=collector1, person=son, **data)
    assert field in e.value.message_dict
    son.refresh_from_db()
    assert son.residence == "resident" and not Move.objects.exists()


def test_a_visit_updates_the_last_visit_date_only_forward(collector1, son):
    h = son.household
    services.visit_record(by=collector1, household=h, date=TODAY, kind="routine", findings="正常")
    services.visit_record(
        by=collector1,
        household=h,
        date=TODAY - datetime.timedelta(days=30),
        kind="key",
        findings="补录",
    )
    h.refresh_from_db()
    assert h.last_visited_on == TODAY and h.visits.count() == 2


def test_a_visit_needs_findings(collector1, son):
    with pytest.raises(ValidationError):
        services.visit_record(
            by=collector1, household=son.household, date=TODAY, kind="routine", findings=" "
        )
    assert not son.household.visits.exists()


def test_marking_a_death_keeps_the_person(collector1, son):
    services.person_mark_dead(by=collector1, person=son, date=TODAY)
    son.refresh_from_db()
    assert son.residence == "dead" and son.died_on == TODAY


def test_the_head_cannot_be_marked_dead_while_others_remain(collector1, son):
    with pytest.raises(ValidationError):
        services.person_mark_dead(by=collector1, person=son.household.head, date=TODAY)


def test_moving_away_records_a_move(collector1, son):
    services.person_mark_moved_out(by=collector1, person=son, date=TODAY, to_place="集宁区新华街")
    son.refresh_from_db()
    assert son.residence == "moved_out" and son.moves.get().kind == "out"
