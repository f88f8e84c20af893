"""The demo: 大十号村 shows 2229 errands since 2019-09-01, and seeding again adds nothing."""

import io

import pytest
from django.core.management import call_command

from zhicun.accounts.models import User
from zhicun.errands import stats
from zhicun.errands.models import CustodyItem, Errand, State


@pytest.mark.django_db
def test_it_seeds_2229_errands_for_dashihao_once():
    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    chief = User.objects.get(username="dashihao")
    assert stats.running_total(chief, "150902200201") == 2229
    village = Errand.objects.below("150902200201")
    assert village.filter(state=State.CLOSED).count() > 2000
    open_ = village.open()
    assert 0 < open_.count() <= 10
    assert CustodyItem.objects.held().filter(errand__in=open_).exists()
    assert 0 < Errand.objects.below("150902200202").count() < 2229
    common = [row["type__code"] for row in _by_type(village)[:4]]
    assert set(common) == {"social_insurance", "pension", "utilities", "phone_bill"}
    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    assert Errand.objects.below("150902200201").count() == 2229


def _by_type(qs):
    from django.db.models import Count

    return list(qs.values("type__code").annotate(n=Count("id")).order_by("-n"))
