import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.disclosure import services
from zhicun.disclosure.models import (
    Comment,
    CommentStatus,
    DisclosureSettings,
    ModerationAction,
)
from zhicun.portal.tests.factories import villager


@pytest.fixture
def pub(published):
    return published()


@pytest.fixture
def villagers(hamlet):
    return [villager(hamlet) for _ in range(4)]


def test_it_shows_a_villagers_comment_at_once(pub, villagers):
    comment = services.comment_add(
        by=villagers[0], publication=pub, body="村道什么时候修到后营子？"
    )
    assert comment.status == CommentStatus.VISIBLE


def test_it_holds_comments_when_the_village_premoderates(pub, villagers, dashihao, village):
    DisclosureSettings.objects.create(unit=village, premoderation=True)
    comment = services.comment_add(by=villagers[0], publication=pub, body="请问")
    assert comment.status == CommentStatus.PENDING
    services.comment_moderate(by=dashihao, comment=comment, action="approve")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    assert comment.moderation.get().action == "approve"


def test_it_refuses_staff_outsiders_and_villagers_of_other_villages(pub, dashihao, unit):
    outsider = villager(unit("150902200202001001"))
    for user in (dashihao, outsider):
        with pytest.raises(PermissionDenied):
            services.comment_add(by=user, publication=pub, body="x")


def test_it_refuses_a_comment_with_a_phone_number(pub, villagers):
    with pytest.raises(ValidationError, match="留言第 1 行第 4 字附近发现手机号码"):
        services.comment_add(by=villagers[0], publication=pub, body="请联系13812345678")
    assert not Comment.objects.exists()


def test_it_hides_a_comment_reported_three_times_and_tells_the_author(pub, villagers):
    comment = services.comment_add(by=villagers[0], publication=pub, body="胡说八道")
    for reporter in villagers[1:3]:
        services.comment_report(by=reporter, comment=comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.VISIBLE
    services.comment_report(by=villagers[3], comment=comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    assert comment.awaiting_review and comment.hidden_reason == services.REPORT_HIDDEN_REASON
    assert comment.moderation.get().action == ModerationAction.Action.HIDE_BY_REPORTS
    from zhicun.notify.models import Message

    assert Message.objects.filter(recipient=villagers[0], subject="您的留言已被隐藏").exists()


def test_it_counts_one_report_per_villager(pub, villagers):
    comment = services.comment_add(by=villagers[0], publication=pub, body="x")
    services.comment_report(by=villagers[1], comment=comment)
    with pytest.raises(ValidationError, match="已举报过"):
        services.comment_report(by=villagers[1], comment=comment)
    with pytest.raises(ValidationError, match="自己"):
        services.comment_report(by=villagers[0], comment=comment)
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_a_cadre_restores_or_hides_with_a_reason_and_replies(pub, villagers, dashihao, grid1):
    comment = services.comment_add(by=villagers[0], publication=pub, body="x")
    with pytest.raises(ValidationError):
        services.comment_moderate(by=dashihao, comment=comment, action="hide")
    services.comment_moderate(by=dashihao, comment=comment, action="hide", reason="人身攻击")
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == (CommentStatus.HIDDEN, "人身攻击")
    services.comment_moderate(by=dashihao, comment=comment, action="restore")
    reply = services.comment_reply(by=dashihao, comment=comment, body="已安排")
    assert reply.by_staff and reply.parent == comment
    assert list(comment.moderation.values_list("action", flat=True)) == [
        "hide",
        "restore",
        "reply",
    ]
    with pytest.raises(PermissionDenied):
        services.comment_moderate(
            by=grid1.__class__.objects.get(username="jiandu"),
            comment=comment,
            action="hide",
            reason="x",
        )
