import datetime

import pytest

from zhicun.audit.models import AuditEvent
from zhicun.lib.paging import total_subquery
from zhicun.registry.models import Person
from zhicun.registry.tests import factories as f

HAMLET = "150902200201001001"


@pytest.fixture
def household(unit):
    h = f.household(unit(HAMLET), "张三", phone="13812345678")
    f.person(h, "李四", birth=(1999, 6, 1), sex="2", phone="13900001111", religion="buddhism")
    return h


def test_it_masks_sensitive_fields(api, grid1, household):
    li = Person.objects.get(name="李四")
    body = api(grid1).get(f"/persons/{li.pk}").json()
    assert body["id_number"] == li.id_number[:6] + "********" + li.id_number[-4:]
    assert body["phone"] == "139****1111"
    assert body["religion"] == "***"
    assert li.id_number not in str(body)
    listed = api(grid1).get("/persons", {"q": "ls"}).json()
    assert [p["phone"] for p in listed["items"]] == ["139****1111"]
    hh = api(grid1).get(f"/households/{household.pk}").json()
    assert hh["phone"] == "138****5678"
    assert [m["name"] for m in hh["members"]] == ["张三", "李四"]


def test_it_reveals_one_value_and_audits_the_purpose(api, grid1, household):
    li = Person.objects.get(name="李四")
    r = api(grid1).post(f"/persons/{li.pk}/reveal", {"field": "id_number", "purpose": "办理医保"})
    assert r.status_code == 200
    assert r.json() == {"field": "id_number", "value": li.id_number}
    event = AuditEvent.objects.get(action="reveal", object_id=str(li.pk))
    assert event.actor == grid1
    assert event.details["purpose"] == "办理医保"


def test_it_refuses_reveal_to_a_role_without_it(api, jiandu, household):
    li = Person.objects.get(name="李四")
    r = api(jiandu).post(f"/persons/{li.pk}/reveal", {"field": "phone", "purpose": "看看"})
    assert r.status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_it_filters_persons_like_the_search_page(api, grid1, household):
    client = api(grid1)
    assert client.get("/persons", {"sex": "2"}).json()["count"] == 1
    assert client.get("/persons", {"age_max": 40}).json()["count"] == 1
    assert client.get("/persons", {"residence": ["away_work"]}).json()["count"] == 0
    r = client.get("/persons", {"age_min": 50, "age_max": 10})
    assert r.status_code == 400
    assert r.json()["errors"]["age_max"] == ["最大年龄不能小于最小年龄"]


def _person_queries(client, params=None):
    """The response to GET /persons and the SQL of its queries on persons."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/persons", params).json()
    # Read before the next request clears them.
    return body, [q["sql"] for q in ctx.captured_queries if 'FROM "registry_person"' in q["sql"]]


def test_a_listed_person_reads_as_their_detail_in_one_query_with_the_total(api, grid1, household):
    client = api(grid1)
    client.get("/persons")  # the token's first use is recorded
    listed, persons = _person_queries(client)
    # One statement: the page and, as a subquery evaluated once, the total without households.
    assert len(persons) == 1 and persons[0].count("COUNT(") == 1
    total = total_subquery(persons[0])
    # Counting no column, the total can be read from an index alone, and needs no household.
    assert 'FROM "registry_person"' in total and "registry_household" not in total
    # A row reads its household's number, not the whole household (nor decrypts its phone).
    assert '"registry_household"."number"' in persons[0]
    assert '"registry_household"."phone"' not in persons[0]
    assert listed["count"] == 2
    assert [p["household_number"] for p in listed["items"]] == [household.number] * 2
    assert [p["hamlet"] for p in listed["items"]] == [HAMLET] * 2
    for item in listed["items"]:
        assert item == client.get(f"/persons/{item['id']}").json()


def test_the_total_stands_on_every_page_even_past_the_end(api, grid1, household):
    client = api(grid1)
    client.get("/persons")
    second, persons = _person_queries(client, {"limit": 1, "offset": 1})
    assert second["count"] == 2 and [p["name"] for p in second["items"]] == ["李四"]
    assert len(persons) == 1
    # Past the end no row carries the total: it is counted on its own.
    past, persons = _person_queries(client, {"limit": 1, "offset": 5})
    assert past == {"count": 2, "items": []} and len(persons) == 2
    none, persons = _person_queries(client, {"q": "zzzz"})
    assert none == {"count": 0, "items": []} and len(persons) == 1


def test_it_adds_a_member_through_the_service(api, grid1, household):
    number = f.id_number(datetime.date(2010, 2, 3), "1")
    r = api(grid1).post(
        "/persons",
        {"household": household.pk, "name": "张小五", "id_number": number, "relation": "20"},
    )
    assert r.status_code == 201
    person = Person.objects.get(name="张小五")
    assert person.birth_date == datetime.date(2010, 2, 3)
    assert r.json()["id_number"] != number
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


def test_it_answers_400_with_field_errors(api, grid1, household):
    r = api(grid1).post(
        "/persons", {"household": household.pk, "name": "坏号", "id_number": "150902199901011234"}
    )
    assert r.status_code == 400
    assert "id_number" in r.json()["errors"]
    assert not Person.objects.filter(name="坏号").exists()


def test_it_updates_with_the_version_and_refuses_a_stale_one(api, grid1, household):
    li = Person.objects.get(name="李四")
    client = api(grid1)
    r = client.patch(f"/persons/{li.pk}", {"employer": "集宁建材厂", "version": li.version})
    assert r.status_code == 200
    assert r.json()["version"] == li.version + 1
    r = client.patch(f"/persons/{li.pk}", {"employer": "别处", "version": li.version})
    assert r.status_code == 409
    assert "修改" in r.json()["detail"]
    li.refresh_from_db()
    assert li.employer == "集宁建材厂"


def test_it_refuses_writes_to_a_read_only_role_with_403(api, jiandu, household):
    li = Person.objects.get(name="李四")
    r = api(jiandu).patch(f"/persons/{li.pk}", {"employer": "x"})
    assert r.status_code == 403
    li.refresh_from_db()
    assert li.employer == ""
