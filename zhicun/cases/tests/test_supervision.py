"""督办: supervisors issue a notice; the responsible staff see it first and acknowledge it."""

import pytest

from zhicun.cases import services
from zhicun.cases.models import SupervisionNotice
from zhicun.cases.services import CaseError
from zhicun.cases.tests.factories import move, report
from zhicun.notify.models import Message


def supervise(case, by, text="请三日内办结"):
    services.case_transition(case=case, action="supervise", by=by, note=text)
    return SupervisionNotice.objects.filter(case=case).latest("issued_at")


def test_it_puts_the_notice_first_on_the_responsible_staffs_home(
    login, collector1, dashihao, jiandu
):
    case = move(report(collector1), dashihao, "accept")
    notice = supervise(case, jiandu)
    assert Message.objects.filter(recipient=dashihao, subject__contains="督办").exists()
    r = login(dashihao).get("/")
    panel = next(p for p in r.context["panels"] if p["template"] == "cases/panel_notices.html")
    assert "order-first" in panel["width"]
    assert "请三日内办结" in r.content.decode()
    r = login(dashihao).post(f"/cases/notices/{notice.pk}/ack/", {"next": "/"})
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == dashihao
    assert case.events.filter(action="acknowledge").count() == 1
    assert "请三日内办结" not in login(dashihao).get("/").content.decode()


def test_it_refuses_a_supervision_notice_from_a_collector(collector1, dashihao):
    case = move(report(collector1), dashihao, "accept")
    with pytest.raises(CaseError):
        services.case_transition(case=case, action="supervise", by=collector1, note="快办")


def test_it_lets_only_the_responsible_unit_acknowledge(
    collector1, dashihao, jiandu, malianqu, login
):
    case = move(report(collector1), dashihao, "accept")
    notice = supervise(case, malianqu)
    with pytest.raises(CaseError):
        services.notice_acknowledge(notice=notice, by=jiandu)
    assert login(jiandu).post(f"/cases/notices/{notice.pk}/ack/").status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_it_hides_the_notice_from_the_outsider(collector1, dashihao, jiandu, xiaoshihao, login):
    case = move(report(collector1), dashihao, "accept")
    notice = supervise(case, jiandu)
    assert login(xiaoshihao).post(f"/cases/notices/{notice.pk}/ack/").status_code == 404
