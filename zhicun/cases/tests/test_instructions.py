"""Work instructions (网格长下达指令): one case per assignee on the same flow and lights."""

import datetime as dt

import pytest
from django.utils import timezone

from zhicun.cases import services
from zhicun.cases.models import Case, Source, State
from zhicun.cases.services import CaseError
from zhicun.cases.tests.factories import DAISHIHAO, GRID1, XIAOSHIHAO, category, move
from zhicun.units.models import Unit


def issue(by, **kw):
    kw.setdefault("title", "寒潮前走访五保户")
    kw.setdefault("content", "寒潮前走访全部五保户、空巢老人并检查取暖")
    kw.setdefault("unit", Unit.objects.get(code=DAISHIHAO))
    kw.setdefault("deadline", timezone.now() + dt.timedelta(days=2))
    kw.setdefault("category", category("上级交办"))
    return services.instruction_issue(by=by, **kw)


def test_it_creates_one_running_case_per_assignee(dashihao, grid1, collector1):
    instruction = issue(
        dashihao,
        target_units=[Unit.objects.get(code=GRID1), Unit.objects.get(code=DAISHIHAO + "002")],
        target_users=[collector1],
    )
    cases = list(instruction.cases.order_by("responsible_code", "id"))
    assert len(cases) == 3
    assert all(c.source == Source.ASSIGNED and c.state == State.ACCEPTED for c in cases)
    assert all(c.deadline == instruction.deadline for c in cases)
    assert {c.assignee for c in cases} == {None, collector1}
    # Each assignee sees and reports back on their own case.
    assert Case.objects.in_scope(grid1).filter(instruction=instruction).count() == 2
    own = next(c for c in cases if c.assignee == collector1)
    move(own, collector1, "resolve", result="已走访 5 户，取暖正常")
    assert own.state == State.RESOLVED
    move(own, dashihao, "close")
    assert own.state == State.CLOSED


def test_it_refuses_targets_outside_the_issuers_unit(dashihao):
    with pytest.raises(CaseError):
        issue(dashihao, target_units=[Unit.objects.get(code=XIAOSHIHAO)])
    with pytest.raises(CaseError):
        issue(dashihao)  # no target at all
    assert Case.objects.count() == 0


def test_it_refuses_a_collector_issuing_instructions(collector1):
    with pytest.raises(CaseError):
        issue(collector1, target_units=[Unit.objects.get(code=GRID1)])


def test_it_shows_the_issuer_who_has_done_it(login, dashihao, grid1):
    instruction = issue(dashihao, target_units=[Unit.objects.get(code=GRID1)])
    case = instruction.cases.get()
    move(case, grid1, "resolve", result="已完成")
    r = login(dashihao).get(f"/cases/instructions/{instruction.pk}/")
    assert r.status_code == 200
    assert "已办结" in r.content.decode()
    listing = login(dashihao).get("/cases/instructions/")
    assert "1 / 1 已完成" in listing.content.decode()


def test_it_issues_from_the_page(login, dashihao):
    client = login(dashihao)
    deadline = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        "/cases/instructions/new/",
        {
            "title": "清理积雪",
            "content": "清理村道积雪",
            "unit": Unit.objects.get(code=DAISHIHAO).pk,
            "deadline": deadline,
            "target_units": [Unit.objects.get(code=GRID1).pk],
        },
    )
    assert r.status_code == 302
    assert Case.objects.get().title == "清理积雪"
