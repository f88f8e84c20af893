"""Exports over the threshold need approval; every export file says who exported it and when."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from zhicun.accounts.models import Post
from zhicun.audit.models import AuditEvent
from zhicun.exports.models import ExportRequest
from zhicun.registry.tests import factories

HAMLET_A = "150902200201001001"
GRID2_HAMLET = "150902200201002001"
XIAO = "150902200202001001"
Status = ExportRequest.Status


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.ZHICUN_EXPORT_APPROVAL_ROWS = 2
    settings.ZHICUN_EXPORT_DOWNLOAD_HOURS = 24


@pytest.fixture
def people(unit):
    """Three persons in grid 1 (over the threshold of 2), one in grid 2, one in 小十号村."""
    a = factories.household(unit(HAMLET_A), "王大山")
    factories.person(a, "王小山")
    factories.household(unit(HAMLET_A), "李前营")
    factories.household(unit(GRID2_HAMLET), "刘西梁")
    factories.household(unit(XIAO), "孙小村")


def export(client, params="", **data):
    form = {"purpose": "核对医保参保名单", "format": "csv", **data}
    return client.post(reverse("registry:export") + params, form)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> tuple[str, list[dict]]:
    text = body(response).decode("utf-8-sig")
    lines = io.StringIO(text)
    first = lines.readline().rstrip("\r\n")
    return first, list(csv.DictReader(lines))


def request_by(client, user, **data) -> ExportRequest:
    response = export(client(user), **data)
    assert response.status_code == 302
    return ExportRequest.objects.get(requested_by=user)


def decide(client, req, action="approve", reason=""):
    return client.post(
        reverse("exports:decide", args=[req.pk]), {"action": action, "reason": reason}
    )


def download(client, req):
    return client.post(reverse("exports:download", args=[req.pk]))


# --- the threshold ------------------------------------------------------------------------------


def test_an_export_at_the_threshold_is_served(login, grid1, people):
    response = export(login(grid1), f"?unit={HAMLET_A}&q=王大山")  # 1 row
    assert response.status_code == 200
    assert not ExportRequest.objects.exists()


def test_an_export_over_the_threshold_becomes_a_request(login, grid1, people, unit):
    client = login(grid1)
    response = export(client, "?sex=1", format="xlsx")

    assert response.status_code == 302
    assert not hasattr(response, "streaming_content")
    req = ExportRequest.objects.get()
    assert (req.requested_by, req.unit, req.status) == (grid1, unit("150902200201001"), "pending")
    assert (req.rows, req.format, req.purpose, req.reveal) == (3, "xlsx", "核对医保参保名单", False)
    assert req.params == {"sex": "1"}
    page = client.get(response.url).content.decode()
    assert "导出超过 2 行，需要村书记/主任或指挥中心审批" in page
    assert "性别：男" in page  # the conditions, shown readably
    assert "王大山" not in page  # the request holds the conditions, never the data
    event = AuditEvent.objects.get(action="export.request")
    assert event.actor == grid1 and event.details["rows"] == 3
    assert not AuditEvent.objects.filter(action="export").exists()

    export(client, "?sex=1", format="xlsx")  # the same form sent twice: still one request
    assert ExportRequest.objects.count() == 1
    mine = client.get(reverse("exports:mine")).content.decode()
    assert f"#{req.pk}" in mine and "待审批" in mine


def test_the_export_page_warns_before_a_large_export(login, grid1, people):
    page = login(grid1).get(reverse("registry:export")).content.decode()
    assert "导出超过 2 行，需要村书记/主任或指挥中心审批" in page


# --- who approves -------------------------------------------------------------------------------


@pytest.mark.parametrize("approver", ["dashihao", "malianqu", "jining"])
def test_the_chief_or_a_command_centre_above_approves(
    login, grid1, people, approver, django_user_model
):
    req = request_by(login, grid1)
    user = django_user_model.objects.get(username=approver)
    client = login(user)
    assert f"#{req.pk}" in client.get(reverse("exports:approvals")).content.decode()

    response = decide(client, req, reason="同意")

    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.reason) == (Status.APPROVED, user, "同意")
    assert req.decided_at is not None
    assert AuditEvent.objects.filter(action="export.approve", actor=user).count() == 1


@pytest.mark.parametrize("other", ["grid2", "baocun", "jiandu", "collector1", "auditor"])
def test_other_roles_cannot_approve(login, grid1, people, other, django_user_model):
    req = request_by(login, grid1)
    response = decide(login(django_user_model.objects.get(username=other)), req)
    assert response.status_code == 403
    req.refresh_from_db()
    assert req.status == Status.PENDING
    assert not AuditEvent.objects.filter(action="export.approve").exists()


def test_an_approver_outside_the_scope_gets_404(login, grid1, xiaoshihao, people):
    req = request_by(login, grid1)
    client = login(xiaoshihao)

    assert client.get(reverse("exports:detail", args=[req.pk])).status_code == 404
    assert decide(client, req).status_code == 404
    assert f"#{req.pk}" not in client.get(reverse("exports:approvals")).content.decode()
    req.refresh_from_db()
    assert req.status == Status.PENDING


def test_nobody_approves_their_own_request(login, dashihao, malianqu, people):
    req = request_by(login, dashihao)
    assert req.unit.code == "150902200201"
    client = login(dashihao)
    assert f"#{req.pk}" not in client.get(reverse("exports:approvals")).content.decode()
    detail = client.get(reverse("exports:detail", args=[req.pk])).content.decode()
    assert "批准</button>" not in detail

    assert decide(client, req).status_code == 403
    req.refresh_from_db()
    assert req.status == Status.PENDING

    decide(login(malianqu), req)  # the command centre above may
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_a_rejection_needs_a_reason(login, grid1, dashihao, people):
    req = request_by(login, grid1)
    client = login(dashihao)

    page = client.post(
        reverse("exports:decide", args=[req.pk]), {"action": "reject", "reason": " "}, follow=True
    )
    assert "驳回时请填写理由" in page.content.decode()
    req.refresh_from_db()
    assert req.status == Status.PENDING

    decide(client, req, "reject", "范围过大，请按网格分别导出")
    req.refresh_from_db()
    assert (req.status, req.reason) == (Status.REJECTED, "范围过大，请按网格分别导出")
    assert AuditEvent.objects.filter(action="export.reject", actor=dashihao).count() == 1
    assert decide(client, req).status_code == 302  # decided already: nothing changes
    req.refresh_from_db()
    assert req.status == Status.REJECTED


# --- downloading --------------------------------------------------------------------------------


def approved(login, requester, approver, **data) -> ExportRequest:
    req = request_by(login, requester, **data)
    decide(login(approver), req, reason="同意")
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    return req


def test_an_approved_request_downloads_once(login, grid1, dashihao, people):
    req = approved(login, grid1, dashihao)
    client = login(grid1)

    response = download(client, req)

    assert response.status_code == 200
    _first, rows = csv_rows(response)
    assert sorted(r["姓名"] for r in rows) == ["李前营", "王大山", "王小山"]
    req.refresh_from_db()
    assert req.status == Status.DOWNLOADED and req.downloaded_at is not None
    event = AuditEvent.objects.get(action="export", success=True)
    assert event.actor == grid1
    assert event.details["request"] == req.pk and event.details["rows"] == 3

    again = download(client, req)
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="export", success=False).count() == 1


def test_only_the_requester_downloads(login, grid1, dashihao, people):
    req = approved(login, grid1, dashihao)
    assert download(login(dashihao), req).status_code == 404
    req.refresh_from_db()
    assert req.status == Status.APPROVED


def test_pending_and_rejected_requests_do_not_download(login, grid1, dashihao, people):
    req = request_by(login, grid1)
    client = login(grid1)
    assert download(client, req).status_code == 302

    decide(login(dashihao), req, "reject", "不需要全部人员")
    page = download(login(grid1), req)
    assert page.status_code == 302
    assert not hasattr(page, "streaming_content")
    req.refresh_from_db()
    assert req.status == Status.REJECTED
    refused = AuditEvent.objects.filter(action="export", success=False)
    assert refused.count() == 2
    assert not AuditEvent.objects.filter(action="export", success=True).exists()


def test_an_approval_expires_after_the_window(login, grid1, dashihao, people):
    req = approved(login, grid1, dashihao)
    ExportRequest.objects.filter(pk=req.pk).update(
        decided_at=req.decided_at - datetime.timedelta(hours=25)
    )

    response = download(login(grid1), req)

    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == Status.EXPIRED
    assert AuditEvent.objects.filter(action="export.expire", object_id=str(req.pk)).count() == 1
    assert not AuditEvent.objects.filter(action="export", success=True).exists()


def test_the_download_applies_the_requesters_scope_of_today(login, grid1, dashihao, people, unit):
    req = approved(login, grid1, dashihao)
    Post.objects.filter(user=grid1).update(unit=unit("150902200201002"))  # moved to grid 2

    _first, rows = csv_rows(download(login(grid1), req))

    assert [r["姓名"] for r in rows] == ["刘西梁"]


def test_a_tampered_condition_cannot_widen_the_scope(login, grid1, dashihao, people):
    req = approved(login, grid1, dashihao)
    ExportRequest.objects.filter(pk=req.pk).update(params={"unit": "150902200202"})

    _first, rows = csv_rows(download(login(grid1), req))

    assert "孙小村" not in {r["姓名"] for r in rows}


def test_a_requester_who_lost_the_export_right_cannot_download(login, grid1, dashihao, people):
    req = approved(login, grid1, dashihao)
    Post.objects.filter(user=grid1).update(role="collector")  # still staff, may not export

    response = download(login(grid1), req)

    assert response.status_code == 302
    assert not hasattr(response, "streaming_content")
    req.refresh_from_db()
    assert req.status == Status.APPROVED
    assert AuditEvent.objects.get(action="export", success=False).details["request"] == req.pk


# --- who and when, in the file ------------------------------------------------------------------


def test_xlsx_files_carry_exporter_time_and_purpose(login, grid1, people):
    response = export(login(grid1), "?q=王大山", format="xlsx", purpose="核对医保, 第二批")

    book = openpyxl.load_workbook(io.BytesIO(body(response)))
    props = book.properties
    assert props.creator == "赵晓燕（grid1）"
    assert props.title == "人员导出"
    assert "导出人：赵晓燕（grid1）" in props.description
    assert "导出时间：" in props.description and "用途：核对医保, 第二批" in props.description
    assert abs(props.created - datetime.datetime.now(datetime.UTC).replace(tzinfo=None)) < (
        datetime.timedelta(minutes=5)
    )
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom["导出人"] == "赵晓燕（grid1）" and custom["用途"] == "核对医保, 第二批"
    assert custom["导出时间"].endswith("+0800")
    assert book.active.cell(1, 1).value == "户编号"  # the sheet itself is unchanged


def test_csv_files_start_with_a_stamp_line_and_still_parse(login, grid1, people):
    response = export(login(grid1), "?q=王大山", purpose='核对,医保\n"第二批"')

    first, rows = csv_rows(response)
    assert first.startswith("# 导出人：赵晓燕（grid1）；导出时间：")
    assert first.endswith("+0800；用途：核对，医保 ＂第二批＂")
    assert next(csv.reader([first])) == [first]  # one plain field
    assert [r["姓名"] for r in rows] == ["王大山"]


def test_an_approved_download_is_stamped_at_download_time(login, grid1, dashihao, people):
    req = approved(login, grid1, dashihao, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body(download(login(grid1), req))))
    assert book.properties.creator == "赵晓燕（grid1）"
    assert "用途：核对医保参保名单" in book.properties.description


# --- finding the requests -----------------------------------------------------------------------


def test_approvers_see_pending_requests_on_the_home_page(login, grid1, dashihao, people):
    req = request_by(login, grid1)
    page = login(dashihao).get(reverse("home")).content.decode()
    assert reverse("exports:approvals") in page and "待审批的导出申请" in page

    detail = login(dashihao).get(reverse("exports:detail", args=[req.pk])).content.decode()
    assert "批准</button>" in detail

    own = login(grid1).get(reverse("home")).content.decode()
    assert reverse("exports:mine") in own and reverse("exports:approvals") not in own
