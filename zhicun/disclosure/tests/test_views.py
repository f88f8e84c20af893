import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from zhicun.disclosure import services
from zhicun.disclosure.models import Attachment, Direction, Kind, LedgerEntry, Publication, Status
from zhicun.lib.tests.test_images import phone_photo


def test_it_lets_the_chief_draft_and_submit_from_the_pages(login, dashihao, village):
    client = login(dashihao)
    r = client.post(
        "/disclosure/new/",
        {"unit": village.pk, "kind": Kind.NOTICE, "title": "秋收防火通知", "body": "注意防火"},
    )
    assert r.status_code == 302
    pub = Publication.objects.get()
    r = client.post(f"/disclosure/{pub.pk}/act/", {"action": "submit"})
    assert r.status_code == 302
    pub.refresh_from_db()
    assert pub.status == Status.REVIEW
    r = client.get(f"/disclosure/{pub.pk}/")
    assert r.status_code == 200
    assert "审核通过并发布" in r.content.decode()


def test_it_shows_the_refusal_with_the_place_named(login, dashihao, draft):
    pub = draft(body="名单：\n王五 13912345678")
    r = login(dashihao).post(f"/disclosure/{pub.pk}/act/", {"action": "submit"}, follow=True)
    assert "正文第 2 行第 4 字附近发现手机号码" in r.content.decode()
    pub.refresh_from_db()
    assert pub.status == Status.DRAFT


def test_it_hides_another_villages_publication_from_outsiders(login, xiaoshihao, draft):
    pub = draft()
    client = login(xiaoshihao)
    assert client.get(f"/disclosure/{pub.pk}/").status_code == 404
    assert client.post(f"/disclosure/{pub.pk}/act/", {"action": "submit"}).status_code == 404
    assert pub.title not in client.get("/disclosure/").content.decode()


def test_it_escapes_script_in_the_body(login, dashihao, published):
    pub = published(body="<script>alert('x')</script>**粗体**")
    r = login(dashihao).get(f"/disclosure/{pub.pk}/")
    html = r.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html and "<strong>粗体</strong>" in html


def _xlsx(rows):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_refuses_a_spreadsheet_attachment_holding_an_id_number(login, dashihao, draft):
    from zhicun.registry.tests.factories import id_number

    pub = draft()
    number = id_number(dt.date(1975, 3, 4))
    data = _xlsx([["姓名", "身份证"], ["王五", number]])
    client = login(dashihao)
    client.post(f"/disclosure/{pub.pk}/attach/", {"files": SimpleUploadedFile("名单.xlsx", data)})
    assert Attachment.objects.filter(publication=pub).count() == 1
    r = client.post(f"/disclosure/{pub.pk}/act/", {"action": "submit"}, follow=True)
    assert "附件「名单.xlsx」工作表「Sheet」第 2 行" in r.content.decode()
    pub.refresh_from_db()
    assert pub.status == Status.DRAFT


def test_it_refuses_a_file_whose_content_does_not_match(login, dashihao, draft):
    pub = draft()
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    r = login(dashihao).post(f"/disclosure/{pub.pk}/attach/", {"files": fake}, follow=True)
    assert "内容与扩展名不符" in r.content.decode()
    assert not Attachment.objects.exists()


def test_it_serves_draft_files_only_to_staff_in_scope(login, client, dashihao, xiaoshihao, draft):
    pub = draft()
    services.attachment_add(by=dashihao, publication=pub, upload=phone_photo())
    attachment = Attachment.objects.get()
    assert client.get(f"/disclosure/files/{attachment.pk}/").status_code == 404
    assert login(xiaoshihao).get(f"/disclosure/files/{attachment.pk}/").status_code == 404
    assert login(dashihao).get(f"/disclosure/files/{attachment.pk}/").status_code == 200


def test_it_records_ledger_entries_and_generates_the_disclosure(login, dashihao, village):
    client = login(dashihao)
    r = client.post(
        f"/disclosure/ledger/?unit={village.code}",
        {
            "unit": village.code,
            "date": "2026-10-03",
            "direction": Direction.EXPENSE,
            "category": "公益支出",
            "item": "修水管",
            "amount": "1,250.50",
            "voucher": "记-12",
        },
    )
    assert r.status_code == 302
    assert LedgerEntry.objects.get().amount == 125_050
    r = client.post(
        "/disclosure/ledger/generate/", {"unit": village.code, "year": 2026, "period": "m10"}
    )
    pub = Publication.objects.get(kind=Kind.FINANCE)
    assert r.status_code == 302
    assert pub.data["expense_total"] == 125_050
    assert "1,250.50" in client.get(f"/disclosure/{pub.pk}/").content.decode()


def test_the_ledger_of_another_village_is_404(login, xiaoshihao, village):
    assert login(xiaoshihao).get(f"/disclosure/ledger/?unit={village.code}").status_code == 404


def test_the_completion_page_lists_villages_in_scope_only(login, malianqu, xiaoshihao):
    html = login(malianqu).get("/disclosure/completion/").content.decode()
    assert "大十号村" in html and "小十号村" in html and "白海子村" not in html
    html = login(xiaoshihao).get("/disclosure/completion/").content.decode()
    assert "大十号村" not in html


def test_the_log_page_records_and_publishes_an_entry(login, dashihao, village):
    client = login(dashihao)
    r = client.post(
        "/disclosure/log/",
        {"unit": village.pk, "date": dt.date.today().isoformat(), "happened": "走访东梁"},
    )
    assert r.status_code == 302
    entry = village.__class__.objects.none()
    from zhicun.disclosure.models import LogEntry

    entry = LogEntry.objects.get()
    client.post(f"/disclosure/log/{entry.pk}/publish/")
    entry.refresh_from_db()
    assert entry.publication.kind == Kind.LOG and entry.publication.status == Status.REVIEW


def test_the_home_panel_counts_what_waits_for_review(login, dashihao, jiandu, draft):
    pub = draft(kind=Kind.FINANCE, title="财务")
    services.publication_submit(by=dashihao, publication=pub)
    r = login(jiandu).get("/")
    assert r.status_code == 200
    assert "待我审核" in r.content.decode()


def test_the_chief_changes_the_village_settings(login, dashihao, grid1, village):
    assert login(grid1).get(f"/disclosure/settings/{village.code}/").status_code == 403
    client = login(dashihao)
    r = client.post(
        f"/disclosure/settings/{village.code}/",
        {"affairs_months": 3, "finance_months": 1, "report_threshold": 5, "premoderation": "on"},
    )
    assert r.status_code == 302
    from zhicun.disclosure.models import DisclosureSettings

    rule = DisclosureSettings.objects.get(unit=village)
    assert rule.premoderation and rule.report_threshold == 5
