import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhicun.audit.models import AuditEvent
from zhicun.disclosure import services
from zhicun.disclosure.models import Kind, Publication, Status
from zhicun.registry.tests.factories import id_number


def test_it_runs_draft_review_published(draft, dashihao):
    pub = draft()
    services.publication_submit(by=dashihao, publication=pub)
    services.publication_approve(by=dashihao, publication=pub)
    pub.refresh_from_db()
    assert pub.status == Status.PUBLISHED
    assert pub.published_at is not None
    assert list(pub.events.values_list("action", flat=True)) == ["create", "submit", "publish"]
    assert AuditEvent.objects.filter(action="disclosure.publish", object_id=str(pub.pk)).exists()


def test_it_lets_only_the_supervisor_review_financial_disclosures(draft, dashihao, jiandu):
    pub = draft(kind=Kind.FINANCE, title="10月财务公开")
    services.publication_submit(by=dashihao, publication=pub)
    with pytest.raises(PermissionDenied, match="监督员"):
        services.publication_approve(by=dashihao, publication=pub)
    pub.refresh_from_db()
    assert pub.status == Status.REVIEW
    services.publication_approve(by=jiandu, publication=pub)
    pub.refresh_from_db()
    assert pub.status == Status.PUBLISHED
    assert pub.reviewed_by == jiandu


def test_it_does_not_let_the_supervisor_review_other_kinds(draft, dashihao, jiandu):
    pub = draft()
    services.publication_submit(by=dashihao, publication=pub)
    with pytest.raises(PermissionDenied):
        services.publication_approve(by=jiandu, publication=pub)


def test_it_refuses_an_outsider_village_chief(village, xiaoshihao):
    with pytest.raises(PermissionDenied):
        services.publication_create(by=xiaoshihao, unit=village, kind=Kind.AFFAIRS, title="x")
    assert not Publication.objects.exists()


def test_it_refuses_a_draft_with_an_id_number_naming_the_place(draft, dashihao):
    number = id_number(__import__("datetime").date(1980, 1, 2))
    pub = draft(body=f"一、低保名单\n二、户主王五 {number}")
    with pytest.raises(ValidationError) as error:
        services.publication_submit(by=dashihao, publication=pub)
    assert "正文第 2 行第 8 字附近发现身份证号码" in error.value.messages[0]
    pub.refresh_from_db()
    assert pub.status == Status.DRAFT


def test_it_refuses_a_phone_number_in_the_title(draft, dashihao):
    pub = draft(title="联系 13912345678 领取补贴")
    with pytest.raises(ValidationError, match="标题第 1 行第 4 字附近发现手机号码"):
        services.publication_submit(by=dashihao, publication=pub)


def test_it_never_changes_a_published_version(published, dashihao):
    pub = published()
    with pytest.raises(ValidationError, match="只有草稿"):
        services.publication_update(by=dashihao, publication=pub, title="改", body="改")
    pub.refresh_from_db()
    assert pub.title == "2026年第三季度村务公开"


def test_it_publishes_a_correction_as_a_new_version(published, dashihao):
    first = published()
    second = services.publication_correct(by=dashihao, publication=first, note="里程有误")
    services.publication_update(
        by=dashihao, publication=second, title=first.title, body="本季度修缮村道 2.5 公里。"
    )
    services.publication_submit(by=dashihao, publication=second)
    services.publication_approve(by=dashihao, publication=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.SUPERSEDED, Status.PUBLISHED)
    assert first.body == "本季度修缮村道 2 公里。"
    assert second.number == 2 and second.series == first.series
    assert [p.number for p in second.public_versions()] == [1, 2]


def test_it_allows_one_correction_at_a_time(published, dashihao):
    pub = published()
    services.publication_correct(by=dashihao, publication=pub, note="a")
    with pytest.raises(ValidationError, match="已有正在编辑"):
        services.publication_correct(by=dashihao, publication=pub, note="b")


def test_it_withdraws_with_a_public_reason(published, dashihao):
    pub = published()
    with pytest.raises(ValidationError):
        services.publication_withdraw(by=dashihao, publication=pub, reason="")
    services.publication_withdraw(by=dashihao, publication=pub, reason="内容重复发布")
    pub.refresh_from_db()
    assert pub.status == Status.WITHDRAWN
    assert pub.withdraw_reason == "内容重复发布"
    assert Publication.objects.public().filter(pk=pub.pk).exists()


def test_it_sends_a_rejected_draft_back_with_a_note(draft, dashihao):
    pub = draft()
    services.publication_submit(by=dashihao, publication=pub)
    services.publication_reject(by=dashihao, publication=pub, note="补充附件")
    pub.refresh_from_db()
    assert pub.status == Status.DRAFT
    assert pub.events.last().note == "补充附件"
