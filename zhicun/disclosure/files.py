"""Attachments: the type is decided by the content, and their text is read for the PII check.

Pictures are re-encoded (zhicun.lib.images) so that what is published carries no EXIF such as
the GPS position where a phone photo was taken; PDFs and workbooks are kept as uploaded.
"""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from zhicun.lib.images import ImageRefused, reencode

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# extension -> content type; the content must agree with the extension.
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
XLSX = ALLOWED[".xlsx"]
PDF = ALLOWED[".pdf"]
PAGE_BREAK = "\f"


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    size: int
    text: str
    content: bytes  # what is stored: the upload itself, or the re-encoded picture


def max_bytes() -> int:
    return getattr(settings, "ZHICUN_DISCLOSURE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def sniff(head: bytes, data_for_zip) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(data_for_zip) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return XLSX
        except zipfile.BadZipFile:
            return None
    return None


def check_upload(upload) -> Checked:
    """The upload's type, size and extracted text, or a Chinese ValidationError."""
    name = (upload.name or "附件").rsplit("/", 1)[-1][:120]
    ext = name[name.rfind(".") :].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError(f"「{name}」的类型不允许，只能上传 PDF、JPG、PNG 或 XLSX 文件")
    if upload.size > max_bytes():
        raise ValidationError(f"「{name}」超过 {max_bytes() // (1024 * 1024)} MB")
    if upload.size == 0:
        raise ValidationError(f"「{name}」是空文件")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = sniff(data[:16], io.BytesIO(data))
    if kind != ALLOWED[ext]:
        raise ValidationError(f"「{name}」的内容与扩展名不符或文件已损坏")
    if kind.startswith("image/"):
        return _picture(name, data)
    return Checked(
        name=name,
        content_type=kind,
        size=len(data),
        text=extract_text(kind, data, name),
        content=data,
    )


def _picture(name: str, data: bytes) -> Checked:
    """The picture's pixels only; the name takes the extension of what was written (a PNG
    without transparency becomes a JPEG)."""
    try:
        picture = reencode(io.BytesIO(data), name)
    except ImageRefused as error:
        raise ValidationError(error.message) from None
    stem = name[: name.rfind(".")]
    return Checked(
        name=f"{stem}.{picture.extension}",
        content_type=picture.content_type,
        size=len(picture.content),
        text="",
        content=picture.content,
    )


def extract_text(content_type: str, data: bytes, name: str) -> str:
    if content_type == XLSX:
        return _xlsx_text(data, name)
    if content_type == PDF:
        return _pdf_text(data)
    return ""


def _xlsx_text(data: bytes, name: str) -> str:
    """One block per sheet, separated by form feeds: the sheet name, then one line per row."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        blocks = []
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            lines = ["\t".join(_cell(c) for c in row) for row in rows]
            blocks.append(sheet_name + "\n" + "\n".join(lines))
    except Exception as error:  # calamine raises its own errors for damaged files
        raise ValidationError(f"「{name}」无法读取：{error.__class__.__name__}") from None
    return PAGE_BREAK.join(blocks)


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _pdf_text(data: bytes) -> str:
    """Text of each page separated by form feeds; scanned pages yield nothing (no OCR)."""
    try:
        from pdfminer.high_level import extract_text as pdf_extract
    except ImportError:  # pragma: no cover - pdfminer.six is a declared dependency
        return ""
    try:
        return pdf_extract(io.BytesIO(data))
    except Exception:  # a PDF we cannot parse is still a PDF; the reviewer reads it
        return ""


def attachment_texts(attachment) -> list[tuple[str, str]]:
    """(where, text) pairs for the PII check: per sheet of a workbook, per page of a PDF."""
    if not attachment.text:
        return []
    blocks = attachment.text.split(PAGE_BREAK)
    out = []
    for index, block in enumerate(blocks, start=1):
        if attachment.content_type == XLSX:
            sheet, _, rows = block.partition("\n")
            out.append((f"附件「{attachment.name}」工作表「{sheet}」", rows))
        else:
            out.append((f"附件「{attachment.name}」第 {index} 页", block))
    return out
