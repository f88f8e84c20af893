import pytest

from zhicun.audit.models import AuditEvent
from zhicun.demo.district import HAMLET_A
from zhicun.registry.tests import factories


@pytest.fixture
def home(unit):
    return factories.household(unit(HAMLET_A), "张三", phone="13812345678")


def test_a_collector_reveals_an_id_number_with_a_purpose(login, collector1, home):
    head = home.head
    r = login(collector1).post(
        f"/registry/reveal/person/{head.pk}/", {"field": "id_number", "purpose": "核对身份办理医保"}
    )
    assert r.status_code == 200 and head.id_number in r.content.decode()
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == collector1 and event.details == {
        "field": "id_number",
        "purpose": "核对身份办理医保",
    }
    assert head.id_number not in str(event.details)


def test_a_reveal_needs_a_purpose(login, collector1, home):
    r = login(collector1).post(f"/registry/reveal/person/{home.head.pk}/", {"field": "id_number"})
    assert r.status_code == 400
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_supervisor_may_not_reveal(login, jiandu, home):
    r = login(jiandu).post(
        f"/registry/reveal/person/{home.head.pk}/", {"field": "id_number", "purpose": "x"}
    )
    assert r.status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_an_outsider_gets_404(login, grid2, home):
    r = login(grid2).post(
        f"/registry/reveal/person/{home.head.pk}/", {"field": "phone", "purpose": "x"}
    )
    assert r.status_code == 404


def test_a_household_phone(login, collector1, home):
    r = login(collector1).post(
        f"/registry/reveal/household/{home.pk}/", {"field": "phone", "purpose": "联系"}
    )
    assert "13812345678" in r.content.decode()


def test_reveal_is_post_only(login, collector1, home):
    assert login(collector1).get(f"/registry/reveal/person/{home.head.pk}/").status_code == 405
