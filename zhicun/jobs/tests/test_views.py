import datetime

import pytest
import time_machine

from zhicun.jobs.models import JobEvent, Placement

pytestmark = pytest.mark.django_db
FROZEN = "2026-12-05 10:00 +0800"


@time_machine.travel(FROZEN, tick=False)
def test_it_lists_candidates_with_reasons(login, dashihao, opening, villagers):
    r = login(dashihao).get(f"/jobs/openings/{opening.pk}/")
    body = r.content.decode()
    assert r.status_code == 200
    assert body.index("赵志刚") < body.index("赵志强")
    assert "技能匹配：驾驶" in body
    assert "赵志明" not in body  # already employed


@time_machine.travel(FROZEN, tick=False)
def test_it_places_a_person_with_one_click(login, dashihao, opening, villagers):
    person = villagers["driver"]
    r = login(dashihao).post(
        f"/jobs/openings/{opening.pk}/people/{person.pk}/place/",
        {"start_date": "2026-12-05", "end_date": "2027-03-15", "monthly_income": "3200"},
    )
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.employment == "local"
    assert Placement.objects.get().monthly_income == 320_000


@time_machine.travel(FROZEN, tick=False)
def test_it_records_a_contact(login, dashihao, opening, villagers):
    person = villagers["plain"]
    login(dashihao).post(
        f"/jobs/openings/{opening.pk}/people/{person.pk}/event/", {"kind": "contact"}
    )
    event = JobEvent.objects.get()
    assert event.kind == "contact" and event.date == datetime.date(2026, 12, 5)


@time_machine.travel(FROZEN, tick=False)
def test_it_does_not_let_an_outsider_place_or_see_our_villagers(
    login, xiaoshihao, opening, villagers
):
    person = villagers["driver"]
    c = login(xiaoshihao)
    r = c.post(
        f"/jobs/openings/{opening.pk}/people/{person.pk}/place/",
        {"start_date": "2026-12-05", "monthly_income": "3200"},
    )
    assert r.status_code == 404
    person.refresh_from_db()
    assert person.employment == "none"
    body = c.get(f"/jobs/openings/{opening.pk}/").content.decode()
    assert "赵志刚" not in body


@time_machine.travel(FROZEN, tick=False)
def test_it_counts_placements_in_scope_only(login, dashihao, xiaoshihao, opening, villagers):
    from zhicun.jobs import services

    services.placement_create(
        by=dashihao,
        opening=opening,
        person=villagers["driver"],
        start_date=datetime.date(2026, 12, 1),
        monthly_income=300_000,
    )
    r = login(dashihao).get("/jobs/stats/?since=2019-01-01")
    assert r.context["d"]["current"] == 1
    assert r.context["d"]["avg_income"] == 300_000
    assert r.context["d"]["by_employer"][0]["opening__employer__name"] == "集宁滑雪场"
    r = login(xiaoshihao).get("/jobs/stats/?since=2019-01-01")
    assert r.context["d"]["current"] == 0 and r.context["d"]["by_employer"] == []


@time_machine.travel(FROZEN, tick=False)
def test_it_publishes_an_opening(login, malianqu, employer):
    r = login(malianqu).post(
        "/jobs/openings/new/",
        {
            "employer": str(employer.pk),
            "position": "保洁",
            "headcount": "5",
            "wage": "2800",
            "season_start": "2026-12-10",
            "age_min": "20",
            "age_max": "55",
            "skills": "保洁, 清扫",
        },
    )
    assert r.status_code == 302
    opening = employer.openings.get()
    assert opening.wage == 280_000 and opening.skills == ["保洁", "清扫"]


@time_machine.travel(FROZEN, tick=False)
def test_it_narrows_statistics_to_a_unit(login, jining, opening, villagers):
    from zhicun.jobs import services

    services.placement_create(
        by=jining,
        opening=opening,
        person=villagers["plain"],
        start_date=datetime.date(2026, 12, 1),
    )
    c = login(jining)
    assert c.get("/jobs/stats/?unit=150902200201").context["d"]["current"] == 1
    assert c.get("/jobs/stats/?unit=150902200202").context["d"]["current"] == 0
