import pytest
import time_machine

from zhicun.audit.models import AuditEvent
from zhicun.support.models import Threshold

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_lets_the_admin_set_a_threshold(login, admin_user):
    r = login(admin_user).post(
        "/support/thresholds/", {"year": "2026", "region_code": "15", "amount": "7500"}
    )
    assert r.status_code == 302
    t = Threshold.objects.get()
    assert (t.year, t.region_code, t.amount) == (2026, "15", 750_000)
    assert AuditEvent.objects.filter(object_type="support.threshold").exists()


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_changes_an_existing_threshold(login, admin_user):
    Threshold.objects.create(year=2026, region_code="15", amount=700_000)
    login(admin_user).post(
        "/support/thresholds/", {"year": "2026", "region_code": "15", "amount": "7600"}
    )
    assert Threshold.objects.get().amount == 760_000


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_refuses_a_bad_region_code(login, admin_user):
    r = login(admin_user).post(
        "/support/thresholds/", {"year": "2026", "region_code": "15a", "amount": "7500"}
    )
    assert r.status_code == 200
    assert "适用区划代码" in r.content.decode()
    assert Threshold.objects.count() == 0


def test_it_refuses_the_chief(login, dashihao):
    r = login(dashihao).post(
        "/support/thresholds/", {"year": "2026", "region_code": "", "amount": "1"}
    )
    assert r.status_code == 403
    assert Threshold.objects.count() == 0
