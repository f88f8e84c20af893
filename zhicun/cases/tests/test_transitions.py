"""Every transition in the table: legal from its source states, refused from all others."""

import datetime as dt

import pytest

from zhicun.audit.models import AuditEvent
from zhicun.cases import services
from zhicun.cases.models import Case, CaseEvent, Rating, ReplyMethod, State
from zhicun.cases.services import TRANSITIONS, CaseError
from zhicun.cases.tests.factories import move, report
from zhicun.demo.district import DAISHIHAO, GRID1
from zhicun.units.models import Unit

EXTRA = {
    "assign": lambda: {"unit": Unit.objects.get(code=GRID1)},
    "request_extension": lambda: {"extension": dt.timedelta(days=2)},
    "resolve": lambda: {"result": "已处理"},
    "reply": lambda: {"method": ReplyMethod.PHONE},
    "rate": lambda: {"rating": Rating.UNSATISFIED},
}

# How to bring a fresh case (reported in hamlet A, handled by 大十号村) to each state.
PATHS = {
    State.REPORTED: [],
    State.RETURNED: ["return_info"],
    State.ESCALATED: ["accept", "escalate"],
    State.ACCEPTED: ["accept"],
    State.IN_PROGRESS: ["accept", "start"],
    State.PARKED: ["accept", "park"],
    State.RESOLVED: ["accept", "resolve"],
    State.REPLIED: ["accept", "resolve", "reply"],
    State.RATED: ["accept", "resolve", "reply", "rate"],
    State.CLOSED: ["accept", "resolve", "reply", "rate", "close"],
}


def _bring(case, by, state):
    for action in PATHS[state]:
        extra = EXTRA.get(action, lambda: {})()
        services.case_transition(case=case, action=action, by=by, note="说明", **extra)
    case.refresh_from_db()
    assert case.state == state
    return case


CASES = [
    (action, state)
    for action in TRANSITIONS
    for state in PATHS
    if action not in ("approve_extension", "refuse_extension", "hand_back")
]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_it_allows_exactly_the_table_and_refuses_the_rest(
    action, state, collector1, dashihao, malianqu
):
    case = _bring(report(collector1), dashihao, state)
    actor = malianqu if state == State.ESCALATED else dashihao
    if action == "supervise":
        actor = malianqu
    # A resolved case closes only after the reply and rating (instructions excepted).
    legal = state in TRANSITIONS[action].sources and (action, state) != ("close", State.RESOLVED)
    version = case.version
    events = CaseEvent.objects.filter(case=case).count()
    extra = EXTRA.get(action, lambda: {})()
    if legal:
        services.case_transition(case=case, action=action, by=actor, note="说明", **extra)
        case.refresh_from_db()
        target = TRANSITIONS[action].target or state
        assert case.state == target
        assert case.version == version + 1
        assert CaseEvent.objects.filter(case=case).count() == events + 1
        assert AuditEvent.objects.filter(action=f"case.{action}", object_id=str(case.pk)).exists()
    else:
        with pytest.raises(CaseError) as e:
            services.case_transition(case=case, action=action, by=actor, note="说明", **extra)
        assert "不能" in e.value.message or "才能" in e.value.message
        case.refresh_from_db()
        assert (case.state, case.version) == (state, version)
        assert CaseEvent.objects.filter(case=case).count() == events


def test_it_approves_and_refuses_extensions_only_from_the_level_above(
    collector1, dashihao, baocun, malianqu
):
    case = move(report(collector1), dashihao, "accept")
    with pytest.raises(CaseError):
        services.case_transition(case=case, action="approve_extension", by=malianqu)
    deadline = case.deadline
    services.case_transition(
        case=case,
        action="request_extension",
        by=dashihao,
        note="需要协调",
        extension=dt.timedelta(days=2),
    )
    with pytest.raises(CaseError) as e:
        services.case_transition(case=case, action="approve_extension", by=dashihao)
    assert "无权" in e.value.message
    services.case_transition(case=case, action="approve_extension", by=baocun)
    case.refresh_from_db()
    assert case.deadline > deadline and case.extension_count == 1
    services.case_transition(
        case=case,
        action="request_extension",
        by=dashihao,
        note="再延",
        extension=dt.timedelta(days=1),
    )
    services.case_transition(case=case, action="refuse_extension", by=malianqu, note="不同意")
    case.refresh_from_db()
    assert case.extension_pending is None and case.extension_count == 1


def test_it_hands_an_escalated_case_back_down_with_instructions(collector1, dashihao, malianqu):
    case = move(report(collector1), dashihao, "accept", "escalate")
    move(case, malianqu, "accept")
    services.case_transition(case=case, action="hand_back", by=malianqu, note="请村里先行协调")
    case.refresh_from_db()
    assert (case.state, case.responsible_code) == (State.IN_PROGRESS, DAISHIHAO)
    with pytest.raises(CaseError):
        services.case_transition(case=case, action="hand_back", by=dashihao, note="再退")


def test_it_escalates_to_the_district_and_no_further(collector1, dashihao, malianqu, jining):
    case = move(report(collector1), dashihao, "accept", "escalate")
    move(case, malianqu, "accept", "escalate")
    assert case.responsible_code == "150902"
    move(case, jining, "accept")
    with pytest.raises(CaseError) as e:
        services.case_transition(case=case, action="escalate", by=jining, note="再上报")
    assert "最高层级" in e.value.message


def test_it_refuses_a_role_without_the_permission(collector1, jiandu, grid1):
    case = report(collector1)
    for user in (collector1, jiandu, grid1):
        with pytest.raises(CaseError) as e:
            services.case_transition(case=case, action="accept", by=user)
        assert "无权" in e.value.message
    assert Case.objects.get(pk=case.pk).state == State.REPORTED


def test_it_reopens_only_an_unsatisfied_case(collector1, dashihao):
    case = move(report(collector1), dashihao, "accept", "resolve", result="已处理")
    move(case, dashihao, "reply", method=ReplyMethod.PHONE)
    move(case, dashihao, "rate", rating=Rating.SATISFIED)
    with pytest.raises(CaseError):
        services.case_transition(case=case, action="reopen", by=dashihao, note="返工")
    other = move(report(collector1), dashihao, "accept", "resolve", result="已处理")
    move(other, dashihao, "reply", method=ReplyMethod.PHONE)
    move(other, dashihao, "rate", rating=Rating.UNSATISFIED)
    move(other, dashihao, "reopen")
    assert (other.state, other.reopen_count, other.rating) == (State.IN_PROGRESS, 1, "")
    assert other.deadline is not None
