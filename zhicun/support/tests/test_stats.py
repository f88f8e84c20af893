import pytest

from zhicun.support.models import IncomeCard, Threshold
from zhicun.support.stats import summary

pytestmark = pytest.mark.django_db


def test_it_sums_up_inside_scope(supported, outsider_household, dashihao, xiaoshihao, jining):
    Threshold.objects.create(year=2026, amount=750_000)
    for h, by in ((supported.household, dashihao), (outsider_household, xiaoshihao)):
        IncomeCard.objects.create(household=h, year=2026, size=1, wage=100_000, recorded_by=by)
    mine = summary(dashihao, 2026)
    assert mine["households"] == 1 and mine["below_threshold"] == 1
    assert summary(xiaoshihao, 2026)["households"] == 0
    assert summary(xiaoshihao, 2026)["flagged"] == 1
    assert summary(jining, 2026)["flagged"] == 2
