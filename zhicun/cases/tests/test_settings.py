"""事件设置: administrators manage time limits, categories and calendar overrides."""

import datetime as dt

from zhicun.audit.models import AuditEvent
from zhicun.cases.models import Category, Holiday, Urgency
from zhicun.lib import workdays


def test_it_lets_the_sysadmin_change_a_time_limit(login, admin_user):
    normal = Urgency.objects.get(code="normal")
    r = login(admin_user).post(
        "/cases/settings/",
        {"what": "urgency", "pk": normal.pk, "limit_value": "5", "limit_unit": "workdays"},
    )
    assert r.status_code == 302
    normal.refresh_from_db()
    assert (normal.limit_value, normal.limit_unit) == (5, "workdays")
    assert AuditEvent.objects.filter(action="case.urgency").exists()


def test_it_refuses_a_bad_limit_and_changes_nothing(login, admin_user):
    normal = Urgency.objects.get(code="normal")
    r = login(admin_user).post(
        "/cases/settings/",
        {"what": "urgency", "pk": normal.pk, "limit_value": "0", "limit_unit": "workdays"},
        follow=True,
    )
    assert "时限应为" in r.content.decode()
    normal.refresh_from_db()
    assert normal.limit_value == 3


def test_it_adds_a_category_and_refuses_a_duplicate(login, admin_user):
    root = Category.objects.get(name="环境卫生", parent=None)
    data = {
        "what": "category",
        "parent": root.pk,
        "name": "秸秆焚烧",
        "default_urgency": Urgency.objects.get(code="pressing").pk,
    }
    client = login(admin_user)
    client.post("/cases/settings/", data)
    assert Category.objects.filter(parent=root, name="秸秆焚烧").count() == 1
    r = client.post("/cases/settings/", data, follow=True)
    assert "已有分类" in r.content.decode()
    assert Category.objects.filter(parent=root, name="秸秆焚烧").count() == 1


def test_it_adds_a_holiday_the_calendar_then_respects(login, admin_user):
    r = login(admin_user).post(
        "/cases/settings/",
        {"what": "holiday", "date": "2027-01-01", "is_workday": "0", "name": "元旦"},
    )
    assert r.status_code == 302
    assert Holiday.objects.get().name == "元旦"
    assert not workdays.is_workday(dt.date(2027, 1, 1))


def test_it_is_not_for_business_staff(login, dashihao, malianqu):
    assert login(dashihao).get("/cases/settings/").status_code == 403
    assert login(malianqu).post("/cases/settings/", {"what": "holiday"}).status_code == 403
