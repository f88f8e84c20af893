"""Exports of a person search: masked unless the user may and asks to reveal, safe against
formula injection, stamped with who exported it and when, and audited with the filter, the
purpose and the row count. Large ones go through approval (zhicun/exports)."""

import csv
import datetime
import io
import tempfile

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from zhicun.audit.services import audit_record
from zhicun.exports.kinds import ExportFile, ExportKind
from zhicun.exports.services import check_purpose
from zhicun.exports.stamp import Stamp
from zhicun.registry.excel.columns import COLUMNS, HOUSEHOLD, Column, display
from zhicun.registry.search import PersonFilterForm, condition_labels, filter_persons
from zhicun.units.models import Unit

FORMATS = ("xlsx", "csv")
EXPORT = "registry.export"
REVEAL = "registry.reveal"
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
SHEET = "人口"
TITLE = "人员导出"


def neutralise(text: str) -> str:
    """Spreadsheet programs run a cell that starts like a formula; make it plain text."""
    if text and text.startswith(DANGEROUS_START):
        return "'" + text
    return text


def _cell(column: Column, person, reveal: bool) -> str:
    if column.key == "hamlet":
        return person.hamlet.name
    source = person.household if column.level == HOUSEHOLD else person
    text = display(column, getattr(source, column.key))
    if column.mask and text and not reveal:
        text = column.mask(text)
    return neutralise(text)


def exportable(by, queryset):
    """Only persons under the user's posts that may export (not merely view)."""
    allowed = Q(pk__in=[])
    for unit in by.units_for(EXPORT):
        allowed |= Q(hamlet__code__startswith=unit.code)
    return queryset.filter(allowed)


def export_persons(
    *,
    by,
    queryset,
    params: dict,
    purpose: str,
    fmt: str,
    reveal: bool = False,
    stamp: Stamp | None = None,
    audit_details: dict | None = None,
    today: datetime.date | None = None,
) -> ExportFile:
    """Write the persons of `queryset` (already scoped by the caller) to an .xlsx or .csv file."""
    purpose = check_purpose(purpose)
    if fmt not in FORMATS:
        raise ValidationError({"format": "请选择导出格式"})
    stamp = stamp or Stamp.now(by, purpose=purpose, title=TITLE)
    persons = (
        exportable(by, queryset)
        .select_related("household", "hamlet")
        .order_by("hamlet__code", "household_id", "relation", "pk")
    )
    headers = [c.header for c in COLUMNS]
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    rows = revealed = 0
    if fmt == "xlsx":
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
        stamp.apply_to_xlsx(book)
        sheet = book.add_worksheet(SHEET)
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, headers, bold)
        for col, column in enumerate(COLUMNS):
            sheet.set_column(col, col, column.width)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        text.write(stamp.csv_line())
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
            **(audit_details or {}),
        },
    )
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    return ExportFile(out, f"人口导出-{stamp}.{fmt}", content_type, rows, revealed)


# The person export as an export kind: counted and rebuilt from the stored search parameters.


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query


def count_persons(by, params: dict) -> int:
    queryset, form = filter_persons(by, _query(params))
    return exportable(by, queryset).count() if form.is_valid() else 0


def build_persons(*, by, params: dict, **options) -> ExportFile:
    queryset, form = filter_persons(by, _query(params))
    if not form.is_valid():
        raise ValidationError("筛选条件已失效，请重新筛选后导出")
    return export_persons(by=by, queryset=queryset, params=params, **options)


def describe_persons(params: dict) -> list[str]:
    form = PersonFilterForm(_query(params))
    if not form.is_valid():
        return [f"{k} = {v}" for k, v in sorted(params.items())]
    unit = Unit.objects.filter(code=form.cleaned_data.get("unit") or "").first()
    return condition_labels(form, unit=unit)


PERSONS = ExportKind(
    key="registry.persons",
    label=TITLE,
    perm=EXPORT,
    count=count_persons,
    build=build_persons,
    describe=describe_persons,
)
