import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.support import services
from zhicun.support.models import IncomeCard, yuan

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_computes_k_s_and_t(household, dashihao):
    card = services.income_card_save(
        by=dashihao,
        household=household,
        year=2026,
        size=3,
        wage=1_200_000,
        production=500_000,
        property_income=10_000,
        transfer=300_000,
        costs=200_001,
    )
    card.refresh_from_db()
    assert card.total == 2_010_000  # K = L + M + N + P
    assert card.net == 1_809_999  # S = K − R
    assert card.per_capita == 603_333  # T = S / 3, rounded to the 分
    assert yuan(card.per_capita) == "6,033.33"


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_updates_the_same_card_and_audits_without_amounts(household, dashihao):
    card = services.income_card_save(by=dashihao, household=household, year=2026, size=2)
    services.income_card_save(
        by=dashihao, household=household, year=2026, size=2, wage=100_000, version=card.version
    )
    card.refresh_from_db()
    assert IncomeCard.objects.filter(household=household).count() == 1
    assert card.per_capita == 50_000
    event = AuditEvent.objects.filter(action="update", object_type="support.incomecard").get()
    assert event.details["changes"]["wage"] == ["***", "***"]


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_refuses_bad_input_and_changes_nothing(household, dashihao):
    with pytest.raises(ValidationError) as e:
        services.income_card_save(
            by=dashihao, household=household, year=2026, size=0, wage=-5, costs="abc"
        )
    assert "家庭人口须在 1 至 30 人之间" in e.value.message_dict["size"]
    assert "工资性收入不能为负数" in e.value.message_dict["wage"]
    assert IncomeCard.objects.count() == 0


def test_it_refuses_an_outsider_chief(household, xiaoshihao):
    with pytest.raises(PermissionDenied):
        services.income_card_save(by=xiaoshihao, household=household, year=2025, size=1)
    assert IncomeCard.objects.count() == 0
