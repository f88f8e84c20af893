"""The steps: start, notes, reply, villager confirms and closes; cancel; fail; conflicts."""

import pytest

from zhicun.audit.models import AuditEvent
from zhicun.errands import services
from zhicun.errands.models import ReplyMethod, State
from zhicun.errands.tests.factories import processing, register, replied
from zhicun.lib.versioning import ConflictError


@pytest.mark.django_db
def test_it_goes_from_registration_to_closed(grid1):
    errand = register(grid1)
    item = services.custody_receive(errand=errand, by=grid1, name="缴费户号")
    services.errand_start(errand=errand, by=grid1, office="供电所")
    services.errand_note(errand=errand, by=grid1, note="已到营业厅排队")
    services.payment_record(errand=errand, by=grid1, amount_fen=8800, receipt_no="E1")
    services.errand_reply(errand=errand, by=grid1, result="电费已缴", method=ReplyMethod.VISIT)
    services.custody_return(item=item, by=grid1, returned_to="王秀英", villager_confirmed=True)
    services.errand_close(errand=errand, by=grid1, confirmed=True)
    errand.refresh_from_db()
    assert errand.state == State.CLOSED and errand.villager_confirmed
    assert errand.on_time is True and errand.office == "供电所"
    actions = [e.action for e in errand.events.all()]
    assert actions == ["register", "receive", "start", "note", "pay", "reply", "give_back", "close"]
    assert (
        AuditEvent.objects.filter(object_id=str(errand.pk), action__startswith="errand.").count()
        == 8
    )


@pytest.mark.django_db
def test_it_requires_the_villagers_confirmation_to_close(grid1):
    errand = replied(grid1)
    with pytest.raises(services.ErrandError, match="确认"):
        services.errand_close(errand=errand, by=grid1, confirmed=False)
    errand.refresh_from_db()
    assert errand.state == State.REPLIED


@pytest.mark.django_db
def test_it_refuses_a_reply_before_processing(grid1):
    errand = register(grid1)
    with pytest.raises(services.ErrandError, match="不能答复结果"):
        services.errand_reply(errand=errand, by=grid1, result="好了", method=ReplyMethod.PHONE)
    errand.refresh_from_db()
    assert errand.state == State.REGISTERED and errand.result == ""


@pytest.mark.django_db
def test_it_cancels_with_a_reason(grid1):
    errand = register(grid1)
    with pytest.raises(services.ErrandError, match="原因"):
        services.errand_cancel(errand=errand, by=grid1, reason=" ")
    services.errand_cancel(errand=errand, by=grid1, reason="村民已自行办理")
    errand.refresh_from_db()
    assert errand.state == State.CANCELLED and errand.end_reason == "村民已自行办理"


@pytest.mark.django_db
def test_it_records_a_failure_once_the_villager_is_informed(grid1):
    errand = processing(grid1)
    with pytest.raises(services.ErrandError, match="告知"):
        services.errand_fail(errand=errand, by=grid1, reason="不符合条件", informed=False)
    services.errand_fail(errand=errand, by=grid1, reason="不符合条件", informed=True)
    errand.refresh_from_db()
    assert errand.state == State.FAILED and errand.villager_informed


@pytest.mark.django_db
def test_it_tells_the_second_writer_of_a_conflict(grid1, dashihao):
    errand = register(grid1)
    stale = errand.version
    services.errand_start(errand=errand, by=grid1, version=stale)
    with pytest.raises(ConflictError):
        services.errand_cancel(errand=errand, by=dashihao, reason="重复登记", version=stale)
    errand.refresh_from_db()
    assert errand.state == State.PROCESSING


@pytest.mark.django_db
def test_it_refuses_staff_of_another_grid(grid1, grid2):
    errand = register(grid1)
    with pytest.raises(services.ErrandError, match="无权"):
        services.errand_start(errand=errand, by=grid2)
    errand.refresh_from_db()
    assert errand.state == State.REGISTERED
