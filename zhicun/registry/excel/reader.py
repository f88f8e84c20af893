"""Reading an uploaded spreadsheet safely: size, row and zip-bomb limits, macro and XML entity
checks, CSV encoding detection, and finding the header row."""

import csv
import ctypes
import io
import itertools
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from python_calamine import CalamineWorkbook

from zhicun.registry.excel.columns import HEADERS, Column, header_key

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb", ".xla")
MACRO_CONTENT_TYPES = ("macroEnabled", "vbaProject", "vba")
HEADER_SCAN_ROWS = 10
POOLED = 5000


class FileRefused(ValueError):
    """The file is refused as a whole; the message says why, in Chinese."""


def max_bytes() -> int:
    return getattr(settings, "REGISTRY_IMPORT_MAX_BYTES", 10 * MB)


def max_rows() -> int:
    return getattr(settings, "REGISTRY_IMPORT_MAX_ROWS", 20000)


def max_unzipped() -> int:
    return getattr(settings, "REGISTRY_IMPORT_MAX_UNZIPPED", 200 * MB)


@dataclass
class Table:
    """The data rows of one sheet, with each column mapped to the layout."""

    kind: str  # "xlsx", "xls" or "csv"
    encoding: str = ""  # CSV only
    sheet: str = ""
    header_row: int = 1  # 1-based, as the spreadsheet shows it
    columns: dict[int, Column] = field(default_factory=dict)  # cell index -> column
    ignored: list[str] = field(default_factory=list)  # headers not understood
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)


def read_table(data: bytes, file_name: str) -> Table:
    if len(data) > max_bytes():
        raise FileRefused(f"文件过大（{len(data) / MB:.1f} MB），上限 {max_bytes() // MB} MB")
    if not data:
        raise FileRefused("文件是空的")
    name = file_name.lower()
    if name.endswith(MACRO_SUFFIXES):
        raise FileRefused("不接受带宏的文件（.xlsm 等），请另存为 .xlsx 后再上传")
    kind = sniff(data, name)
    if kind == "xlsx":
        inspect_xlsx(data)
        return _read_workbook(data, kind)
    if kind == "xls":
        if "_VBA_PROJECT".encode("utf-16-le") in data:
            raise FileRefused("不接受带宏的文件，请删除宏或另存为 .xlsx 后再上传")
        return _read_workbook(data, kind)
    return _read_csv(data)


def release_native_memory() -> None:
    """Hand memory freed by C code back to the system (where the C library can: glibc).

    calamine holds a whole sheet in native memory (some 200 MB for 100,000 rows), and the C
    library keeps what is freed for later; without this, the rest of a large import and the
    next request in the same process would come on top of it."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def sniff(data: bytes, name: str) -> str:
    """The file's real type, from its first bytes; the extension must agree."""
    if data.startswith(ZIP_MAGIC):
        kind = "xlsx"
    elif data.startswith(OLE_MAGIC):
        kind = "xls"
    else:
        kind = "csv"
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ("xlsx", "xls", "csv", "txt"):
        raise FileRefused("只接受 .xlsx、.xls 或 .csv 文件")
    if (suffix == "txt" and kind != "csv") or (suffix != "txt" and suffix != kind):
        raise FileRefused(f"文件内容与扩展名 .{suffix} 不符，请用 Excel 另存为正确的格式")
    return kind


def inspect_xlsx(data: bytes) -> None:
    """Refuse zip bombs, macros and XML with DTDs before any spreadsheet parser sees the file.

    Member sizes are counted while actually inflating, since a zip's declared sizes can lie.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused("无法读取该 .xlsx 文件（文件已损坏或不是 Excel 文件）") from None
    if len(members) > 2000:
        raise FileRefused("该 .xlsx 文件结构异常（内部文件过多），已拒绝")
    names = {m.filename.lower() for m in members}
    if any(n.endswith("vbaproject.bin") or n.endswith(".bin") and "vba" in n for n in names):
        raise FileRefused("文件中含有宏（vbaProject.bin），已拒绝；请另存为不含宏的 .xlsx")
    if "[content_types].xml" not in names:
        raise FileRefused("无法读取该 .xlsx 文件（缺少 [Content_Types].xml）")
    limit = max_unzipped()
    total = 0
    for member in members:
        if member.is_dir():
            continue
        head = b""
        try:
            with archive.open(member) as f:
                while total <= limit and (chunk := f.read(MB)):
                    head = head or chunk[:4096]
                    total += len(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise FileRefused("无法读取该 .xlsx 文件（压缩数据已损坏）") from None
        if total > limit:
            raise FileRefused(f"该 .xlsx 文件解压后超过 {limit // MB} MB（疑似压缩炸弹），已拒绝")
        lowered = member.filename.lower()
        if lowered.endswith((".xml", ".rels")) and (b"<!DOCTYPE" in head or b"<!ENTITY" in head):
            raise FileRefused("文件中含有 XML 实体声明（可能是攻击文件），已拒绝")
        if lowered == "[content_types].xml":
            _check_content_types(archive.read(member))


def _check_content_types(xml: bytes) -> None:
    try:
        root = ElementTree.fromstring(xml)
    except DefusedXmlException:
        raise FileRefused("文件中含有 XML 实体声明（可能是攻击文件），已拒绝") from None
    except ElementTree.ParseError:
        raise FileRefused("无法读取该 .xlsx 文件（[Content_Types].xml 格式错误）") from None
    for element in root:
        content_type = element.get("ContentType", "")
        if any(marker in content_type for marker in MACRO_CONTENT_TYPES):
            raise FileRefused("文件中含有宏，已拒绝；请另存为不含宏的 .xlsx")


def _read_workbook(data: bytes, kind: str) -> Table:
    try:
        return _read_sheets(data, kind)
    finally:
        release_native_memory()


def _read_sheets(data: bytes, kind: str) -> Table:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, _name in enumerate(workbook.sheet_names):
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height > max_rows() + HEADER_SCAN_ROWS + 1:
                raise FileRefused(
                    f"工作表“{sheet.name}”有 {sheet.height} 行，超过上限 {max_rows()} 行；"
                    "请拆分成多个文件"
                )
            # calamine starts the grid at the first used cell; keep spreadsheet row numbers.
            first_row = sheet.start[0] if sheet.start else 0
            table = _locate_header(sheet.iter_rows(), kind, first_offset=first_row)
            if table is not None:
                table.sheet = sheet.name
                return table
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 (calamine raises several unrelated error types)
        raise FileRefused(f"无法读取该 .{kind} 文件，请用 Excel 打开后另存再试") from None
    raise FileRefused(_no_header_message())


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(","):
        delimiter = "\t"
    elif sample.count(";") > sample.count(","):
        delimiter = ";"
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append(row)
        if len(rows) > max_rows() + HEADER_SCAN_ROWS + 1:
            raise FileRefused(f"文件超过 {max_rows()} 行的上限，请拆分成多个文件")
    table = _locate_header(rows, "csv", first_offset=0)
    if table is None:
        raise FileRefused(_no_header_message())
    table.encoding = encoding
    return table


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was found in: UTF-8 (with or without BOM), GBK or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8（带 BOM）"
        except UnicodeDecodeError:
            pass
    for codec, label in (("utf-8", "UTF-8"), ("gbk", "GBK"), ("gb18030", "GB18030")):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise FileRefused("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV")


def _locate_header(rows: Iterable[list], kind: str, first_offset: int) -> Table | None:
    """The header is the first of the top rows naming 姓名 and 身份证号码 among known columns."""
    rows = iter(rows)
    top = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    for i, row in enumerate(top):
        mapped: dict[int, Column] = {}
        ignored: list[str] = []
        for j, cell in enumerate(row):
            key = header_key(cell if isinstance(cell, str) else "")
            if not key:
                continue
            column = HEADERS.get(key)
            if column is None or column in mapped.values():
                ignored.append(str(cell).strip())
            else:
                mapped[j] = column
        found = {c.name for c in mapped.values()}
        if {"person.name", "person.id_number"} <= found:
            table = Table(kind=kind, header_row=first_offset + i + 1, columns=mapped)
            table.ignored = ignored
            table.rows = _data_rows(itertools.chain(top[i + 1 :], rows), first_offset + i + 2)
            if len(table.rows) > max_rows():
                raise FileRefused(
                    f"文件有 {len(table.rows)} 行数据，超过上限 {max_rows()} 行；请拆分成多个文件"
                )
            return table
    return None


def _data_rows(rows: Iterable[list], first: int) -> list[tuple[int, list]]:
    """The non-empty rows with their spreadsheet numbers.

    A column's repeated texts (民族, 与户主关系 …) are kept once, not once per row: a large
    file then takes a fraction of the memory. Columns of mostly distinct texts (names, ID
    numbers) stop being pooled after POOLED values.
    """
    pools: list[dict | None] = []
    found = []
    for k, cells in enumerate(rows, start=first):
        if not any(c not in (None, "") and str(c).strip() for c in cells):
            continue
        if len(pools) < len(cells):
            pools.extend({} for _ in range(len(cells) - len(pools)))
        for j, cell in enumerate(cells):
            pool = pools[j]
            if pool is not None and type(cell) is str:
                cells[j] = pool.setdefault(cell, cell)
                if len(pool) > POOLED:
                    pools[j] = None
        found.append((k, cells))
    return found


def _no_header_message() -> str:
    return "没有找到表头：前 10 行中应有一行包含“姓名”“身份证号码”等列名；请使用导入模板"
