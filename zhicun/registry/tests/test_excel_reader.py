"""Reading uploads: encodings detected, and every protective limit refused with a clear message."""

import io
import zipfile

import pytest

from zhicun.registry.excel.reader import FileRefused, read_table
from zhicun.registry.tests.data import sheets

ROWS = sheets.family("H1", "大十号")


def names(table):
    index = next(i for i, c in table.columns.items() if c.header == "姓名")
    return [cells[index] for _n, cells in table.rows]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8（带 BOM）"), ("gbk", "GBK"), ("gb18030", "GBK")],
)
def test_it_detects_csv_encodings(encoding, label):
    table = read_table(sheets.csv_bytes(ROWS, encoding), "人口.csv")
    assert (table.encoding, names(table)) == (label, ["王大山", "李桂兰", "王小明"])


def test_it_reads_gb18030_only_characters():
    rows = [dict(ROWS[0], 姓名="王𠀀")]  # outside GBK: needs GB18030's four-byte forms
    table = read_table(sheets.csv_bytes(rows, "gb18030"), "人口.csv")
    assert (table.encoding, names(table)) == ("GB18030", ["王𠀀"])


def test_it_reads_xlsx_and_keeps_spreadsheet_row_numbers():
    table = read_table(sheets.xlsx_bytes(ROWS), "人口.xlsx")
    assert table.kind == "xlsx" and names(table) == ["王大山", "李桂兰", "王小明"]
    assert [n for n, _cells in table.rows] == [2, 3, 4]


def test_it_reads_xls():
    table = read_table(sheets.xls_bytes(ROWS), "人口.xls")
    assert table.kind == "xls" and names(table) == ["王大山", "李桂兰", "王小明"]


def test_it_finds_a_header_below_a_title_row():
    data = "2026年人口登记表\r\n".encode() + sheets.csv_bytes(ROWS)
    table = read_table(data, "人口.csv")
    assert table.header_row == 2 and [n for n, _c in table.rows] == [3, 4, 5]


def test_it_refuses_a_file_without_a_header():
    with pytest.raises(FileRefused, match="没有找到表头"):
        read_table(b"a,b\r\n1,2\r\n", "x.csv")


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 1024
    with pytest.raises(FileRefused, match="文件过大"):
        read_table(sheets.csv_bytes(ROWS * 20), "人口.csv")


def test_it_refuses_too_many_rows(settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 2
    with pytest.raises(FileRefused, match="超过上限 2 行"):
        read_table(sheets.csv_bytes(ROWS), "人口.csv")
    with pytest.raises(FileRefused, match="超过上限 2 行"):
        read_table(sheets.xlsx_bytes(ROWS), "人口.xlsx")


def _rezip(data: bytes, extra: dict[str, bytes] | None = None, replace=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if replace and item.filename in replace:
                content = replace[item.filename](content)
            target.writestr(item.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def test_it_refuses_a_zip_bomb(settings):
    settings.REGISTRY_IMPORT_MAX_UNZIPPED = 5 * 1024 * 1024
    bomb = _rezip(sheets.xlsx_bytes(ROWS), {"xl/media/padding.xml": b"0" * (6 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    with pytest.raises(FileRefused, match="压缩炸弹"):
        read_table(bomb, "人口.xlsx")


def test_it_refuses_macros():
    with pytest.raises(FileRefused, match="带宏"):
        read_table(sheets.xlsx_bytes(ROWS), "人口.xlsm")
    with_vba = _rezip(sheets.xlsx_bytes(ROWS), {"xl/vbaProject.bin": b"\x00" * 64})
    with pytest.raises(FileRefused, match="vbaProject.bin"):
        read_table(with_vba, "人口.xlsx")


def test_it_refuses_xml_entity_declarations():
    def billion_laughs(xml: bytes) -> bytes:
        dtd = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        if xml.startswith(b"<?xml"):
            return xml.replace(b"?>", b"?>" + dtd, 1)
        return dtd + xml

    evil = _rezip(sheets.xlsx_bytes(ROWS), replace={"xl/worksheets/sheet1.xml": billion_laughs})
    with pytest.raises(FileRefused, match="XML 实体"):
        read_table(evil, "人口.xlsx")
    evil = _rezip(sheets.xlsx_bytes(ROWS), replace={"[Content_Types].xml": billion_laughs})
    with pytest.raises(FileRefused, match="XML 实体"):
        read_table(evil, "人口.xlsx")


def test_it_refuses_content_that_does_not_match_the_extension():
    with pytest.raises(FileRefused, match="不符"):
        read_table(sheets.xlsx_bytes(ROWS), "人口.csv")
    with pytest.raises(FileRefused, match="只接受"):
        read_table(b"hello", "人口.pdf")


def test_it_refuses_a_broken_xlsx():
    with pytest.raises(FileRefused, match="无法读取"):
        read_table(b"PK\x03\x04" + b"\x00" * 100, "人口.xlsx")
