import pytest

from zhicun.disclosure import services as disclosure
from zhicun.disclosure.models import CommentStatus, Kind
from zhicun.portal.tests.factories import villager


@pytest.fixture
def publish(dashihao, village):
    def make(kind=Kind.AFFAIRS, title="村道修缮公示", body="修缮村道 2 公里"):
        pub = disclosure.publication_create(
            by=dashihao, unit=village, kind=kind, title=title, body=body
        )
        disclosure.publication_submit(by=dashihao, publication=pub)
        return disclosure.publication_approve(by=dashihao, publication=pub)

    return make


def test_anyone_reads_the_village_board_without_login(client, publish, village):
    publish(kind=Kind.RULES, title="大十号村村规民约")
    r = client.get(f"/p/{village.code}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "大十号村村规民约" in html
    assert "李永胜" in html  # the chief, as a contact
    assert "echarts" not in html.lower()


def test_drafts_and_reviews_are_not_public(client, dashihao, village):
    pub = disclosure.publication_create(
        by=dashihao, unit=village, kind=Kind.NOTICE, title="内部草稿"
    )
    assert client.get(f"/p/{village.code}/a/{pub.pk}/").status_code == 404
    assert "内部草稿" not in client.get(f"/p/{village.code}/").content.decode()


def test_a_publication_is_only_found_under_its_own_village(client, publish, other_village):
    pub = publish()
    assert client.get(f"/p/{other_village.code}/a/{pub.pk}/").status_code == 404


def test_the_public_page_shows_the_version_history_and_withdrawal(
    client, publish, dashihao, village
):
    first = publish()
    second = disclosure.publication_correct(by=dashihao, publication=first, note="里程更正")
    disclosure.publication_submit(by=dashihao, publication=second)
    disclosure.publication_approve(by=dashihao, publication=second)
    html = client.get(f"/p/{village.code}/a/{second.pk}/").content.decode()
    assert "第 1 版" in html and "第 2 版" in html and "里程更正" in html
    assert "已被更正" in client.get(f"/p/{village.code}/a/{first.pk}/").content.decode()
    disclosure.publication_withdraw(by=dashihao, publication=second, reason="数据待核实")
    html = client.get(f"/p/{village.code}/a/{second.pk}/").content.decode()
    assert "数据待核实" in html


def test_the_village_board_shows_case_figures_without_personal_data(
    client, village, collector1, hamlet
):
    from zhicun.cases.models import Category
    from zhicun.cases.services import case_report

    case_report(
        by=collector1,
        title="王五家门前水管破裂",
        description="联系人王五",
        category=Category.objects.filter(parent__isnull=False).first(),
        origin_unit=hamlet,
    )
    html = client.get(f"/p/{village.code}/").content.decode()
    assert "按期办结率" in html
    assert "王五" not in html


def test_a_villager_comments_and_script_stays_text(login, publish, hamlet, village):
    pub = publish()
    client = login(villager(hamlet))
    client.post(
        f"/p/{village.code}/a/{pub.pk}/comment/",
        {"body": '<script>alert("x")</script><img src=x onerror=alert(1)>'},
    )
    html = client.get(f"/p/{village.code}/a/{pub.pk}/").content.decode()
    assert '<script>alert("x")' not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_a_comment_reported_three_times_disappears(client, login, publish, hamlet, village):
    pub = publish()
    author, *others = [villager(hamlet) for _ in range(4)]
    comment = disclosure.comment_add(by=author, publication=pub, body="这条留言会被举报")
    for other in others:
        login(other).post(f"/p/comments/{comment.pk}/report/")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN
    client.logout()
    assert "这条留言会被举报" not in client.get(f"/p/{village.code}/a/{pub.pk}/").content.decode()
    html = login(author).get("/p/me/").content.decode()
    assert "多名村民举报" in html


def test_staff_cannot_comment_as_villagers(login, publish, dashihao, village):
    pub = publish()
    r = login(dashihao).post(f"/p/{village.code}/a/{pub.pk}/comment/", {"body": "x"}, follow=True)
    assert "只有本村实名认证的村民可以留言" in r.content.decode()


def test_a_withdrawn_item_keeps_its_reason_but_not_its_content_or_files(
    client, publish, dashihao, village
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    pub = disclosure.publication_create(
        by=dashihao, unit=village, kind=Kind.NOTICE, title="误发的通知", body="误发内容"
    )
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")  # pictures are re-encoded: a real one
    png = buf.getvalue()
    attachment = disclosure.attachment_add(
        by=dashihao, publication=pub, upload=SimpleUploadedFile("a.png", png)
    )
    disclosure.publication_submit(by=dashihao, publication=pub)
    disclosure.publication_approve(by=dashihao, publication=pub)
    assert client.get(f"/disclosure/files/{attachment.pk}/").status_code == 200
    disclosure.publication_withdraw(by=dashihao, publication=pub, reason="发错了村")
    html = client.get(f"/p/{village.code}/a/{pub.pk}/").content.decode()
    assert "发错了村" in html and "误发内容" not in html
    assert client.get(f"/disclosure/files/{attachment.pk}/").status_code == 404
