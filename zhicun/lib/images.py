"""Uploaded photos, re-encoded: only the pixels are kept.

A phone photo carries EXIF metadata (where it was taken, which device, when); a crafted file
can claim billions of pixels to exhaust memory. `reencode` checks the content, refuses such a
"decompression bomb", turns the picture upright, shrinks it to a sensible size and writes a
fresh JPEG (PNG when it has transparency) with no metadata at all.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 2560
FORMATS = ("JPEG", "PNG")
JPEG_QUALITY = 85


class ImageRefused(ValueError):
    """A file that is not an acceptable image, with the Chinese message to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reencoded:
    content: bytes
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # "jpg" or "png"
    size: tuple[int, int]


BOMB = "「{}」的像素数过多，疑似恶意构造的文件，已拒绝"
NOT_AN_IMAGE = "「{}」不是有效的图片文件"


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _open(upload, name: str) -> Image.Image:
    """The image, opened lazily (header only) once its structure is verified and its pixel
    count is within Pillow's limit (`Image.MAX_IMAGE_PIXELS`)."""
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            width, height = probe.size
            if Image.MAX_IMAGE_PIXELS and width * height > Image.MAX_IMAGE_PIXELS:
                raise ImageRefused(BOMB.format(name))
            if probe.format not in FORMATS:
                raise ImageRefused(f"「{name}」只能是 JPG 或 PNG 图片")
            probe.verify()
        upload.seek(0)
        return Image.open(upload)
    except ImageRefused:
        raise
    except Image.DecompressionBombError:
        raise ImageRefused(BOMB.format(name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused(NOT_AN_IMAGE.format(name)) from None


def reencode(upload, name: str = "", max_side: int = MAX_SIDE) -> Reencoded:
    """The upload's pixels as a new JPEG or PNG at most `max_side` on the long side, upright,
    without EXIF, text or colour-profile metadata; raise ImageRefused otherwise."""
    name = name or getattr(upload, "name", "") or "图片"
    image = _open(upload, name)
    try:
        with image:
            if image.format == "JPEG":
                # Decode a large JPEG at a reduced scale straight away (1/2, 1/4 or 1/8).
                image.draft("RGB", (max_side, max_side))
            image.load()
            upright = ImageOps.exif_transpose(image)
            alpha = _has_alpha(upright)
            pixels = upright.convert("RGBA" if alpha else "RGB")
    except Image.DecompressionBombError:
        raise ImageRefused(BOMB.format(name)) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused(NOT_AN_IMAGE.format(name)) from None
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    pixels.info = {}
    out = io.BytesIO()
    if alpha:
        pixels.save(out, "PNG")
        return Reencoded(out.getvalue(), "image/png", "png", pixels.size)
    pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Reencoded(out.getvalue(), "image/jpeg", "jpg", pixels.size)
