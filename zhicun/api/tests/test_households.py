import datetime

from zhicun.audit.models import AuditEvent
from zhicun.registry.models import Household, Move, Visit
from zhicun.registry.tests import factories as f

HAMLET = "150902200201001001"


def test_it_creates_a_household_with_its_head(api, collector1, district):
    number = f.id_number(datetime.date(1980, 4, 5), "2")
    r = api(collector1).post(
        "/households",
        {
            "hamlet": HAMLET,
            "address": "大十号 12 号",
            "land_area": "8.5",
            "head": {"name": "王芳", "id_number": number},
        },
    )
    assert r.status_code == 201, r.json()
    h = Household.objects.get(pk=r.json()["id"])
    assert h.head.name == "王芳"
    assert h.head.sex == "2"
    assert str(h.land_area) == "8.50"
    assert AuditEvent.objects.filter(action="create", object_id=str(h.pk)).exists()


def test_it_refuses_a_household_outside_a_hamlet(api, grid1, district):
    number = f.id_number(datetime.date(1980, 4, 5), "2")
    r = api(grid1).post(
        "/households", {"hamlet": "150902200201001", "head": {"name": "王", "id_number": number}}
    )
    assert r.status_code == 400
    assert r.json()["errors"] == {"hamlet": ["户必须登记在自然村（村民小组）下"]}


def test_it_updates_a_household(api, grid1, unit):
    h = f.household(unit(HAMLET))
    r = api(grid1).patch(f"/households/{h.pk}", {"residence": "away", "version": 1})
    assert r.status_code == 200
    h.refresh_from_db()
    assert h.residence == "away"
    assert h.version == 2


def test_it_records_a_move_and_the_residence_follows(api, grid1, unit):
    h = f.household(unit(HAMLET))
    r = api(grid1).post(
        "/moves",
        {
            "person": h.head_id,
            "kind": "out",
            "date": "2026-01-05",
            "reason": "work",
            "to_place": "呼和浩特",
        },
    )
    assert r.status_code == 201, r.json()
    h.head.refresh_from_db()
    assert h.head.residence == "away_work"
    listed = api(grid1).get("/moves", {"unit": HAMLET}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["to_place"] == "呼和浩特"
    assert api(grid1).get(f"/moves/{Move.objects.get().pk}").status_code == 200


def test_it_names_the_missing_field_of_a_move(api, grid1, unit):
    h = f.household(unit(HAMLET))
    r = api(grid1).post(
        "/moves", {"person": h.head_id, "kind": "out", "date": "2026-01-05", "reason": "work"}
    )
    assert r.status_code == 400
    assert r.json()["errors"] == {"to_place": ["请填写去向"]}
    assert not Move.objects.exists()


def test_it_records_a_visit(api, grid1, unit):
    h = f.household(unit(HAMLET))
    r = api(grid1).post(
        "/visits",
        {"household": h.pk, "date": "2026-01-05", "kind": "routine", "findings": "一切正常"},
    )
    assert r.status_code == 201
    h.refresh_from_db()
    assert h.last_visited_on == datetime.date(2026, 1, 5)
    visit = Visit.objects.get()
    assert visit.visitor == grid1
    assert api(grid1).get("/visits").json()["items"][0]["findings"] == "一切正常"
    assert api(grid1).get(f"/visits/{visit.pk}").json()["household"] == h.pk


def test_it_hides_visits_of_other_grids(api, grid2, unit):
    h = f.household(unit(HAMLET))
    Visit.objects.create(
        household=h,
        visitor=h.head.household.hamlet.posts.first().user if False else grid2,
        date=datetime.date(2026, 1, 1),
        kind="routine",
        findings="x",
    )
    assert api(grid2).get("/visits").json() == {"count": 0, "items": []}
    assert api(grid2).get(f"/visits/{Visit.objects.get().pk}").status_code == 404
