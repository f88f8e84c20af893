"""Re-encoding uploaded photos: no metadata survives, the picture is upright and bounded, and
files that are not pictures or claim too many pixels are refused."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops

from zhicun.lib.images import ImageRefused, reencode

GPS, MODEL, ORIENTATION = 0x8825, 0x0110, 0x0112


def upload(image: Image.Image, name: str, fmt: str, **save) -> SimpleUploadedFile:
    buf = io.BytesIO()
    image.save(buf, fmt, **save)
    return SimpleUploadedFile(name, buf.getvalue())


def phone_photo(orientation: int = 1, size=(40, 20)) -> SimpleUploadedFile:
    """Left half red, right half blue, with the EXIF a phone writes: GPS position and model."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[MODEL] = "ZC-Phone X1"
    exif[ORIENTATION] = orientation
    exif[GPS] = {1: "N", 2: (41.0, 1.0, 30.0), 3: "E", 4: (113.0, 8.0, 12.0)}
    return upload(image, "IMG_0001.jpg", "JPEG", exif=exif, quality=95)


def png_bomb(width: int, height: int) -> bytes:
    """A valid greyscale PNG of `width` × `height` black pixels: tiny on disk, huge decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    squeeze = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte + pixels
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def reopened(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content))


def test_the_original_carries_gps_and_the_device():
    original = reopened(phone_photo().read())
    assert original.getexif()[MODEL] == "ZC-Phone X1"
    assert original.getexif().get_ifd(GPS)[1] == "N"


def test_it_drops_the_gps_position_and_every_other_metadata():
    out = reencode(phone_photo())
    image = reopened(out.content)
    assert (out.content_type, out.extension, image.format) == ("image/jpeg", "jpg", "JPEG")
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Exif" not in out.content and b"ZC-Phone" not in out.content


def test_it_turns_the_picture_upright_as_the_exif_orientation_says():
    # Orientation 6: the stored pixels must be turned 90° clockwise; the left half goes up.
    out = reencode(phone_photo(orientation=6))
    image = reopened(out.content).convert("RGB")
    assert image.size == out.size == (20, 40)
    red, green, blue = image.getpixel((10, 5))
    assert red > 200 and blue < 60
    red, green, blue = image.getpixel((10, 35))
    assert blue > 200 and red < 60


def test_it_limits_the_long_side():
    out = reencode(upload(Image.new("RGB", (3000, 1200), "white"), "wide.png", "PNG"), "w.png")
    assert out.size == reopened(out.content).size == (2560, 1024)
    assert reencode(phone_photo(), max_side=10).size == (10, 5)


def test_it_keeps_transparency_as_png_and_makes_other_pictures_jpeg():
    clear = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    clear.paste((0, 128, 0, 255), (0, 0, 5, 10))
    out = reencode(upload(clear, "logo.png", "PNG", pnginfo=None))
    assert (out.content_type, out.extension) == ("image/png", "png")
    assert ImageChops.difference(reopened(out.content).convert("RGBA"), clear).getbbox() is None
    flat = reencode(upload(Image.new("RGB", (10, 10), "green"), "flat.png", "PNG"))
    assert (flat.content_type, reopened(flat.content).format) == ("image/jpeg", "JPEG")


def test_it_refuses_a_decompression_bomb_in_chinese():
    # 10000 × 10000 = 100 million pixels, over Pillow's limit, in about 100 KB.
    bomb = png_bomb(10_000, 10_000)
    assert len(bomb) < 200_000
    with pytest.raises(ImageRefused) as e:
        reencode(SimpleUploadedFile("bomb.png", bomb))
    assert e.value.message == "「bomb.png」的像素数过多，疑似恶意构造的文件，已拒绝"


def test_it_refuses_a_bomb_far_over_the_limit_that_pillow_itself_rejects():
    with pytest.raises(ImageRefused) as e:
        reencode(SimpleUploadedFile("huge.png", png_bomb(15_000, 15_000)))
    assert "像素数过多" in e.value.message


def test_it_refuses_a_picture_over_a_lowered_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 799)
    with pytest.raises(ImageRefused):
        reencode(phone_photo())  # 40 × 20 = 800 pixels


GIF = upload(Image.new("RGB", (4, 4)), "x.gif", "GIF").read()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 this is a program, not a photo", "「x.jpg」不是有效的图片文件"),
        (phone_photo().read()[:300], "「x.jpg」不是有效的图片文件"),
        (
            upload(Image.new("RGB", (4, 4)), "x.gif", "GIF").read(),
            "「x.jpg」只能是 JPG 或 PNG 图片",
        ),
    ],
)
def test_it_refuses_what_is_not_a_jpeg_or_png_picture(content, message):
    with pytest.raises(ImageRefused) as e:
        reencode(SimpleUploadedFile("x.jpg", content))
    assert e.value.message == message
