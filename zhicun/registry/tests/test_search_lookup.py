import pytest

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import HAMLET_A
from zhicun.registry.tests import factories as f


@pytest.fixture
def zhangsan(unit):
    h = f.household(unit(HAMLET_A), "张三", phone="0474-1234567")
    h.head.phone = "13912345678"
    h.head.save()
    return h.head


def test_it_finds_a_person_by_id_number(zhangsan, login, dashihao):
    r = login(dashihao).post("/registry/lookup/", {"number": zhangsan.id_number.lower()})
    body = r.content.decode()
    assert r.status_code == 200
    assert "张三" in body and zhangsan.masked_id in body
    assert zhangsan.id_number not in body


def test_it_finds_a_person_by_phone(zhangsan, login, dashihao):
    r = login(dashihao).post("/registry/lookup/", {"number": "139 1234 5678"})
    assert r.status_code == 200
    assert "张三" in r.content.decode()


def test_it_records_the_lookup_masked(zhangsan, login, dashihao):
    login(dashihao).post("/registry/lookup/", {"number": zhangsan.id_number})
    event = AuditEvent.objects.get(action="lookup")
    assert event.actor == dashihao
    assert event.details == {"kind": "id_number", "value": zhangsan.masked_id, "found": 1}
    assert zhangsan.id_number not in str(event.details)


def test_it_answers_an_outsider_as_if_the_number_did_not_exist(zhangsan, login, xiaoshihao):
    client = login(xiaoshihao)
    found_elsewhere = client.post(
        "/registry/lookup/", {"number": zhangsan.id_number}, HTTP_HX_REQUEST="true"
    )
    nowhere = client.post(
        "/registry/lookup/", {"number": "150902199001011237"}, HTTP_HX_REQUEST="true"
    )
    assert found_elsewhere.status_code == nowhere.status_code == 200
    assert "在您的管辖范围内未找到" in found_elsewhere.content.decode()
    assert "张三" not in found_elsewhere.content.decode()
    assert found_elsewhere.content == nowhere.content
    assert AuditEvent.objects.filter(action="lookup", details__found=0).count() == 2


def test_it_refuses_a_partial_number_in_chinese(zhangsan, login, dashihao):
    r = login(dashihao).post("/registry/lookup/", {"number": "1509"})
    assert "请输入完整的 18 位身份证号码或手机号码" in r.content.decode()
    assert not AuditEvent.objects.filter(action="lookup").exists()


def test_it_never_takes_the_number_from_the_url(zhangsan, login, dashihao):
    r = login(dashihao).get("/registry/lookup/", {"number": zhangsan.id_number})
    assert r.status_code == 200
    assert "张三" not in r.content.decode()
    assert not AuditEvent.objects.filter(action="lookup").exists()


def test_it_answers_htmx_with_the_results_only(zhangsan, login, dashihao):
    r = login(dashihao).post(
        "/registry/lookup/", {"number": zhangsan.id_number}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert "张三" in body and "<html" not in body
