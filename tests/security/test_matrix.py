"""The authorization matrix: role × where the user's post is × object type × action, with the
expected answer from `oracle.py`. Outsiders get 404 (403 only where a role lacks a permission
outright, which says nothing about the object), and lists leak neither rows nor totals."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.security import oracle
from zhicun.accounts.models import Post, User
from zhicun.demo.district import DAISHIHAO, GRID1, GRID2, HAMLET_A, MALIANQU, XIAOSHIHAO
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

OTHER_TOWNSHIP = "150902100"
# Where each role's post is, relative to objects in hamlet A of 大十号村.
POSTS = {
    "own": {
        "collector": HAMLET_A,
        "manager": GRID1,
        "chief": DAISHIHAO,
        "supervisor": DAISHIHAO,
        "instructor": DAISHIHAO,
        "command": MALIANQU,
    },
    "sibling": {
        "collector": GRID1 + "002",
        "manager": GRID2,
        "chief": XIAOSHIHAO,
        "supervisor": XIAOSHIHAO,
        "instructor": XIAOSHIHAO,
        "command": OTHER_TOWNSHIP,
    },
}
ADMIN_POST = "150902"
CASES = [(role, place) for place in ("own", "sibling") for role in sorted(oracle.BUSINESS)] + [
    (role, "county") for role in sorted(oracle.ADMINS)
]

ALLOWED = {200, 302}
DENIED = {403, 404}


def post_code(role, place):
    return ADMIN_POST if place == "county" else POSTS[place][role]


@pytest.fixture
def actor(district):
    def make(role, place):
        user = User.objects.create(username=f"{role}-{place}")
        Post.objects.create(
            user=user, role=role, unit=Unit.objects.get(code=post_code(role, place))
        )
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def world(district, collector1, grid1, dashihao):
    from zhicun.cases.tests import factories as case_factories
    from zhicun.disclosure import services as disclosure
    from zhicun.errands.tests import factories as errand_factories
    from zhicun.support.models import Kind, Status, SupportedHousehold

    home = factories.household(Unit.objects.get(code=HAMLET_A), "张守田", phone="13812345678")
    person = factories.person(home, "张小满", birth=(1990, 4, 5), relation="20")
    case = case_factories.report(collector1)
    errand = errand_factories.register(grid1, person=person)
    supported = SupportedHousehold.objects.create(
        household=home, kind=Kind.TUOPIN, year_identified=2016, causes=["01"], status=Status.STABLE
    )
    draft = disclosure.publication_create(
        by=dashihao, unit=Unit.objects.get(code=DAISHIHAO), kind="affairs", title="村务公开草稿"
    )
    return {
        "home": home,
        "person": person,
        "case": case,
        "errand": errand,
        "supported": supported,
        "draft": draft,
    }


def _codes(obj):
    return [c for c in obj if c]


def check(response, allowed):
    if allowed:
        assert response.status_code in ALLOWED, response.status_code
    else:
        assert response.status_code in DENIED, response.status_code


@pytest.mark.parametrize("role, place", CASES)
def test_registry_records(actor, world, role, place):
    client, code = actor(role, place), post_code(role, place)
    home, person = world["home"], world["person"]
    where = [HAMLET_A]
    for url in (f"/registry/households/{home.pk}/", f"/registry/persons/{person.pk}/"):
        check(client.get(url), oracle.may(role, code, where, "view"))
    for url in (f"/registry/households/{home.pk}/edit/", f"/registry/persons/{person.pk}/edit/"):
        check(client.get(url), oracle.may(role, code, where, "edit"))
    r = client.post(
        f"/registry/reveal/person/{person.pk}/", {"field": "id_number", "purpose": "核对"}
    )
    check(r, oracle.may(role, code, where, "reveal"))
    assert (person.id_number in r.content.decode()) == oracle.may(role, code, where, "reveal")


@pytest.mark.parametrize("role, place", CASES)
def test_lists_leak_neither_rows_nor_totals(actor, world, role, place):
    client, code = actor(role, place), post_code(role, place)
    visible = oracle.may(role, code, [HAMLET_A], "list")
    r = client.get("/registry/households/")
    if r.status_code in DENIED:
        assert not visible
        return
    assert r.status_code == 200
    assert (world["home"].number in r.content.decode()) == visible
    assert r.context["page"].paginator.count == (1 if visible else 0)
    r = client.get("/registry/search/", {"q": "张"})
    assert (world["person"].name in r.content.decode()) == visible


@pytest.mark.parametrize("role, place", CASES)
def test_case_errand_support_and_drafts(actor, world, role, place):
    client, code = actor(role, place), post_code(role, place)
    case = world["case"]
    case_units = _codes([case.origin_code, case.responsible_code])
    check(client.get(f"/cases/{case.number}/"), oracle.may(role, code, case_units, "view"))
    check(client.get(f"/errands/{world['errand'].pk}/"), oracle.may(role, code, [HAMLET_A], "view"))
    check(
        client.get(f"/support/{world['supported'].pk}/"), oracle.may(role, code, [HAMLET_A], "view")
    )
    check(
        client.get(f"/disclosure/{world['draft'].pk}/"), oracle.may(role, code, [DAISHIHAO], "view")
    )


@pytest.mark.parametrize("role, place", CASES)
def test_support_and_jobs_phones(actor, world, jining, role, place):
    import datetime

    from zhicun.jobs.models import Employer, Opening
    from zhicun.support.models import CadreAssignment

    client, code = actor(role, place), post_code(role, place)
    cadre = CadreAssignment.objects.create(
        supported=world["supported"],
        name="周明",
        unit_name="农牧局",
        phone="13904741234",
        start_date=datetime.date(2024, 3, 1),
        assigned_by=jining,
    )
    employer = Employer.objects.create(
        name="前营子合作社",
        kind="coop",
        unit=Unit.objects.get(code=HAMLET_A),
        contact_phone="13904741002",
    )
    opening = Opening.objects.create(
        employer=employer,
        position="采摘",
        headcount=2,
        wage=300_000,
        season_start=datetime.date(2026, 8, 1),
        contact_phone="13904741003",
        created_by=jining,
    )
    allowed = oracle.may(role, code, [HAMLET_A], "reveal")
    for kind, pk, phone in (
        ("cadre", cadre.pk, cadre.phone),
        ("employer", employer.pk, employer.contact_phone),
        ("opening", opening.pk, opening.contact_phone),
    ):
        r = client.post(f"/registry/reveal/{kind}/{pk}/", {"field": "phone", "purpose": "联系"})
        check(r, allowed)
        assert (phone in r.content.decode()) == allowed


@pytest.mark.parametrize("role, place", CASES)
def test_exports(actor, world, role, place):
    client, code = actor(role, place), post_code(role, place)
    r = client.post(f"/registry/export/?unit={HAMLET_A}", {"purpose": "核对名单", "format": "xlsx"})
    allowed_role = role in oracle.EXPORTERS
    if not allowed_role:
        assert r.status_code in DENIED
        return
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.values)
    names = {str(cell) for row in rows for cell in row if cell}
    assert ("张小满" in names) == oracle.may(role, code, [HAMLET_A], "export")
    assert world["person"].id_number not in names  # masked unless asked and allowed


@pytest.mark.parametrize("role, place", CASES)
def test_the_audit_trail(actor, world, role, place):
    client = actor(role, place)
    check(client.get("/audit/"), oracle.may(role, post_code(role, place), [], "audit"))
