"""全程代办 money: recorded in 分 with a receipt, corrected only by a reversing entry."""

import pytest

from zhicun.errands import services
from zhicun.errands.models import Payment
from zhicun.errands.tests.factories import processing, register


@pytest.mark.django_db
def test_it_records_money_paid_on_the_villagers_behalf(grid1):
    errand = processing(grid1)
    payment = services.payment_record(
        errand=errand, by=grid1, amount_fen=12050, receipt_no="DF2026110001"
    )
    payment.refresh_from_db()
    assert payment.amount_fen == 12050 and payment.paid_by == grid1
    assert errand.paid_total() == 12050
    assert errand.events.filter(action="pay").count() == 1


@pytest.mark.django_db
def test_it_corrects_a_payment_with_a_reversing_entry(grid1):
    errand = processing(grid1)
    wrong = services.payment_record(errand=errand, by=grid1, amount_fen=12050, receipt_no="R1")
    reversal = services.payment_reverse(payment=wrong, by=grid1, note="金额录错")
    services.payment_record(errand=errand, by=grid1, amount_fen=10250, receipt_no="R1")
    wrong.refresh_from_db()
    assert wrong.amount_fen == 12050  # the original is never edited
    assert reversal.amount_fen == -12050 and reversal.reverses == wrong
    assert errand.paid_total() == 10250
    assert Payment.objects.count() == 3


@pytest.mark.django_db
def test_it_refuses_to_reverse_twice(grid1):
    errand = processing(grid1)
    payment = services.payment_record(errand=errand, by=grid1, amount_fen=5000, receipt_no="R1")
    reversal = services.payment_reverse(payment=payment, by=grid1, note="重复录入")
    with pytest.raises(services.ErrandError, match="已冲正"):
        services.payment_reverse(payment=payment, by=grid1, note="再冲一次")
    with pytest.raises(services.ErrandError, match="不能再冲正"):
        services.payment_reverse(payment=reversal, by=grid1, note="冲正冲正")
    assert errand.paid_total() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0, -100, 100_000_001])
def test_it_refuses_bad_amounts(grid1, amount):
    errand = processing(grid1)
    with pytest.raises(services.ErrandError, match="金额"):
        services.payment_record(errand=errand, by=grid1, amount_fen=amount, receipt_no="R1")
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_it_requires_a_receipt_number(grid1):
    errand = processing(grid1)
    with pytest.raises(services.ErrandError, match="票据号"):
        services.payment_record(errand=errand, by=grid1, amount_fen=100, receipt_no=" ")
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_money_on_types_without_payments(grid1):
    errand = processing(grid1, code="hukou_cert")
    with pytest.raises(services.ErrandError, match="不涉及"):
        services.payment_record(errand=errand, by=grid1, amount_fen=100, receipt_no="R1")


@pytest.mark.django_db
def test_it_refuses_payments_before_processing_starts(grid1):
    errand = register(grid1)
    with pytest.raises(services.ErrandError, match="已登记"):
        services.payment_record(errand=errand, by=grid1, amount_fen=100, receipt_no="R1")
