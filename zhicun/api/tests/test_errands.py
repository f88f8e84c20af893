from zhicun.errands.models import Errand, State
from zhicun.errands.tests import factories as ef


def test_it_registers_and_walks_an_errand(api, collector1):
    person = ef.villager()
    client = api(collector1)
    r = client.post(
        "/errands",
        {
            "person": person.pk,
            "type": "utilities",
            "need": "代缴电费",
            "idempotency_key": "e-000001",
        },
    )
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["state"] == "registered"
    assert r.json()["light"] == "green"
    steps = [
        {"action": "start", "office": "供电所"},
        {"action": "reply", "result": "已缴清", "method": "visit"},
        {"action": "close", "confirmed": True},
    ]
    for step in steps:
        r = client.post(f"/errands/{pk}/steps", step)
        assert r.status_code == 200, r.json()
    errand = Errand.objects.get(pk=pk)
    assert errand.state == State.CLOSED
    assert errand.villager_confirmed


def test_it_answers_400_with_the_reason_for_a_refused_step(api, collector1):
    errand = ef.register(collector1)
    r = api(collector1).post(f"/errands/{errand.pk}/steps", {"action": "close"})
    assert r.status_code == 400
    assert r.json()["detail"] == "办结须经村民确认"
    errand.refresh_from_db()
    assert errand.state == State.REGISTERED


def test_it_answers_409_for_a_stale_version(api, collector1):
    errand = ef.register(collector1)
    client = api(collector1)
    client.post(f"/errands/{errand.pk}/steps", {"action": "start", "version": errand.version})
    r = client.post(f"/errands/{errand.pk}/steps", {"action": "cancel", "note": "x", "version": 1})
    assert r.status_code == 409


def test_it_hides_errands_of_other_villages(api, collector1, xiaoshihao):
    errand = ef.register(collector1)
    outsider = api(xiaoshihao)
    assert outsider.get(f"/errands/{errand.pk}").status_code == 404
    assert outsider.get("/errands").json() == {"count": 0, "items": []}
    listed = api(collector1).get("/errands", {"state": "registered"}).json()
    assert [e["id"] for e in listed["items"]] == [errand.pk]
    assert "utilities" in [t["code"] for t in api(collector1).get("/errand-types").json()]
