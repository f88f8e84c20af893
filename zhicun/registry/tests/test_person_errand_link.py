"""The person page offers 代办事项登记 to those who may register an errand for the person."""

import pytest

from zhicun.accounts.models import Post, Role
from zhicun.demo.district import HAMLET_A, XIAOSHIHAO
from zhicun.registry.tests import factories as f
from zhicun.units.models import Unit

pytestmark = pytest.mark.django_db

LINK = "代办事项登记"


@pytest.fixture
def person(unit):
    return f.household(unit(HAMLET_A), "王秀英").head


@pytest.mark.parametrize("who", ["collector1", "grid1", "dashihao"])
def test_staff_who_handle_errands_get_the_link(request, login, person, who):
    body = login(request.getfixturevalue(who)).get(f"/registry/persons/{person.pk}/")
    body = body.content.decode()
    assert LINK in body
    assert f'href="/errands/new/?person={person.pk}"' in body


@pytest.mark.parametrize("who", ["baocun", "jiandu", "malianqu"])
def test_staff_who_only_look_do_not(request, login, person, who):
    r = login(request.getfixturevalue(who)).get(f"/registry/persons/{person.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert LINK not in body and "/errands/new/" not in body


def test_handling_errands_elsewhere_is_not_enough(login, baocun, person):
    Post.objects.create(user=baocun, role=Role.COLLECTOR, unit=Unit.objects.get(code=XIAOSHIHAO))
    body = login(baocun).get(f"/registry/persons/{person.pk}/").content.decode()
    assert LINK not in body


def test_no_link_for_someone_no_longer_registered(login, dashihao, person):
    person.residence = "dead"
    person.save()
    body = login(dashihao).get(f"/registry/persons/{person.pk}/").content.decode()
    assert LINK not in body
