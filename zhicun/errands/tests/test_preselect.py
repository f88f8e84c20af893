"""Registering an errand from a person's page: `?person=` preselects the villager only when
the user may register an errand for them; anyone else is neither preselected nor named."""

import pytest

from zhicun.accounts.models import Post, Role
from zhicun.errands.models import Errand
from zhicun.errands.tests.factories import XIAOSHIHAO_HAMLET, kind, villager
from zhicun.units.models import Unit

pytestmark = pytest.mark.django_db


def preselected(response):
    return response.context["form"]["person"].value()


def test_it_preselects_a_villager_in_scope(login, grid1):
    person = villager()
    r = login(grid1).get("/errands/new/", {"person": person.pk})
    body = r.content.decode()
    assert r.status_code == 200
    assert preselected(r) == person.pk
    assert f'<option value="{person.pk}" selected>' in body
    assert f"为 {person.name}（" in body


def test_the_preselected_form_registers_for_that_villager(login, grid1):
    person = villager()
    client = login(grid1)
    page = client.get("/errands/new/", {"person": person.pk})
    key = page.context["form"]["idempotency_key"].value()
    r = client.post(
        f"/errands/new/?person={person.pk}",
        {
            "idempotency_key": key,
            "person": person.pk,
            "type": kind("utilities").pk,
            "need": "",
            "documents": "",
            "channel": "door",
        },
    )
    assert r.status_code == 302
    assert Errand.objects.get().person == person


def test_it_does_not_preselect_or_name_a_villager_out_of_scope(login, grid1):
    outsider = villager(name="孙桂兰", code=XIAOSHIHAO_HAMLET)
    r = login(grid1).get("/errands/new/", {"person": outsider.pk})
    body = r.content.decode()
    assert r.status_code == 200
    assert preselected(r) is None
    assert "孙桂兰" not in body
    assert f'<option value="{outsider.pk}" selected>' not in body
    assert "找不到该村民" in body


def test_it_answers_an_unknown_number_the_same_way(login, grid1):
    villager()
    for value in ("999999", "abc", "-1"):
        r = login(grid1).get("/errands/new/", {"person": value})
        assert r.status_code == 200 and preselected(r) is None


def test_it_does_not_preselect_where_the_user_may_only_look(login, baocun, unit):
    # The instructor sees both villages; as a collector in 小十号村 he may register errands
    # there, but not for a villager of 大十号村.
    Post.objects.create(
        user=baocun, role=Role.COLLECTOR, unit=Unit.objects.get(code=XIAOSHIHAO_HAMLET)
    )
    person = villager()
    r = login(baocun).get("/errands/new/", {"person": person.pk})
    assert r.status_code == 200
    assert preselected(r) is None
    assert "找不到该村民" in r.content.decode()


def test_it_does_not_preselect_someone_no_longer_registered(login, grid1):
    person = villager()
    person.residence = "dead"
    person.save()
    r = login(grid1).get("/errands/new/", {"person": person.pk})
    assert preselected(r) is None
