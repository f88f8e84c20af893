"""Deadlines and lights: acceptance starts the clock, escalation restarts it, extension moves
it, parking stops it; the light follows the stored columns in frozen time."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from zhicun.cases import services
from zhicun.cases.models import Case, Light
from zhicun.cases.tests.factories import category, move, report, urgency

TZ = ZoneInfo("Asia/Shanghai")


def at(m, d, h=0, mi=0, y=2026):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def light_of(case, now):
    return Case.objects.with_light(now).get(pk=case.pk).light_now


def test_it_counts_working_days_across_a_weekend_with_a_make_up_sunday(collector1, dashihao):
    with time_machine.travel(at(9, 18, 16), tick=False):  # Friday
        case = move(report(collector1, category=category("垃圾清运")), dashihao, "accept")
    # Saturday 9-19 rests, Sunday 9-20 is a 调休 working day: Sun, Mon, Tue.
    assert case.deadline == at(9, 22, 16)


def test_it_counts_across_national_day_and_the_make_up_saturday(collector1, dashihao):
    with time_machine.travel(at(9, 30, 10), tick=False):
        case = move(report(collector1), dashihao, "accept")
    # 10-01…10-07 are holidays; 10-08 and 10-09 work; Saturday 10-10 is a make-up day.
    assert case.deadline == at(10, 10, 10)
    # Yellow when 75 % of the 3 working days (54 h of working time) have passed.
    assert case.yellow_at == at(10, 9, 16)
    assert light_of(case, at(10, 9, 15, 59)) == Light.GREEN
    assert light_of(case, at(10, 9, 16)) == Light.YELLOW
    assert light_of(case, at(10, 10, 10)) == Light.YELLOW
    assert light_of(case, at(10, 10, 10, 1)) == Light.RED
    assert case.current_light(at(10, 10, 10, 1)) == Light.RED


def test_it_uses_calendar_hours_for_urgent_cases(collector1, dashihao):
    with time_machine.travel(at(11, 28, 22), tick=False):  # Saturday night
        case = move(report(collector1, category=category("危房险情")), dashihao, "accept")
    assert case.urgency.name == "紧急"
    assert case.deadline == at(11, 29, 4)
    assert case.yellow_at == at(11, 29, 2, 30)


def test_it_stops_the_clock_when_parked_and_resumes_with_the_remaining_time(collector1, dashihao):
    with time_machine.travel(at(11, 23, 9), tick=False):  # Monday
        case = move(report(collector1), dashihao, "accept")
    assert case.deadline == at(11, 26, 9)
    with time_machine.travel(at(11, 24, 9), tick=False):
        move(case, dashihao, "park")
    assert case.deadline is None and case.paused_remaining == dt.timedelta(days=2)
    assert light_of(case, at(11, 30)) == Light.NONE
    with time_machine.travel(at(11, 27, 9), tick=False):  # Friday
        move(case, dashihao, "resume")
    assert case.deadline == at(12, 1, 9)  # Friday + Monday + Tuesday 09:00


def test_it_moves_the_deadline_by_an_approved_extension(collector1, dashihao, baocun):
    with time_machine.travel(at(11, 23, 9), tick=False):
        case = move(report(collector1), dashihao, "accept")
        services.case_transition(
            case=case,
            action="request_extension",
            by=dashihao,
            note="等待材料",
            extension=dt.timedelta(days=2),
        )
        move(case, baocun, "approve_extension")
    assert case.deadline == at(11, 30, 9)  # Thursday + Friday, Monday
    assert case.clock_limit == dt.timedelta(days=5)


def test_it_starts_a_new_clock_when_the_upper_level_accepts(collector1, dashihao, malianqu):
    with time_machine.travel(at(11, 23, 9), tick=False):
        case = move(report(collector1), dashihao, "accept", "escalate")
    assert case.deadline is None
    with time_machine.travel(at(11, 24, 14), tick=False):
        services.case_transition(
            case=case, action="accept", by=malianqu, urgency=urgency("complex"), note=""
        )
    case.refresh_from_db()
    assert case.urgency.name == "复杂"
    assert case.clock_started_at == at(11, 24, 14)
    assert case.deadline == at(12, 3, 14)  # 7 working days


def test_it_records_whether_a_case_was_resolved_on_time(collector1, dashihao):
    with time_machine.travel(at(11, 23, 9), tick=False):
        early = move(report(collector1), dashihao, "accept")
        late = move(report(collector1), dashihao, "accept")
    with time_machine.travel(at(11, 25, 9), tick=False):
        move(early, dashihao, "resolve", result="已处理")
    with time_machine.travel(at(11, 27, 9), tick=False):
        move(late, dashihao, "resolve", result="已处理")
    assert (early.resolved_on_time, late.resolved_on_time) == (True, False)
    assert light_of(late, at(11, 28)) == Light.NONE
