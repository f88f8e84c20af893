"""Exports of a person search: masked unless the user may and asks to reveal, safe against
formula injection, and audited with the filter, the purpose and the row count."""

import csv
import datetime
import io
import tempfile
from dataclasses import dataclass

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from zhicun.audit.services import audit_record
from zhicun.registry.excel.columns import COLUMNS, HOUSEHOLD, Column, display

FORMATS = ("xlsx", "csv")
EXPORT = "registry.export"
REVEAL = "registry.reveal"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
SHEET = "人口"


def neutralise(text: str) -> str:
    """Spreadsheet programs run a cell that starts like a formula; make it plain text."""
    if text and text.startswith(DANGEROUS_START):
        return "'" + text
    return text


@dataclass
class ExportFile:
    file: object  # an open binary file positioned at 0
    file_name: str
    content_type: str
    rows: int
    revealed: int


def _cell(column: Column, person, reveal: bool) -> str:
    if column.key == "hamlet":
        return person.hamlet.name
    source = person.household if column.level == HOUSEHOLD else person
    text = display(column, getattr(source, column.key))
    if column.mask and text and not reveal:
        text = column.mask(text)
    return neutralise(text)


def export_persons(
    *,
    by,
    queryset,
    params: dict,
    purpose: str,
    fmt: str,
    reveal: bool = False,
    today: datetime.date | None = None,
) -> ExportFile:
    """Write the persons of `queryset` (already scoped by the caller) to an .xlsx or .csv file."""
    purpose = (purpose or "").strip()
    errors = {}
    if not purpose:
        errors["purpose"] = "请填写导出用途"
    elif len(purpose) > 200:
        errors["purpose"] = "导出用途不能超过 200 个字"
    if fmt not in FORMATS:
        errors["format"] = "请选择导出格式"
    if errors:
        raise ValidationError(errors)
    allowed = Q(pk__in=[])
    for unit in by.units_for(EXPORT):
        allowed |= Q(hamlet__code__startswith=unit.code)
    persons = (
        queryset.filter(allowed)
        .select_related("household", "hamlet")
        .order_by("hamlet__code", "household_id", "relation", "pk")
    )
    headers = [c.header for c in COLUMNS]
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    rows = revealed = 0
    if fmt == "xlsx":
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
        sheet = book.add_worksheet(SHEET)
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, headers, bold)
        for col, column in enumerate(COLUMNS):
            sheet.set_column(col, col, column.width)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(headers)
    for person in persons.iterator(chunk_size=2000):
        show = reveal and by.can(REVEAL, person.hamlet.code)
        revealed += show
        rows += 1
        values = [_cell(c, person, show) for c in COLUMNS]
        if fmt == "xlsx":
            for col, value in enumerate(values):
                sheet.write_string(rows, col, value)
        else:
            writer.writerow(values)
    if fmt == "xlsx":
        book.close()
    else:
        text.flush()
        text.detach()
    out.seek(0)
    stamp = (today or timezone.localdate()).strftime("%Y%m%d")
    audit_record(
        actor=by,
        action="export",
        unit_code=params.get("unit") or "",
        details={
            "filter": params,
            "rows": rows,
            "purpose": purpose,
            "format": fmt,
            "revealed": revealed,
        },
    )
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    return ExportFile(out, f"人口导出-{stamp}.{fmt}", content_type, rows, revealed)
