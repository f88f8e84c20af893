import pytest

from zhicun.cases.models import Case, State
from zhicun.cases.tests import factories as cf


@pytest.fixture
def case(collector1):
    return cf.report(collector1)


def test_it_reports_a_case_in_scope(api, collector1, district):
    category = cf.category()
    r = api(collector1).post(
        "/cases",
        {
            "title": "村口垃圾堆积",
            "description": "村口垃圾三天未清运",
            "category": category.pk,
            "origin_unit": cf.HAMLET_A,
            "reporter_phone": "13812345678",
            "idempotency_key": "key-000001",
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["state"] == "reported"
    assert body["responsible_unit"] == cf.DAISHIHAO
    assert body["reporter_phone"] == "138****5678"
    again = api(collector1).post(
        "/cases",
        {
            "title": "村口垃圾堆积",
            "description": "村口垃圾三天未清运",
            "category": category.pk,
            "origin_unit": cf.HAMLET_A,
            "idempotency_key": "key-000001",
        },
    )
    assert again.json()["number"] == body["number"]
    assert Case.objects.count() == 1


def test_it_refuses_a_case_outside_scope_with_404(api, collector1, district):
    r = api(collector1).post(
        "/cases",
        {
            "title": "x",
            "description": "y",
            "category": cf.category().pk,
            "origin_unit": "150902200202001001",
        },
    )
    assert r.status_code == 404
    assert not Case.objects.exists()


def test_it_lists_and_shows_cases_in_scope_only(api, dashihao, xiaoshihao, case):
    listed = api(dashihao).get("/cases", {"state": "open"}).json()
    assert [c["number"] for c in listed["items"]] == [case.number]
    detail = api(dashihao).get(f"/cases/{case.number}").json()
    assert "accept" in detail["allowed_actions"]
    assert [e["action"] for e in detail["events"]] == ["report"]
    assert api(xiaoshihao).get("/cases").json() == {"count": 0, "items": []}
    assert api(xiaoshihao).get(f"/cases/{case.number}").status_code == 404


def test_it_moves_a_case_along_with_the_version(api, dashihao, case):
    client = api(dashihao)
    r = client.post(
        f"/cases/{case.number}/transitions",
        {"action": "accept", "note": "收到", "version": case.version},
    )
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "accepted"
    assert r.json()["deadline"] is not None
    case.refresh_from_db()
    assert case.state == State.ACCEPTED
    assert case.events.last().note == "收到"


def test_it_answers_409_for_a_stale_version(api, dashihao, case):
    client = api(dashihao)
    client.post(f"/cases/{case.number}/transitions", {"action": "accept", "version": 1})
    r = client.post(f"/cases/{case.number}/transitions", {"action": "start", "version": 1})
    assert r.status_code == 409
    assert "他人" in r.json()["detail"]
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_it_answers_400_for_an_illegal_transition(api, dashihao, case):
    r = api(dashihao).post(f"/cases/{case.number}/transitions", {"action": "close"})
    assert r.status_code == 400
    assert "不能" in r.json()["detail"]
    case.refresh_from_db()
    assert case.state == State.REPORTED


def test_it_lists_categories(api, grid1):
    r = api(grid1).get("/case-categories")
    assert r.status_code == 200
    assert "环境卫生 / 垃圾清运" in [c["path"] for c in r.json()]
