"""The requester hears of the decision through the outbox, in the decision's transaction."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhicun.exports import kinds, services
from zhicun.exports.models import ExportRequest
from zhicun.notify.models import Message

Status = ExportRequest.Status


@pytest.fixture
def pending(grid1, unit):
    return ExportRequest.objects.create(
        kind="registry.persons",
        unit=unit("150902200201001"),
        requested_by=grid1,
        purpose="核对医保参保名单",
        rows=6000,
        format="csv",
    )


def test_it_tells_the_requester_of_an_approval_and_when_it_ends(pending, grid1, dashihao):
    req = services.decide(by=dashihao, req=pending, approve=True, reason="同意")

    message = Message.objects.get()
    assert message.recipient == grid1
    assert message.subject == f"【导出申请已批准】导出申请 #{req.pk}（6000 行）"
    until = timezone.localtime(req.expires_at)
    assert f"请在 {until:%Y-%m-%d %H:%M} 前" in message.body
    assert kinds.get("registry.persons").label in message.body
    assert "用途：核对医保参保名单" in message.body


def test_it_tells_the_requester_of_a_rejection_and_why(pending, grid1, dashihao):
    services.decide(by=dashihao, req=pending, approve=False, reason="不需要全部人员")

    message = Message.objects.get()
    assert message.recipient == grid1
    assert message.subject.startswith("【导出申请已驳回】")
    assert "驳回理由：不需要全部人员" in message.body


def test_a_refused_decision_sends_nothing(pending, dashihao):
    with pytest.raises(ValidationError):
        services.decide(by=dashihao, req=pending, approve=False, reason="")
    services.decide(by=dashihao, req=pending, approve=True, reason="")
    with pytest.raises(ValidationError):
        services.decide(by=dashihao, req=pending, approve=False, reason="晚了")

    assert list(Message.objects.values_list("subject", flat=True)) == [
        f"【导出申请已批准】导出申请 #{pending.pk}（6000 行）"
    ]
