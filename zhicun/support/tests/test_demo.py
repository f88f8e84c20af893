import io

import pytest
import time_machine

from zhicun.demo.district import GRID1, GRID2
from zhicun.registry.tests import factories
from zhicun.support import demo
from zhicun.support.models import IncomeCard, Review, Status, SupportedHousehold

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(unit):
    hamlets = [unit(GRID1 + "001"), unit(GRID2 + "002")]
    for i in range(44):
        h = factories.household(hamlets[i % 2], head_name=f"王{'一二三四五六七八九十'[i % 10]}{i}")
        factories.person(h, "李兰", birth=(1975, 1, 1), sex="2", relation="10", labour="1")


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_seeds_forty_households_once(district, village):
    out = io.StringIO()
    demo.seed(out)
    assert "帮扶：大十号村 40 户" in out.getvalue()
    assert SupportedHousehold.objects.count() == 40
    assert IncomeCard.objects.filter(year=2019).count() == 40
    assert IncomeCard.objects.filter(year=2026).count() == 40
    assert IncomeCard.objects.filter(year=2026).with_flags().filter(below=True).count() == 4
    assert SupportedHousehold.objects.filter(status=Status.MONITORING).exists()
    assert Review.objects.filter(state="village").count() == 1
    demo.seed(io.StringIO())
    assert SupportedHousehold.objects.count() == 40


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_keeps_every_card_true_to_its_formulas(district, village):
    demo.seed(io.StringIO())
    for c in IncomeCard.objects.all():
        assert c.total == c.wage + c.production + c.property_income + c.transfer
        assert c.net == c.total - c.costs
        assert abs(c.per_capita * c.size - c.net) <= c.size
