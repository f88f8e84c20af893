"""A township's dashboard costs a bounded number of queries, however many villages it has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhicun.dashboard.data import dashboard_data
from zhicun.demo.district import MALIANQU
from zhicun.registry.tests import factories
from zhicun.units.models import Kind, Unit

pytestmark = pytest.mark.django_db

BOUND = 60


def add_villages(township: Unit, n: int) -> None:
    for i in range(n):
        village = Unit.objects.create(
            code=f"{township.code}{300 + i:03d}",
            name=f"新村{i}",
            kind=Kind.VILLAGE,
            parent=township,
        )
        grid = Unit.objects.create(
            code=f"{village.code}001", name="第一网格", kind=Kind.GRID, parent=village
        )
        hamlet = Unit.objects.create(
            code=f"{grid.code}001", name="一组", kind=Kind.HAMLET, parent=grid
        )
        factories.household(hamlet, head_name=f"村民{i}")


def queries(user, code: str) -> int:
    unit = Unit.objects.get(code=code)
    with CaptureQueriesContext(connection) as captured:
        dashboard_data(user, unit)
    return len(captured)


def test_it_does_not_grow_with_the_number_of_villages(world, malianqu, now):
    queries(malianqu, MALIANQU)  # warm the user's posts and the code tables
    few = queries(malianqu, MALIANQU)
    add_villages(Unit.objects.get(code=MALIANQU), 20)
    many = queries(malianqu, MALIANQU)
    assert many == few


def test_it_stays_within_the_budget(world, login, malianqu, now, django_assert_max_num_queries):
    client = login(malianqu)
    client.get(f"/dashboard/{MALIANQU}/")  # warm the session and the user's posts
    with django_assert_max_num_queries(BOUND):
        assert client.get(f"/dashboard/{MALIANQU}/").status_code == 200
