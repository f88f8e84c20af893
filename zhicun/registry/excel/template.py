"""The import template: Chinese headers, one example row and drop-down lists for coded fields."""

import datetime
import io

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from zhicun.lib.idnumber import make_id_number
from zhicun.registry.excel.columns import COLUMNS, EXAMPLE_NOTE
from zhicun.registry.excel.reader import max_rows
from zhicun.units.models import Kind, Unit

DATA_SHEET = "人口登记"
HELP_SHEET = "填写说明"
LISTS_SHEET = "代码表"
TEXT_KINDS = ("text", "id", "hamlet")


def example_values(hamlet: Unit | None) -> dict[str, object]:
    birth = datetime.date(1975, 3, 12)
    place = hamlet.code[:6] if hamlet else "150902"
    return {
        "household.number": f"{hamlet.code}0001" if hamlet else "",
        "household.hamlet": hamlet.name if hamlet else "",
        "household.address": "村东头 12 号",
        "household.residence": "常住",
        "household.land_area": 12.5,
        "household.housing_safety": "安全",
        "household.tags": "",
        "person.name": "张三",
        "person.id_number": make_id_number(place, birth, 11),
        "person.sex": "男",
        "person.birth_date": birth,
        "person.ethnicity": "汉族",
        "person.relation": "户主",
        "person.education": "初中毕业",
        "person.marital": "已婚",
        "person.political": "群众",
        "person.religion": "无",
        "person.health": "健康",
        "person.labour": "普通劳动力",
        "person.skills": "驾驶、电焊",
        "person.employment": "务农",
        "person.residence": "常住",
        "person.medical_insurance": "是",
        "person.pension_insurance": "是",
        "person.pension_receiving": "否",
        "person.notes": EXAMPLE_NOTE,
    }


def hamlet_options(unit: Unit) -> list[str]:
    """Hamlet names where unique under the unit, codes where a name repeats."""
    hamlets = list(Unit.objects.below(unit.code).filter(kind=Kind.HAMLET).order_by("code"))
    counts: dict[str, int] = {}
    for h in hamlets:
        counts[h.name] = counts.get(h.name, 0) + 1
    return [h.name if counts[h.name] == 1 else h.code for h in hamlets]


def write_template(unit: Unit) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1, "text_wrap": True})
    required = book.add_format(
        {"bold": True, "bg_color": "#E2EFDA", "border": 1, "font_color": "#C00000"}
    )
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    example = book.add_format({"font_color": "#808080", "italic": True, "num_format": "@"})
    example_date = book.add_format(
        {"font_color": "#808080", "italic": True, "num_format": "yyyy-mm-dd"}
    )

    sheet = book.add_worksheet(DATA_SHEET)
    lists = book.add_worksheet(LISTS_SHEET)
    guide = book.add_worksheet(HELP_SHEET)
    sheet.freeze_panes(1, 0)
    last_row = max_rows()

    hamlets = hamlet_options(unit)
    first_hamlet = Unit.objects.below(unit.code).filter(kind=Kind.HAMLET).order_by("code").first()
    values = example_values(first_hamlet)
    list_col = 0
    for col, column in enumerate(COLUMNS):
        cell_format = date if column.kind == "date" else text if column.kind in TEXT_KINDS else None
        sheet.set_column(col, col, column.width, cell_format)
        sheet.write_string(0, col, column.header, required if column.required else head)
        value = values.get(column.name, "")
        if isinstance(value, datetime.date):
            sheet.write_datetime(
                1, col, datetime.datetime.combine(value, datetime.time()), example_date
            )
        elif isinstance(value, float):
            sheet.write_number(1, col, value, example)
        else:
            sheet.write_string(1, col, str(value), example)
        options = hamlets if column.kind == "hamlet" else column.options()
        if not options:
            continue
        lists.write_string(0, list_col, column.header, head)
        for i, option in enumerate(options, start=1):
            lists.write_string(i, list_col, option)
        letter = xl_col_to_name(list_col)
        validation = {
            "validate": "list",
            "source": f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(options) + 1}",
            "input_title": column.header[:32],
        }
        if column.help:
            validation["input_message"] = column.help[:255]
        if column.kind == "tags":
            validation["error_type"] = "information"
            validation["error_message"] = "可填多项，用顿号“、”分隔"
        else:
            validation["error_title"] = "请从下拉列表中选择"
            validation["error_message"] = f"{column.header}请从下拉列表中选择"
        sheet.data_validation(1, col, last_row, col, validation)
        lists.set_column(list_col, list_col, 16)
        list_col += 1
    lists.hide()

    guide.set_column(0, 0, 18)
    guide.set_column(1, 1, 10)
    guide.set_column(2, 2, 70)
    guide.write_row(0, 0, ["列名", "是否必填", "填写说明"], head)
    for i, column in enumerate(COLUMNS, start=1):
        guide.write_row(i, 0, [column.header, "必填" if column.required else "", column.help])
    notes = [
        "一行填写一个人；同一户的成员填写相同的户编号和户信息，其中一人的“与户主关系”为“户主”。",
        "有代码表的列可从下拉列表选择名称，也可填写国家标准代码。",
        "身份证号码列须为文本格式；性别、出生日期可不填，按身份证号码推算，填写时须与号码一致。",
        f"第 2 行是示例，备注为“{EXAMPLE_NOTE}”的行导入时自动忽略。",
        f"单个文件不超过 {last_row} 行；上传后先预检，全部无误才会导入。",
    ]
    for i, note in enumerate(notes, start=len(COLUMNS) + 2):
        guide.write_string(i, 0, note)
    sheet.activate()
    book.close()
    return out.getvalue()
