"""`in_scope_below` (which the dashboard counts with) keeps exactly the rows of
`in_scope(user).below(code)`, whoever asks about whichever unit."""

import pytest

from zhicun.cases.indicators import base_cases
from zhicun.cases.models import Case
from zhicun.dashboard.tests.conftest import BAIHAIZI
from zhicun.demo.district import DAISHIHAO, GRID1, MALIANQU, XIAOSHIHAO
from zhicun.errands.models import Errand
from zhicun.jobs.models import Placement
from zhicun.registry.models import Household, Person
from zhicun.registry.search import filter_persons
from zhicun.support.models import IncomeCard, SupportedHousehold
from zhicun.units.scope import covers

pytestmark = pytest.mark.django_db

MODELS = [Person, Household, Case, Errand, SupportedHousehold, IncomeCard, Placement]
USERS = ["jining", "malianqu", "dashihao", "xiaoshihao", "grid1", "admin_user"]
CODES = ["15", "150902", MALIANQU, DAISHIHAO, XIAOSHIHAO, GRID1, BAIHAIZI]


@pytest.mark.parametrize("who", USERS)
def test_it_keeps_the_same_rows(world, who, request):
    user = request.getfixturevalue(who)
    seen = 0
    for model in MODELS:
        for code in CODES:
            expected = set(model.objects.in_scope(user).below(code).values_list("pk", flat=True))
            got = set(model.objects.in_scope_below(user, code).values_list("pk", flat=True))
            assert got == expected, (model.__name__, code)
            seen += len(got)
    assert (seen > 0) == (who != "admin_user")


@pytest.mark.parametrize("who", USERS)
def test_person_search_and_case_indicators_keep_the_same_rows(world, now, who, request):
    user = request.getfixturevalue(who)
    start, end = now.date().replace(month=1, day=1), now.date()
    seen = 0
    for code in CODES:
        found = set(filter_persons(user, {"unit": code})[0])
        expected = Person.objects.in_scope(user).active().filter(hamlet__code__startswith=code)
        assert found == set(expected), code
        cases = set(base_cases(user, code, start, end))
        expected = Case.objects.in_scope(user).filter(
            origin_code__startswith=code, reported_at__date__range=(start, end)
        )
        assert cases == set(expected), code
        seen += len(found) + len(cases)
    assert (seen > 0) == (who != "admin_user")


def test_covers_means_the_unit_lies_within_a_post(jining, malianqu, dashihao, admin_user):
    assert covers(jining, DAISHIHAO) and covers(malianqu, MALIANQU)
    assert not covers(malianqu, "150902") and not covers(dashihao, XIAOSHIHAO)
    assert not covers(admin_user, DAISHIHAO)
