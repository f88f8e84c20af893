"""The case table's rows, written in Python by `case_rows` instead of a template loop."""

import datetime as dt

from django.utils import timezone

from zhicun.cases.templatetags.case_tags import case_rows


def row(**changes) -> dict:
    deadline = timezone.make_aware(dt.datetime(2026, 3, 5, 9, 30))
    return {
        "number": "SJ20260301001",
        "title": "后营子水管冻裂",
        "state": "accepted",
        "deadline": deadline,
        "yellow_at": deadline - dt.timedelta(hours=6),
        "extension_pending": False,
        "category_name": "供水供电",
        "unit_name": "大十号村",
        "light_now": "red",
        **changes,
    }


def test_it_writes_each_column_of_a_row():
    html = case_rows([row()])
    assert html.startswith("<tr>") and html.count("<tr>") == 1
    assert '<a href="/cases/SJ20260301001/">SJ20260301001</a>' in html
    assert "<td>后营子水管冻裂</td>" in html and '<td class="small">供水供电</td>' in html
    assert ">已受理</td>" in html and "已超期" in html and ">大十号村</td>" in html
    assert ">03-05 09:30</td>" in html and "延期待批" not in html


def test_it_escapes_what_people_typed():
    html = case_rows([row(title='<script>alert("x")</script>', unit_name="A&B")])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "A&amp;B" in html


def test_it_marks_a_pending_extension_and_a_row_without_a_deadline():
    html = case_rows([row(extension_pending=True, deadline=None, state="reported", light_now="")])
    assert '后营子水管冻裂 <span class="badge text-bg-info">延期待批</span>' in html
    assert ">—</td></tr>" in html and "bi-circle-fill" not in html and ">待受理</td>" in html


def test_it_says_so_when_there_are_no_rows():
    assert "没有符合条件的事件" in case_rows([])
