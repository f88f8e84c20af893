"""The worker expires approvals whose download window has passed: once, audited, never twice."""

import datetime as dt
import io
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from zhicun.audit.models import AuditEvent
from zhicun.exports import services
from zhicun.exports.models import ExportRequest

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 23, 9, tzinfo=TZ)
GRID1 = "150902200201001"
Status = ExportRequest.Status


@pytest.fixture(autouse=True)
def _window(settings):
    settings.ZHICUN_EXPORT_DOWNLOAD_HOURS = 24


def make(requester, approver, unit, status, hours_ago, **extra) -> ExportRequest:
    """A request decided `hours_ago` before NOW (or, when pending, created then)."""
    at = NOW - dt.timedelta(hours=hours_ago)
    with time_machine.travel(at, tick=False):
        return ExportRequest.objects.create(
            kind="registry.persons",
            unit=unit(GRID1),
            requested_by=requester,
            purpose="核对医保参保名单",
            rows=6000,
            format="csv",
            status=status,
            decided_by=None if status == Status.PENDING else approver,
            decided_at=None if status == Status.PENDING else at,
            **extra,
        )


def expiries(req=None):
    events = AuditEvent.objects.filter(action="export.expire")
    return events.filter(object_id=str(req.pk)) if req else events


@pytest.fixture
def due(grid1, dashihao, unit):
    return make(grid1, dashihao, unit, Status.APPROVED, 25)


def test_it_expires_exactly_the_approvals_past_their_window(grid1, dashihao, unit, due):
    fresh = make(grid1, dashihao, unit, Status.APPROVED, 23)
    old_pending = make(grid1, dashihao, unit, Status.PENDING, 24 * 30)
    rejected = make(grid1, dashihao, unit, Status.REJECTED, 48)
    downloaded = make(grid1, dashihao, unit, Status.DOWNLOADED, 48, downloaded_at=NOW)

    assert services.expire_due(NOW) == 1

    statuses = dict(ExportRequest.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: Status.EXPIRED,
        fresh.pk: Status.APPROVED,
        old_pending.pk: Status.PENDING,
        rejected.pk: Status.REJECTED,
        downloaded.pk: Status.DOWNLOADED,
    }
    event = expiries().get()
    assert event.object_id == str(due.pk) and event.actor is None and event.actor_name == "系统"
    assert event.details["from"] == "approved" and event.details["to"] == "expired"
    assert event.unit_code == GRID1


def test_it_does_nothing_the_second_time(due):
    assert services.expire_due(NOW) == 1
    assert services.expire_due(NOW + dt.timedelta(minutes=1)) == 0
    assert expiries(due).count() == 1


def test_the_window_ends_exactly_after_the_configured_hours(grid1, dashihao, unit):
    req = make(grid1, dashihao, unit, Status.APPROVED, 24)
    assert services.expire_due(NOW) == 0
    assert services.expire_due(NOW + dt.timedelta(seconds=1)) == 1
    req.refresh_from_db()
    assert req.status == Status.EXPIRED


def test_only_one_of_two_workers_with_the_same_stale_read_expires_it(due):
    seen_by_a = list(ExportRequest.objects.overdue(NOW))
    seen_by_b = list(ExportRequest.objects.overdue(NOW))
    assert [r.pk for r in seen_by_a] == [r.pk for r in seen_by_b] == [due.pk]
    assert services.request_expire(req=seen_by_a[0], now=NOW) is True
    assert services.request_expire(req=seen_by_b[0], now=NOW) is False
    assert expiries(due).count() == 1


def test_a_request_downloaded_after_the_workers_read_is_left_alone(due):
    stale = list(ExportRequest.objects.overdue(NOW))
    ExportRequest.objects.filter(pk=due.pk).update(status=Status.DOWNLOADED, downloaded_at=NOW)
    assert services.request_expire(req=stale[0], now=NOW) is False
    due.refresh_from_db()
    assert due.status == Status.DOWNLOADED
    assert not expiries().exists()


def test_the_worker_tick_expires_them(due):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("worker", "--once", stdout=out)
        call_command("worker", "--once", stdout=out)
    due.refresh_from_db()
    assert due.status == Status.EXPIRED
    assert expiries(due).count() == 1
    assert "导出申请过期：1" in out.getvalue()
    assert "导出申请过期：0" in out.getvalue()


def test_an_expired_request_cannot_be_downloaded(login, grid1, due):
    services.expire_due(NOW)
    client = login(grid1)

    response = client.post(reverse("exports:download", args=[due.pk]))

    assert response.status_code == 302
    assert not hasattr(response, "streaming_content")
    due.refresh_from_db()
    assert due.status == Status.EXPIRED
    refused = AuditEvent.objects.get(action="export", success=False)
    assert refused.details == {"request": due.pk, "refused": "该申请已过期，不能下载"}
    assert not AuditEvent.objects.filter(action="export", success=True).exists()
    assert expiries(due).count() == 1
    page = client.get(reverse("exports:detail", args=[due.pk])).content.decode()
    assert "已过期" in page and "下载</button>" not in page


def test_a_page_load_expires_through_the_same_step(login, grid1, due):
    with time_machine.travel(NOW, tick=False):
        page = login(grid1).get(reverse("exports:mine"))
        assert "已过期" in page.content.decode()
    assert page.status_code == 200
    due.refresh_from_db()
    assert due.status == Status.EXPIRED
    assert expiries(due).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_it_expires_once_when_workers_race_on_postgresql(grid1, dashihao, unit):
    req = make(grid1, dashihao, unit, Status.APPROVED, 25)
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(services.expire_due(NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 0, 0, 1]
    assert ExportRequest.objects.get(pk=req.pk).status == Status.EXPIRED
    assert expiries(req).count() == 1
