"""The search page's 导出 button: it carries the current conditions to the export page, and
only staff who may export see it."""

import html
import re
from urllib.parse import parse_qs, urlsplit

from zhicun.demo.district import HAMLET_A
from zhicun.registry.tests import factories as f

EXPORT_LINK = re.compile(r'<a[^>]*id="export-link"[^>]*href="([^"]*)"')


def export_href(body: str) -> str | None:
    match = EXPORT_LINK.search(body)
    return html.unescape(match.group(1)) if match else None


def make_people(unit):
    hamlet = unit(HAMLET_A)
    f.household(hamlet, "张三", head_birth=(1960, 5, 1))
    h = f.household(hamlet, "王五", head_birth=(1990, 3, 3))
    f.person(h, "李四", birth=(2000, 1, 1), sex="2")


def test_the_link_carries_the_search_conditions(login, dashihao, unit):
    make_people(unit)
    client = login(dashihao)
    r = client.get("/registry/search/", {"sex": "2", "unit": HAMLET_A, "page": "1"})
    href = export_href(r.content.decode())
    assert href is not None
    url = urlsplit(href)
    assert url.path == "/registry/export/"
    assert parse_qs(url.query) == {"sex": ["2"], "unit": [HAMLET_A]}
    # The export page applies the same conditions: one woman in the hamlet, not all three.
    page = client.get(href)
    assert page.status_code == 200
    assert page.context["count"] == 1
    assert page.context["conditions"] == {"sex": "2", "unit": HAMLET_A}


def test_the_htmx_results_carry_the_link_too(login, dashihao, unit):
    make_people(unit)
    r = login(dashihao).get("/registry/search/", {"q": "王五"}, HTTP_HX_REQUEST="true")
    href = export_href(r.content.decode())
    assert href is not None and parse_qs(urlsplit(href).query) == {"q": ["王五"]}


def test_without_conditions_the_link_has_no_query(login, dashihao, unit):
    make_people(unit)
    r = login(dashihao).get("/registry/search/")
    assert export_href(r.content.decode()) == "/registry/export/"


def test_staff_who_may_not_export_do_not_see_the_link(login, collector1, unit):
    make_people(unit)
    client = login(collector1)
    r = client.get("/registry/search/", {"sex": "2"})
    body = r.content.decode()
    assert r.status_code == 200 and "共 1 人" in body
    assert export_href(body) is None
    assert "/registry/export/" not in body
    assert client.get("/registry/export/?sex=2").status_code == 403
