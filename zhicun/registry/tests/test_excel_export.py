"""Exports: masked unless revealed by someone allowed, neutralised formulas, purpose, audit."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from zhicun.audit.models import AuditEvent
from zhicun.registry.excel.export import neutralise
from zhicun.registry.tests import factories

HAMLET_A = "150902200201001001"
XIAO = "150902200202001001"


@pytest.fixture
def people(unit):
    household = factories.household(unit(HAMLET_A), "王大山", phone="0474-1234567")
    head = household.head
    head.phone = "13812345678"
    head.employer = '=HYPERLINK("http://evil","x")'
    head.notes = "@SUM(1+1)"
    head.save()
    factories.household(unit(XIAO), "孙小村")
    return head


def export(client, params="", **data):
    form = {"purpose": "核对医保参保名单", "format": "csv", **data}
    return client.post(reverse("registry:export") + params, form)


def rows_of(response) -> list[dict]:
    """The data rows; the first line is the 导出人/导出时间/用途 comment, the headers follow."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = io.StringIO(text)
    assert lines.readline().startswith("# 导出人：")
    return list(csv.DictReader(lines))


def test_it_exports_masked_csv_within_scope(login, grid1, people):
    response = export(login(grid1))

    assert response.status_code == 200
    rows = rows_of(response)
    assert [r["姓名"] for r in rows] == ["王大山"]  # 孙小村 lives in another village
    assert rows[0]["身份证号码"] == people.id_number[:6] + "********" + people.id_number[-4:]
    assert rows[0]["手机号"] == "138****5678"
    assert rows[0]["健康状况"] == "***"


def test_it_neutralises_formulas(login, grid1, people):
    row = rows_of(export(login(grid1)))[0]
    assert row["就业单位"].startswith("'=HYPERLINK")
    assert row["备注"] == "'@SUM(1+1)"
    assert [neutralise(v) for v in ("+1", "-1", "\tx", "\rx", "ok")] == [
        "'+1",
        "'-1",
        "'\tx",
        "'\rx",
        "ok",
    ]


def test_it_reveals_only_when_ticked_by_someone_allowed(login, grid1, baocun, people):
    revealed = rows_of(export(login(grid1), reveal="on"))[0]
    assert revealed["身份证号码"] == people.id_number and revealed["手机号"] == "13812345678"

    instructor = rows_of(export(login(baocun), reveal="on"))  # may export, may not reveal
    assert people.id_number not in {r["身份证号码"] for r in instructor}
    event = AuditEvent.objects.filter(action="export", actor=grid1).get()
    assert event.details["revealed"] == 1


def test_it_audits_the_filter_rows_purpose_and_format(login, dashihao, people):
    response = export(login(dashihao), "?sex=1&unit=150902200201", format="xlsx")

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    assert sheet.cell(1, 1).value == "户编号" and sheet.max_row == 2
    event = AuditEvent.objects.get(action="export")
    assert event.actor == dashihao
    assert event.details == {
        "filter": {"sex": "1", "unit": "150902200201"},
        "rows": 1,
        "purpose": "核对医保参保名单",
        "format": "xlsx",
        "revealed": 0,
    }


def test_it_requires_a_purpose(login, dashihao, people):
    response = export(login(dashihao), purpose="  ")

    assert response.status_code == 200
    assert "请填写导出用途" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_form_shows_the_count_in_scope(login, xiaoshihao, people):
    response = login(xiaoshihao).get(reverse("registry:export") + "?unit=150902200201")
    assert response.status_code == 200
    assert response.context["count"] == 0


def test_collectors_cannot_export(login, collector1, people):
    assert export(login(collector1)).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
