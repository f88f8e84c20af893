"""资料托管: documents received and returned; nothing can be forgotten in custody."""

import pytest

from zhicun.errands import services
from zhicun.errands.home import held_by
from zhicun.errands.models import State
from zhicun.errands.tests.factories import processing, register, replied


@pytest.mark.django_db
def test_it_receives_documents_into_custody(grid1):
    errand = register(grid1)
    item = services.custody_receive(errand=errand, by=grid1, name="身份证", original=True)
    services.custody_receive(errand=errand, by=grid1, name="户口簿", original=False)
    item.refresh_from_db()
    assert item.received_by == grid1 and item.returned_at is None
    assert [str(d) for d in held_by(grid1)] == ["身份证（原件）", "户口簿（复印件）"]
    assert [e.action for e in errand.events.all()] == ["register", "receive", "receive"]


@pytest.mark.django_db
def test_it_returns_a_document_with_the_villagers_confirmation(grid1):
    errand = register(grid1)
    item = services.custody_receive(errand=errand, by=grid1, name="身份证")
    services.custody_return(item=item, by=grid1, returned_to="王秀英", villager_confirmed=True)
    item.refresh_from_db()
    assert item.returned_at is not None and item.returned_to == "王秀英"
    assert item.returned_by == grid1 and item.villager_confirmed
    assert list(held_by(grid1)) == []


@pytest.mark.django_db
def test_it_refuses_a_return_without_confirmation(grid1):
    errand = register(grid1)
    item = services.custody_receive(errand=errand, by=grid1, name="身份证")
    with pytest.raises(services.ErrandError, match="确认"):
        services.custody_return(item=item, by=grid1, returned_to="王秀英", villager_confirmed=False)
    item.refresh_from_db()
    assert item.returned_at is None


@pytest.mark.django_db
def test_it_refuses_to_return_a_document_twice(grid1):
    errand = register(grid1)
    item = services.custody_receive(errand=errand, by=grid1, name="身份证")
    services.custody_return(item=item, by=grid1, returned_to="王秀英", villager_confirmed=True)
    with pytest.raises(services.ErrandError, match="已归还"):
        services.custody_return(item=item, by=grid1, returned_to="李四", villager_confirmed=True)
    item.refresh_from_db()
    assert item.returned_to == "王秀英"


@pytest.mark.django_db
def test_it_cannot_close_while_a_document_is_held(grid1):
    errand = replied(grid1)
    services.custody_receive(errand=errand, by=grid1, name="社保卡")
    services.custody_receive(errand=errand, by=grid1, name="身份证")
    with pytest.raises(services.ErrandError, match="社保卡、身份证"):
        services.errand_close(errand=errand, by=grid1, confirmed=True)
    errand.refresh_from_db()
    assert errand.state == State.REPLIED and errand.closed_at is None


@pytest.mark.django_db
def test_it_cannot_cancel_or_fail_while_a_document_is_held(grid1):
    errand = processing(grid1)
    services.custody_receive(errand=errand, by=grid1, name="身份证")
    with pytest.raises(services.ErrandError, match="身份证"):
        services.errand_cancel(errand=errand, by=grid1, reason="村民不办了")
    with pytest.raises(services.ErrandError, match="身份证"):
        services.errand_fail(errand=errand, by=grid1, reason="材料不全", informed=True)
    errand.refresh_from_db()
    assert errand.state == State.PROCESSING


@pytest.mark.django_db
def test_it_keeps_custody_out_of_other_staffs_panels(grid1, grid2):
    errand = register(grid1)
    services.custody_receive(errand=errand, by=grid1, name="身份证")
    assert list(held_by(grid2)) == []
