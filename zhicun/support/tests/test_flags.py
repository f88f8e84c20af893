import pytest
from django.test import override_settings

from zhicun.support.models import IncomeCard, Threshold

pytestmark = pytest.mark.django_db


def card(household, year, per_capita_yuan, by, size=1):
    return IncomeCard.objects.create(
        household=household,
        year=year,
        size=size,
        wage=per_capita_yuan * 100 * size,
        recorded_by=by,
    )


@pytest.fixture
def thresholds():
    Threshold.objects.create(year=2025, region_code="", amount=700_000)
    Threshold.objects.create(year=2026, region_code="", amount=700_000)
    Threshold.objects.create(year=2026, region_code="150902", amount=750_000)


def test_it_flags_a_card_below_the_most_specific_threshold(household, dashihao, thresholds):
    card(household, 2026, 7_400, dashihao)
    row = IncomeCard.objects.with_flags().get()
    assert row.threshold == 750_000
    assert row.below is True
    assert list(IncomeCard.objects.flagged()) == [row]


def test_it_does_not_flag_a_card_at_the_threshold(household, dashihao, thresholds):
    card(household, 2026, 7_500, dashihao)
    assert IncomeCard.objects.flagged().count() == 0


def test_it_flags_a_drop_of_more_than_thirty_percent(household, dashihao, thresholds):
    card(household, 2025, 20_000, dashihao)
    card(household, 2026, 13_999, dashihao)
    row = IncomeCard.objects.with_flags().get(year=2026)
    assert row.previous_per_capita == 2_000_000
    assert row.dropped is True and row.below is False


def test_it_does_not_flag_a_drop_of_exactly_thirty_percent(household, dashihao, thresholds):
    card(household, 2025, 20_000, dashihao)
    card(household, 2026, 14_000, dashihao)
    assert IncomeCard.objects.flagged().filter(year=2026).count() == 0


@override_settings(SUPPORT_INCOME_DROP_PERCENT=20)
def test_it_reads_the_drop_percentage_from_settings(household, dashihao, thresholds):
    card(household, 2025, 20_000, dashihao)
    card(household, 2026, 15_000, dashihao)
    assert IncomeCard.objects.flagged().filter(year=2026).count() == 1


def test_it_does_not_flag_without_a_threshold(household, dashihao):
    card(household, 2024, 100, dashihao)
    assert IncomeCard.objects.flagged().count() == 0


def test_it_keeps_flags_inside_scope(
    household, outsider_household, dashihao, xiaoshihao, thresholds
):
    card(household, 2026, 100, dashihao)
    card(outsider_household, 2026, 100, xiaoshihao)
    assert IncomeCard.objects.in_scope(dashihao).flagged().count() == 1
    assert IncomeCard.objects.in_scope(xiaoshihao).flagged().get().household == outsider_household


def test_it_selects_exactly_the_cards_whose_flags_are_set(unit, dashihao, thresholds):
    from zhicun.demo.district import HAMLET_A
    from zhicun.registry.tests import factories

    # (2025, 2026) per-capita yuan; None: no card that year.
    histories = {
        "低于标准": (None, 7_000),
        "大幅下降": (20_000, 13_000),
        "两者皆是": (10_000, 5_000),
        "正常": (10_000, 9_000),
        "去年为零": (0, 8_000),
    }
    for name, years in histories.items():
        h = factories.household(unit(HAMLET_A), head_name=name)
        for year, yuan in zip((2025, 2026), years, strict=True):
            if yuan is not None:
                card(h, year, yuan, dashihao)
    flags = IncomeCard.objects.with_flags().select_related("household__head")
    expected = {(c.household.head.name, c.year) for c in flags if c.below or c.dropped}
    flagged = IncomeCard.objects.flagged().select_related("household__head")
    assert {(c.household.head.name, c.year) for c in flagged} == expected
    below_last_year = ("去年为零", 2025)  # its 2026 card, after a year at zero, is not flagged
    assert expected == {("低于标准", 2026), ("大幅下降", 2026), ("两者皆是", 2026), below_last_year}
