"""Spreadsheets built in tests (no binaries committed): rows as dicts keyed by header."""

import csv
import datetime
import io
import itertools

import openpyxl

from zhicun.lib.idnumber import make_id_number

HEADERS = [
    "户编号",
    "自然村",
    "住址",
    "承包地面积（亩）",
    "姓名",
    "身份证号码",
    "性别",
    "出生日期",
    "民族",
    "与户主关系",
    "文化程度",
    "政治面貌",
    "手机号",
    "居住状态",
]

_seq = itertools.count(500)


def id_for(birth=(1970, 1, 1), sex="1", place="150902") -> str:
    n = next(_seq) * 2 + (1 if sex == "1" else 0)
    return make_id_number(place, datetime.date(*birth), n)


def member(
    number: str, hamlet: str, name: str, relation="户主", birth=(1970, 1, 1), sex="1", **extra
) -> dict:
    row = {
        "户编号": number,
        "自然村": hamlet,
        "住址": "村中街 1 号",
        "承包地面积（亩）": "10.5",
        "姓名": name,
        "身份证号码": id_for(birth, sex),
        "性别": "男" if sex == "1" else "女",
        "出生日期": datetime.date(*birth).isoformat(),
        "民族": "汉族",
        "与户主关系": relation,
        "文化程度": "初中毕业",
        "政治面貌": "群众",
        "手机号": "13800001234",
        "居住状态": "常住",
    }
    row.update(extra)
    return row


def family(number: str, hamlet: str, surname="王") -> list[dict]:
    return [
        member(number, hamlet, surname + "大山", "户主", (1965, 4, 2), "1"),
        member(number, hamlet, "李桂兰", "配偶", (1967, 8, 9), "2"),
        member(number, hamlet, surname + "小明", "子", (1992, 1, 15), "1"),
    ]


def csv_bytes(rows: list[dict], encoding="utf-8", headers=None) -> bytes:
    headers = headers or HEADERS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], headers=None) -> bytes:
    headers = headers or HEADERS
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_bytes(rows: list[dict], headers=None) -> bytes:
    import xlwt

    headers = headers or HEADERS
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("人口")
    for col, header in enumerate(headers):
        sheet.write(0, col, header)
    for r, row in enumerate(rows, start=1):
        for col, header in enumerate(headers):
            sheet.write(r, col, row.get(header, ""))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
