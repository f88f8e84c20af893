"""Open311 GeoReport v2 contract: the specification's field lists, in JSON and in XML."""

import io
import re
from xml.etree import ElementTree as ET

import pytest
import time_machine

from zhicun.api.demo import DEMO_KEY, seed
from zhicun.api.models import Open311Request
from zhicun.audit.models import AuditEvent
from zhicun.cases import services as cs
from zhicun.cases.models import Case, Source
from zhicun.cases.tests import factories as cf
from zhicun.registry.tests import factories as rf

BASE = "/open311/v2"
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"

# GeoReport v2 field lists.
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
POST_FIELDS = {"service_request_id", "service_notice", "account_id"}
ENDPOINT_FIELDS = {"specification", "url", "changeset", "type", "formats"}


@pytest.fixture
def demo_app(district):
    seed(io.StringIO())


@pytest.fixture
def service():
    return cf.category("垃圾清运")


def submit(client, service, fmt="json", **extra):
    data = {
        "api_key": DEMO_KEY,
        "jurisdiction_id": "150902",
        "service_code": str(service.pk),
        "description": "前营子村口垃圾三天没人清运了，联系电话 13812345678",
        "address_string": "马莲渠乡大十号村前营子村口",
        "first_name": "明",
        "last_name": "李",
        "phone": "13812345678",
    }
    data.update(extra)
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in data.items() if v is not None})


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def test_it_describes_itself(client, demo_app):
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200
    body = r.json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    assert set(body["endpoints"][0]) == ENDPOINT_FIELDS
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_it_lists_reportable_categories_as_services(client, demo_app, service):
    r = client.get(f"{BASE}/services.json", {"jurisdiction_id": "150902"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json; charset=utf-8"
    services = r.json()
    assert all(set(s) == SERVICE_FIELDS for s in services)
    by_code = {s["service_code"]: s for s in services}
    assert by_code[str(service.pk)]["service_name"] == "垃圾清运"
    assert by_code[str(service.pk)]["group"] == "环境卫生"
    assert "上级交办" not in {s["service_name"] for s in services}
    assert "环境卫生" not in {s["service_name"] for s in services}  # a parent, not a service
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert {c.tag for c in root[0]} == SERVICE_FIELDS
    assert root[0].find("metadata").text == "false"


def test_it_defines_one_service_and_404s_unknown_ones(client, demo_app, service):
    r = client.get(f"{BASE}/services/{service.pk}.json")
    assert r.json() == {"service_code": str(service.pk), "attributes": []}
    root = xml(client.get(f"{BASE}/services/{service.pk}.xml"))
    assert root.tag == "service_definition"
    missing = client.get(f"{BASE}/services/999999.json")
    assert missing.status_code == 404
    assert set(missing.json()[0]) == {"code", "description"}


def test_it_refuses_an_unknown_jurisdiction(client, demo_app):
    r = client.get(f"{BASE}/services.xml", {"jurisdiction_id": "110101"})
    assert r.status_code == 404
    root = xml(r)
    assert root.tag == "errors"
    assert root.find("error/code").text == "404"


def test_it_turns_a_post_into_a_case_in_the_named_hamlet(client, demo_app, service):
    r = submit(client, service)
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body[0]) >= POST_FIELDS
    case = Case.objects.get(number=body[0]["service_request_id"])
    assert (case.source, case.get_source_display()) == (Source.OPEN311, "开放接口（Open311）")
    assert case.reporter_user is None
    assert case.origin_code == "150902200201001002"  # 前营子
    assert case.responsible_code == "150902200201"  # 大十号村
    assert case.reporter_name == "李明"
    assert Open311Request.objects.get(case=case).application.name == "演示第三方应用"
    assert (case.events.get().action, case.events.get().note) == ("report", "来自 演示第三方应用")
    assert AuditEvent.objects.filter(action="open311.submit", object_id=str(case.pk)).exists()
    report = AuditEvent.objects.get(action="case.report", object_id=str(case.pk))
    assert report.actor_name == "open311:演示第三方应用"


def test_it_answers_a_post_in_xml(client, demo_app, service):
    root = xml(submit(client, service, "xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert {c.tag for c in request} >= POST_FIELDS
    assert Case.objects.filter(number=request.find("service_request_id").text).exists()


def test_it_places_by_coordinates_near_registered_households(client, demo_app, service, unit):
    h = rf.household(unit("150902200201002003"), latitude="41.000000", longitude="113.000000")
    r = submit(client, service, address_string="", lat="41.001", long="113.001")
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert case.origin_code == h.hamlet.code


def test_it_sends_unplaceable_requests_to_the_county_queue(client, demo_app, service):
    r = submit(client, service, address_string="不知道哪里")
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert case.origin_code == case.responsible_code == "150902"


def test_it_does_not_take_the_village_name_for_the_hamlet(client, demo_app, service):
    r = submit(client, service, address_string="大十号村委会门口")
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert case.origin_code == "150902200201"


def test_it_refuses_posts_without_a_valid_key(client, demo_app, service):
    r = submit(client, service, api_key="wrong")
    assert r.status_code == 403
    assert r.json()[0]["code"] == 403
    assert submit(client, service, api_key=None).status_code == 403
    assert not Case.objects.exists()


def test_it_refuses_posts_without_a_location_or_service(client, demo_app, service):
    r = submit(client, service, address_string=None)
    assert r.status_code == 400
    r = submit(client, service, service_code="999999")
    assert r.status_code == 400
    r = submit(client, service, address_string=None, lat="91", long="113")
    assert r.status_code == 400
    assert not Case.objects.exists()


def test_it_shows_a_request_with_the_spec_fields_and_no_personal_data(client, demo_app, service):
    number = submit(client, service).json()[0]["service_request_id"]
    r = client.get(f"{BASE}/requests/{number}.json")
    assert r.status_code == 200
    (item,) = r.json()
    assert set(item) == REQUEST_FIELDS
    assert item["status"] == "open"
    assert item["status_notes"] == "待受理"
    assert item["agency_responsible"] == "大十号村"
    assert item["expected_datetime"] is None
    assert "13812345678" not in r.content.decode()
    assert "138****5678" in item["description"]
    assert "李明" not in r.content.decode()
    assert re.match(ISO, item["requested_datetime"])
    assert item["requested_datetime"].endswith("+08:00")
    root = xml(client.get(f"{BASE}/requests/{number}.xml"))
    assert {c.tag for c in root.find("request")} == REQUEST_FIELDS


def test_it_follows_a_request_until_closed(client, demo_app, service, dashihao):
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        number = submit(client, service).json()[0]["service_request_id"]
        case = Case.objects.get(number=number)
        cf.move(case, dashihao, "accept")
        item = client.get(f"{BASE}/requests/{number}.json").json()[0]
        assert item["status"] == "open"
        assert item["status_notes"] == "已受理"
        assert item["expected_datetime"] == "2026-11-26T09:00:00+08:00"
        cf.move(case, dashihao, "start")
        cs.case_transition(case=case, action="resolve", by=dashihao, result="已安排清运车清理")
        cs.case_transition(case=case, action="reply", by=dashihao, note="已告知", method="phone")
    item = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert item["status"] == "closed"
    assert item["status_notes"] == "已回复：已安排清运车清理"


def test_it_lists_requests_with_the_spec_filters(client, demo_app, service, dashihao):
    first = submit(client, service).json()[0]["service_request_id"]
    other = cf.category("污水排放")
    second = submit(client, other).json()[0]["service_request_id"]
    staff_case = cf.report(dashihao, cf.HAMLET_A)
    numbers = lambda r: [i["service_request_id"] for i in r.json()]  # noqa: E731
    listed = client.get(f"{BASE}/requests.json")
    assert sorted(numbers(listed)) == sorted([first, second])
    assert staff_case.number not in numbers(listed)
    assert numbers(client.get(f"{BASE}/requests.json", {"service_code": str(other.pk)})) == [second]
    assert numbers(client.get(f"{BASE}/requests.json", {"service_request_id": first})) == [first]
    assert numbers(client.get(f"{BASE}/requests.json", {"status": "closed"})) == []
    assert len(numbers(client.get(f"{BASE}/requests.json", {"status": "open"}))) == 2
    assert numbers(client.get(f"{BASE}/requests.json", {"end_date": "2000-01-01T00:00:00Z"})) == []
    assert client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}).status_code == 400
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert len(root.findall("request")) == 2


def test_it_looks_a_token_up(client, demo_app, service):
    body = submit(client, service).json()[0]
    r = client.get(f"{BASE}/tokens/{body['token']}.json")
    assert r.json() == [{"service_request_id": body["service_request_id"], "token": body["token"]}]
    root = xml(client.get(f"{BASE}/tokens/{body['token']}.xml"))
    assert root.find("request/service_request_id").text == body["service_request_id"]
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404


def test_it_refuses_nul_characters(client, demo_app, service):
    assert client.get(f"{BASE}/requests.json", {"service_request_id": "a\x00b"}).status_code == 400
    assert client.get(f"{BASE}/requests/a%00b.json").status_code == 400
    assert submit(client, service, description="x\x00").status_code == 400
    assert not Case.objects.exists()
