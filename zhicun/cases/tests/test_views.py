"""The case pages: report, detail with actions, list and board, seen from inside and outside."""

import datetime as dt

from django.utils import timezone

from zhicun.cases.models import Case, State
from zhicun.cases.tests.factories import HAMLET_A, category, move, report
from zhicun.units.models import Unit


def test_it_reports_a_case_from_the_form(login, collector1):
    client = login(collector1)
    page = client.get("/cases/new/")
    assert page.status_code == 200
    key = page.context["form"].initial["idempotency_key"]
    data = {
        "idempotency_key": key,
        "title": "后营子水管冻裂",
        "description": "后营子三户水管冻裂停水",
        "category": category("供水供电").pk,
        "origin_unit": Unit.objects.get(code=HAMLET_A).pk,
        "source": "phone",
        "reporter_name": "王大娘",
    }
    r = client.post("/cases/new/", data)
    assert r.status_code == 302
    case = Case.objects.get()
    assert r.url == f"/cases/{case.number}/"
    assert (case.state, case.reporter_name, case.urgency.name) == (State.REPORTED, "王大娘", "较急")
    # The same form again (a double tap) creates nothing new.
    again = client.post("/cases/new/", data)
    assert again.status_code == 302 and again.url == r.url
    assert Case.objects.count() == 1


def test_it_shows_the_detail_with_timeline_and_allowed_actions(login, collector1, dashihao):
    case = report(collector1)
    r = login(dashihao).get(f"/cases/{case.number}/")
    assert r.status_code == 200
    actions = [a for a, _t in r.context["actions"]]
    assert "accept" in actions and "resolve" not in actions
    assert "上报" in r.content.decode()


def test_it_transitions_from_the_page(login, collector1, dashihao):
    case = report(collector1)
    r = login(dashihao).post(
        f"/cases/{case.number}/act/", {"action": "accept", "version": case.version, "note": ""}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_it_tells_the_second_writer_that_the_case_changed(login, collector1, dashihao):
    case = report(collector1)
    stale = case.version
    client = login(dashihao)
    client.post(f"/cases/{case.number}/act/", {"action": "accept", "version": stale})
    r = client.post(
        f"/cases/{case.number}/act/",
        {"action": "return_info", "version": stale, "note": "补充"},
        follow=True,
    )
    assert "已被他人处理" in r.content.decode()
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_it_refuses_an_illegal_action_with_a_chinese_message(login, collector1, dashihao):
    case = report(collector1)
    r = login(dashihao).post(
        f"/cases/{case.number}/act/",
        {"action": "close", "version": case.version},
        follow=True,
    )
    assert "不能结案" in r.content.decode()
    case.refresh_from_db()
    assert case.state == State.REPORTED


def test_it_hides_a_case_from_the_outsider_village(login, collector1, xiaoshihao):
    case = report(collector1)
    client = login(xiaoshihao)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    r = client.post(f"/cases/{case.number}/act/", {"action": "accept", "version": 1})
    assert r.status_code == 404
    listing = client.get("/cases/")
    assert listing.context["total"] == 0
    assert case.number not in listing.content.decode()


def test_it_keeps_an_escalated_case_visible_to_the_village(login, collector1, dashihao, malianqu):
    case = report(collector1)
    move(case, dashihao, "accept", "escalate")
    assert login(dashihao).get(f"/cases/{case.number}/").status_code == 200
    assert Case.objects.in_scope(malianqu).filter(pk=case.pk).exists()


def test_it_shows_the_board_with_lights_to_supervisors(login, collector1, jiandu, grid1):
    report(collector1)
    r = login(jiandu).get("/cases/board/")
    assert r.status_code == 200
    assert r.context["counts"]["total"] == 1
    assert login(grid1).get("/cases/board/").status_code == 403


def test_it_counts_and_shows_the_lights_on_the_board(login, collector1, dashihao, jiandu):
    now = timezone.now()
    red, yellow, green, waiting = (report(collector1, title=t) for t in "红黄绿等")
    for case in (red, yellow, green):
        move(case, dashihao, "accept")
    hour = dt.timedelta(hours=1)
    Case.objects.filter(pk=red.pk).update(deadline=now - hour, yellow_at=now - 2 * hour)
    Case.objects.filter(pk=yellow.pk).update(deadline=now + hour, yellow_at=now - hour)
    Case.objects.filter(pk=green.pk).update(deadline=now + 2 * hour, yellow_at=now + hour)
    r = login(jiandu).get("/cases/board/")
    assert r.context["counts"] == {"total": 4, "red": 1, "yellow": 1}
    assert r.context["page"].paginator.count == 4
    body = r.content.decode()
    assert body.count("bi-circle-fill") == 3 and "已超期" in body and "即将超期" in body
    local = timezone.localtime(now - hour)
    assert f'<a href="/cases/{red.number}/">{red.number}</a>' in body
    assert local.strftime("%m-%d %H:%M") in body and "待受理" in body and "已受理" in body
    r = login(jiandu).get("/cases/board/", {"light": "red"})
    assert r.context["counts"] == {"total": 1, "red": 1, "yellow": 0}
    assert '<option value="red" selected>' in r.content.decode()


def test_it_pages_the_board_with_the_counts_on_every_page(
    login, collector1, dashihao, jiandu, monkeypatch
):
    from zhicun.cases import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = login(jiandu)
    assert client.get("/cases/board/").context["counts"] == {"total": 0, "red": 0, "yellow": 0}
    cases = [report(collector1, title=t) for t in "甲乙丙"]
    move(cases[0], dashihao, "accept")
    Case.objects.filter(pk=cases[0].pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    asked_shown_rows = [("1", 1, 2), ("2", 2, 1), ("9", 2, 1), ("0", 2, 1), ("x", 1, 2)]
    for asked, shown, rows in [*asked_shown_rows, ("9" * 20, 2, 1)]:
        r = client.get("/cases/board/", {"page": asked})
        page = r.context["page"]
        assert (page.number, len(page.object_list), page.paginator.num_pages) == (shown, rows, 2)
        assert r.context["counts"] == {"total": 3, "red": 1, "yellow": 0}


def test_it_shows_the_home_panels(login, collector1, dashihao):
    report(collector1)
    r = login(dashihao).get("/")
    assert r.status_code == 200
    assert "民情事件" in r.content.decode()


def test_it_links_people_named_on_the_form(login, collector1):
    from zhicun.registry.tests.factories import household

    hamlet = Unit.objects.get(code=HAMLET_A)
    wang = household(hamlet, head_name="王秀英").head
    client = login(collector1)
    data = {
        "idempotency_key": "form-persons",
        "title": "低保咨询",
        "description": "咨询低保申请",
        "category": category("低保救助").pk,
        "origin_unit": hamlet.pk,
        "source": "walk_in",
        "persons": "王秀英",
    }
    assert client.post("/cases/new/", data).status_code == 302
    assert list(Case.objects.get().persons.all()) == [wang]
    data.update(idempotency_key="form-unknown", persons="查无此人")
    r = client.post("/cases/new/", data)
    assert r.status_code == 200
    assert "没有找到「查无此人」" in r.content.decode()
    assert Case.objects.count() == 1
