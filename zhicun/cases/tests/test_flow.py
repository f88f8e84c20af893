"""The whole flow through the services, and the history it leaves."""

from zhicun.audit.models import AuditEvent
from zhicun.cases.models import CaseEvent, Rating, ReplyMethod, State
from zhicun.cases.tests.factories import MALIANQU, move, report


def test_it_walks_a_case_from_report_to_close(collector1, dashihao, malianqu):
    case = report(collector1)
    assert case.state == State.REPORTED
    move(case, dashihao, "accept", "start", "escalate")
    assert case.state == State.ESCALATED
    assert case.responsible_code == MALIANQU
    assert case.deadline is None
    move(case, malianqu, "accept")
    assert case.state == State.ACCEPTED and case.deadline is not None
    move(case, malianqu, "resolve", result="已更换灯泡")
    assert case.state == State.RESOLVED and case.resolved_on_time is True
    move(case, dashihao, "reply", method=ReplyMethod.PHONE)
    move(case, dashihao, "rate", rating=Rating.SATISFIED)
    move(case, dashihao, "close")
    assert case.state == State.CLOSED
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "report",
        "accept",
        "start",
        "escalate",
        "accept",
        "resolve",
        "reply",
        "rate",
        "close",
    ]
    assert (
        AuditEvent.objects.filter(action__startswith="case.", object_id=str(case.pk)).count() == 9
    )
    last = CaseEvent.objects.filter(case=case).last()
    assert (last.from_state, last.to_state, last.actor) == (State.RATED, State.CLOSED, dashihao)
