"""Reporting a case: numbers, responsibility, people concerned, photos and double submission."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhicun.audit.models import AuditEvent
from zhicun.cases.models import Case, CaseCounter, CasePhoto, Source, State
from zhicun.cases.services import CaseError, next_number
from zhicun.cases.tests.factories import DAISHIHAO, HAMLET_A, XIAOSHIHAO, report
from zhicun.lib.tests.test_images import png_bomb
from zhicun.registry.tests.factories import household
from zhicun.units.models import Unit


def png(name="site.png", size=(8, 8), fmt="PNG", mode="RGB", colour="green"):
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_it_numbers_cases_by_county_date_and_daily_sequence(collector1):
    with time_machine.travel(dt.datetime(2026, 11, 28, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))):
        first, second = report(collector1), report(collector1)
    assert first.number == "150902-20261128-0001"
    assert second.number == "150902-20261128-0002"
    assert CaseCounter.objects.get().last == 2


def test_it_starts_each_day_at_one(db):
    moment = dt.datetime(2026, 11, 29, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert next_number("150902200201001001", moment) == "150902-20261129-0001"
    assert next_number("150902200201", moment) == "150902-20261129-0002"


def test_it_makes_the_village_responsible_for_a_case_in_a_hamlet(collector1):
    case = report(collector1)
    assert (case.origin_code, case.responsible_code) == (HAMLET_A, DAISHIHAO)
    assert (case.state, case.source, case.reporter_user) == (
        State.REPORTED,
        Source.STAFF,
        collector1,
    )
    assert case.events.get().action == "report"


def test_it_refuses_a_report_outside_the_reporters_units(collector1):
    with pytest.raises(CaseError) as e:
        report(collector1, unit_code=XIAOSHIHAO)
    assert "无权" in e.value.message
    assert Case.objects.count() == 0


def test_it_links_people_concerned_only_inside_the_scope(collector1, dashihao):
    mine = household(Unit.objects.get(code=HAMLET_A), head_name="王秀英").head
    other = household(Unit.objects.get(code=XIAOSHIHAO + "001001"), head_name="外村人").head
    case = report(dashihao, persons=[mine])
    assert list(case.persons.all()) == [mine]
    with pytest.raises(CaseError):
        report(dashihao, persons=[other])
    assert Case.objects.count() == 1


def test_it_keeps_photos_checked_by_their_content(collector1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clear = png("clear.png", mode="RGBA", colour=(0, 0, 0, 0))
    case = report(collector1, photos=[png(), png("p.jpg", fmt="JPEG"), clear])
    # Re-encoded: JPEG unless the picture has transparency, whatever the upload was.
    assert sorted(case.photos.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/jpeg",
        "image/png",
    ]
    for photo in case.photos.all():
        with photo.image.open("rb") as f, Image.open(f) as image:
            assert image.format == photo.content_type.removeprefix("image/").upper()
            assert photo.image.name.endswith(".png" if image.format == "PNG" else ".jpg")


def test_it_stores_a_phone_photo_without_its_gps_position(collector1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buf, exif = io.BytesIO(), Image.Exif()
    exif[0x0110], exif[0x0112] = "ZC-Phone X1", 6
    exif[0x8825] = {1: "N", 2: (41.0, 1.0, 30.0), 3: "E", 4: (113.0, 8.0, 12.0)}
    Image.new("RGB", (40, 20), "green").save(buf, "JPEG", exif=exif)
    case = report(collector1, photos=[SimpleUploadedFile("IMG_0001.jpg", buf.getvalue())])
    with case.photos.get().image.open("rb") as f, Image.open(f) as stored:
        assert len(stored.getexif()) == 0
        assert stored.size == (20, 40)  # turned upright


def test_it_refuses_a_decompression_bomb_and_saves_nothing(collector1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bomb = SimpleUploadedFile("bomb.png", png_bomb(10_000, 10_000))
    with pytest.raises(CaseError) as e:
        report(collector1, photos=[png(), bomb])
    assert e.value.message == "「bomb.png」的像素数过多，疑似恶意构造的文件，已拒绝"
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert not AuditEvent.objects.filter(action="case.report").exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("fake.jpg", b"MZ\x90\x00 not an image"), "不是有效的图片"),
        (png("a.gif", fmt="GIF"), "只能是 JPG 或 PNG"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_jpeg_or_png(
    collector1, upload, message, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(CaseError) as e:
        report(collector1, photos=[upload])
    assert message in e.value.message
    assert Case.objects.count() == 0


def test_it_refuses_a_photo_over_the_size_limit(collector1, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ZHICUN_CASE_PHOTO_MAX_BYTES = 100
    with pytest.raises(CaseError) as e:
        report(collector1, photos=[png(size=(200, 200))])
    assert "超过" in e.value.message


def test_it_creates_one_case_for_a_form_submitted_twice(collector1):
    first = report(collector1, idempotency_key="k-1")
    second = report(collector1, idempotency_key="k-1")
    assert first.pk == second.pk
    assert Case.objects.count() == 1
    assert CaseCounter.objects.get().last == 1


def test_it_refuses_someone_elses_form_key(collector1, dashihao):
    report(collector1, idempotency_key="k-2")
    with pytest.raises(CaseError):
        report(dashihao, idempotency_key="k-2")
