import pytest

from zhicun.cases.models import Case, Category, State
from zhicun.cases.services import case_report
from zhicun.portal.models import CorrectionRequest, CorrectionStatus
from zhicun.portal.tests.factories import villager


@pytest.fixture
def category(db):
    return Category.objects.filter(parent__isnull=False).first()


def staff_case(by, hamlet, category, reporter=None, title="路灯不亮"):
    case = case_report(
        by=by, title=title, description="晚上看不见", category=category, origin_unit=hamlet
    )
    if reporter is not None:
        # A case phoned in on the villager's behalf and linked to their account.
        Case.objects.filter(pk=case.pk).update(reporter_user=reporter)
    return case


def test_a_villager_sees_only_their_own_cases(login, hamlet, collector1, category):
    me, neighbour = villager(hamlet), villager(hamlet)
    mine = staff_case(collector1, hamlet, category, reporter=me, title="我家门口路灯坏了")
    theirs = staff_case(collector1, hamlet, category, reporter=neighbour, title="邻居的事")
    client = login(me)
    page = client.get(f"/p/me/cases/{mine.number}/")
    assert page.status_code == 200
    assert "待受理" in page.content.decode()  # the timeline, in words
    assert client.get(f"/p/me/cases/{theirs.number}/").status_code == 404
    html = client.get("/p/me/").content.decode()
    assert "我家门口路灯坏了" in html and "邻居的事" not in html


def test_a_villager_cannot_open_staff_pages_of_cases_or_households(
    login, hamlet, collector1, category
):
    me = villager(hamlet)
    other = staff_case(collector1, hamlet, category)
    client = login(me)
    assert client.get(f"/cases/{other.number}/").status_code in (403, 404)
    household = me.villager.person.household
    assert client.get(f"/registry/households/{household.pk}/").status_code in (403, 404)


def test_a_villager_sees_their_household_masked(login, hamlet):
    me = villager(hamlet)
    person = me.villager.person
    html = login(me).get("/p/me/household/").content.decode()
    assert person.masked_id in html
    assert person.id_number not in html


def test_staff_without_a_villager_account_get_404_on_villager_pages(login, dashihao):
    assert login(dashihao).get("/p/me/").status_code == 404


def test_anonymous_is_sent_to_login(client):
    r = client.get("/p/me/household/")
    assert r.status_code == 302 and "/accounts/login/" in r.url


def test_a_correction_becomes_a_task_for_the_collector(login, hamlet, collector1, grid2):
    me = villager(hamlet)
    login(me).post("/p/me/household/", {"content": "户主出生日期登记错了"})
    request = CorrectionRequest.objects.get()
    assert request.household == me.villager.person.household
    html = login(collector1).get("/").content.decode()
    assert "户主出生日期登记错了" in html
    assert "户主出生日期登记错了" not in login(grid2).get("/").content.decode()
    r = login(grid2).post(f"/p/corrections/{request.pk}/handle/", {"status": "done"})
    assert r.status_code == 404
    login(collector1).post(
        f"/p/corrections/{request.pk}/handle/", {"status": "done", "reply": "已按户口簿更正"}
    )
    request.refresh_from_db()
    assert request.status == CorrectionStatus.DONE and request.handled_by == collector1


def test_a_villager_cannot_file_a_correction_for_another_household(login, hamlet):
    me, neighbour = villager(hamlet), villager(hamlet)
    r = login(me).post("/p/me/household/", {"content": "x", "person": neighbour.villager.person.pk})
    assert r.status_code == 200
    assert not CorrectionRequest.objects.exists()


def test_a_villager_reports_a_broken_pipe_from_the_portal(login, hamlet, category):
    me = villager(hamlet)
    client = login(me)
    form = client.get("/p/me/cases/new/")
    key = form.context["form"].initial["idempotency_key"]
    r = client.post(
        "/p/me/cases/new/",
        {
            "category": category.pk,
            "hamlet": hamlet.pk,
            "title": "水管破裂",
            "description": "村口水管破裂，路面结冰",
            "idempotency_key": key,
        },
    )
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.reporter_user == me and case.source == "portal"


def test_a_villager_rates_a_resolved_case(login, hamlet, collector1, dashihao, category):
    me = villager(hamlet)
    case = staff_case(collector1, hamlet, category, reporter=me)
    from zhicun.cases.services import case_transition

    for action, extra in [
        ("accept", {}),
        ("resolve", {"result": "已修好"}),
        ("reply", {"method": "phone"}),
    ]:
        case_transition(case=case, action=action, by=dashihao, note="好", **extra)
    login(me).post(f"/p/me/cases/{case.number}/rate/", {"rating": "satisfied"})
    case.refresh_from_db()
    assert case.state == State.RATED and case.rating == "satisfied"
