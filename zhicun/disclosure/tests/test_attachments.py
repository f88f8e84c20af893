"""Attachments as published: pictures keep only their pixels (no GPS position), files that
claim too many pixels are refused before anything is stored, PDFs are kept byte for byte."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from zhicun.disclosure import services
from zhicun.disclosure.models import Attachment, Direction, LedgerAttachment, LedgerEntry
from zhicun.lib.tests.test_images import GPS, phone_photo, png_bomb

BOMB_MESSAGE = "「bomb.png」的像素数过多，疑似恶意构造的文件，已拒绝"


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_the_phone_photo_carries_a_gps_position_before_upload():
    with Image.open(phone_photo()) as original:
        assert original.getexif().get_ifd(GPS)[1] == "N"


def test_a_photo_attachment_is_stored_without_its_exif(dashihao, draft):
    pub = draft()
    attachment = services.attachment_add(by=dashihao, publication=pub, upload=phone_photo())
    with attachment.file.open("rb") as f:
        content = f.read()
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG"
        assert len(stored.getexif()) == 0
        assert stored.size == (40, 20)
    assert b"Exif" not in content and b"ZC-Phone" not in content
    assert (attachment.name, attachment.content_type) == ("IMG_0001.jpg", "image/jpeg")
    assert attachment.size == len(content)


def test_a_png_without_transparency_is_stored_as_a_jpeg_named_so(dashihao, draft):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")
    upload = SimpleUploadedFile("公示照片.png", buf.getvalue())
    attachment = services.attachment_add(by=dashihao, publication=draft(), upload=upload)
    assert (attachment.name, attachment.content_type) == ("公示照片.jpg", "image/jpeg")
    with attachment.file.open("rb") as f, Image.open(f) as stored:
        assert stored.format == "JPEG"


def test_a_decompression_bomb_is_refused_and_nothing_is_saved(dashihao, draft, tmp_path):
    pub = draft()
    bomb = SimpleUploadedFile("bomb.png", png_bomb(10_000, 10_000))
    with pytest.raises(ValidationError) as e:
        services.attachment_add(by=dashihao, publication=pub, upload=bomb)
    assert e.value.messages == [BOMB_MESSAGE]
    assert not Attachment.objects.exists()
    assert not pub.events.filter(action="attach").exists()
    assert stored_files(tmp_path) == []


def test_the_upload_page_shows_the_bomb_refusal(login, dashihao, draft, tmp_path):
    pub = draft()
    bomb = SimpleUploadedFile("bomb.png", png_bomb(10_000, 10_000))
    r = login(dashihao).post(f"/disclosure/{pub.pk}/attach/", {"files": bomb}, follow=True)
    assert BOMB_MESSAGE in r.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_pdf_is_kept_as_uploaded(dashihao, draft):
    data = b"%PDF-1.4\n% a small test file\n%%EOF\n"
    upload = SimpleUploadedFile("预算.pdf", data)
    attachment = services.attachment_add(by=dashihao, publication=draft(), upload=upload)
    assert (attachment.name, attachment.content_type) == ("预算.pdf", "application/pdf")
    with attachment.file.open("rb") as f:
        assert f.read() == data


def test_a_ledger_voucher_photo_is_stored_without_exif(dashihao, village):
    entry = services.ledger_entry_add(
        by=dashihao,
        unit=village,
        date=timezone.localdate(),
        direction=Direction.EXPENSE,
        category="管理费用",
        item="打印纸",
        amount=12000,
        uploads=[phone_photo()],
    )
    attachment = entry.attachments.get()
    with attachment.file.open("rb") as f, Image.open(f) as stored:
        assert len(stored.getexif()) == 0


def test_a_bomb_among_ledger_vouchers_saves_no_entry(dashihao, village, tmp_path):
    with pytest.raises(ValidationError) as e:
        services.ledger_entry_add(
            by=dashihao,
            unit=village,
            date=timezone.localdate(),
            direction=Direction.EXPENSE,
            category="管理费用",
            item="打印纸",
            amount=12000,
            uploads=[phone_photo(), SimpleUploadedFile("bomb.png", png_bomb(10_000, 10_000))],
        )
    assert e.value.messages == [BOMB_MESSAGE]
    assert not LedgerEntry.objects.exists() and not LedgerAttachment.objects.exists()
    assert stored_files(tmp_path) == []
