"""Support fixtures: a household in hamlet A of 大十号村 and one in the outsider village."""

import pytest

from zhicun.demo.district import HAMLET_A, XIAOSHIHAO
from zhicun.registry.tests import factories
from zhicun.support.models import Kind, Status, SupportedHousehold


@pytest.fixture
def household(unit):
    h = factories.household(unit(HAMLET_A), head_name="王德福")
    factories.person(h, "刘桂兰", birth=(1962, 3, 4), sex="2", relation="10", labour="1")
    return h


@pytest.fixture
def outsider_household(unit):
    return factories.household(unit(XIAOSHIHAO + "001001"), head_name="孙小河")


@pytest.fixture
def supported(household):
    return SupportedHousehold.objects.create(
        household=household,
        kind=Kind.TUOPIN,
        year_identified=2016,
        causes=["01"],
        status=Status.STABLE,
    )
