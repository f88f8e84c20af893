"""The spreadsheet layout shared by the template, the import and the export: one row per person,
household columns repeated on every member's row."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models

from zhicun.lib import codes
from zhicun.lib.masking import mask_id_number, mask_phone, mask_text
from zhicun.registry.choices import (
    Employment,
    HouseholdResidence,
    HouseholdTag,
    HousingSafety,
    Religion,
    Residence,
    SpecialGroup,
)

HOUSEHOLD = "household"
PERSON = "person"

# The example row of the template carries this note; the import ignores such rows.
EXAMPLE_NOTE = "示例行（导入时自动忽略，可删除）"


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is."""


@dataclass(frozen=True)
class Column:
    key: str  # field name on Household or Person
    header: str
    level: str  # HOUSEHOLD or PERSON
    kind: str  # text, id, hamlet, code, choice, tags, date, bool, decimal
    table: str = ""  # code table (kind "code")
    choices: type[models.TextChoices] | None = None  # kind "choice" / "tags"
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    mask: object = None  # masking function for previews and exports
    help: str = ""
    width: int = 12
    allowed: tuple[str, ...] = field(default=())  # subset of choice values accepted on import

    @property
    def name(self) -> str:
        return f"{self.level}.{self.key}"

    def options(self) -> list[str]:
        """Names offered in the template's drop-down list."""
        if self.kind == "code":
            return list(codes.table(self.table).values())
        if self.kind in ("choice", "tags") and self.choices is not None:
            return [
                label
                for value, label in self.choices.choices
                if not self.allowed or value in self.allowed
            ]
        if self.kind == "bool":
            return ["是", "否"]
        return []

    def show(self, value) -> str:
        """A value as it may appear in a preview: sensitive columns masked."""
        text = value if isinstance(value, str) else _plain(value)
        return self.mask(text) if self.mask and text else text


def _h(key, header, kind="text", **kw) -> Column:
    return Column(key=key, header=header, level=HOUSEHOLD, kind=kind, **kw)


def _p(key, header, kind="text", **kw) -> Column:
    return Column(key=key, header=header, level=PERSON, kind=kind, **kw)


COLUMNS: list[Column] = [
    _h(
        "number",
        "户编号",
        aliases=("户号", "户编码"),
        required=True,
        max_length=30,
        help="同一户的成员填写相同户编号；已有户编号则成员加入该户",
        width=22,
    ),
    _h(
        "hamlet",
        "自然村",
        "hamlet",
        aliases=("自然村代码", "自然村名称", "村民小组", "村组"),
        required=True,
        help="自然村（村民小组）名称或 18 位代码",
        width=20,
    ),
    _h("address", "住址", aliases=("家庭住址", "地址"), max_length=200, width=24),
    _h("residence", "户居住状态", "choice", choices=HouseholdResidence),
    _h(
        "land_area",
        "承包地面积（亩）",
        "decimal",
        aliases=("承包地面积", "承包地（亩）", "承包地", "承包地面积(亩)"),
    ),
    _h("housing_safety", "住房安全", "choice", choices=HousingSafety),
    _h(
        "phone",
        "户联系电话",
        aliases=("家庭电话",),
        max_length=20,
        mask=mask_phone,
        width=14,
    ),
    _h(
        "tags",
        "户类别",
        "tags",
        choices=HouseholdTag,
        aliases=("户属性",),
        help="可填多项，用顿号“、”分隔",
    ),
    _p("name", "姓名", required=True, max_length=40),
    _p(
        "id_number",
        "身份证号码",
        "id",
        aliases=("身份证号", "公民身份号码", "身份证"),
        required=True,
        mask=mask_id_number,
        help="18 位，请设为文本格式，勿存成数字",
        width=22,
    ),
    _p("sex", "性别", "code", table="sex", help="可不填，按身份证号码推算"),
    _p("birth_date", "出生日期", "date", help="可不填，按身份证号码推算"),
    _p("ethnicity", "民族", "code", table="ethnicity"),
    _p(
        "relation",
        "与户主关系",
        "code",
        table="relation",
        aliases=("关系",),
        required=True,
        help="每户有且只有一名“户主”",
        width=14,
    ),
    _p("education", "文化程度", "code", table="education", aliases=("学历",), width=16),
    _p("marital", "婚姻状况", "code", table="marital"),
    _p("political", "政治面貌", "code", table="political", width=16),
    _p("religion", "宗教信仰", "choice", choices=Religion, mask=mask_text),
    _p("health", "健康状况", "code", table="health", mask=mask_text),
    _p("disability_category", "残疾类别", "code", table="disability_category", mask=mask_text),
    _p("disability_grade", "残疾等级", "code", table="disability_grade", mask=mask_text),
    _p("disability_cert", "残疾证号", max_length=30, mask=mask_text),
    _p("labour", "劳动能力", "code", table="labour", width=16),
    _p("skills", "技能", "tags", help="可填多项，用顿号“、”分隔"),
    _p("employment", "就业状况", "choice", choices=Employment),
    _p("employer", "就业单位", max_length=100),
    _p("work_place", "就业地点", max_length=100),
    _p(
        "residence",
        "居住状态",
        "choice",
        choices=Residence,
        allowed=(
            Residence.RESIDENT,
            Residence.AWAY_WORK,
            Residence.AWAY_STUDY,
            Residence.INFLOW,
        ),
    ),
    _p(
        "phone",
        "手机号",
        aliases=("联系电话", "电话", "手机号码"),
        max_length=20,
        mask=mask_phone,
        width=14,
    ),
    _p(
        "groups",
        "特殊人群",
        "tags",
        choices=SpecialGroup,
        help="可填多项，用顿号“、”分隔",
    ),
    _p("medical_insurance", "城乡居民医保", "bool"),
    _p("pension_insurance", "养老保险", "bool"),
    _p("pension_receiving", "领取养老金", "bool"),
    _p("pension_certified_on", "最近资格认证", "date", aliases=("资格认证日期",)),
    _p("notes", "备注", width=20),
]

BY_NAME = {c.name: c for c in COLUMNS}
HEAD = "02"
TAGS_MAX_LENGTH = 300  # TagsField stores "|a|b|"

# Common short forms people write instead of the national table's names.
CODE_ALIASES = {
    "sex": {"男性": "1", "女性": "2"},
    "political": {
        "党员": "01",
        "中共党员": "01",
        "预备党员": "02",
        "中共预备党员": "02",
        "团员": "03",
        "共青团员": "03",
        "无党派": "12",
    },
    "marital": {"有配偶": "20"},
    "education": {
        "本科": "21",
        "大专": "31",
        "中专": "41",
        "高中": "61",
        "初中": "71",
        "小学": "81",
        "文盲": "90",
        "半文盲": "90",
    },
    "labour": {"弱劳动力": "3", "半劳动力": "3"},
}

_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_TRUE = {"是", "有", "参加", "已参加", "领取", "√", "y", "yes", "true", "1"}
_FALSE = {"否", "无", "未参加", "不领取", "未领取", "×", "n", "no", "false", "0"}
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _plain(value) -> str:
    """A cell value as text: integral floats lose their '.0' (phones typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def header_key(text: str) -> str:
    """Headers compared without spaces and with ASCII brackets and a trailing '*' folded."""
    text = re.sub(r"\s+", "", str(text or ""))
    return text.replace("(", "（").replace(")", "）").rstrip("*")


HEADERS: dict[str, Column] = {}
for _c in COLUMNS:
    for _label in (_c.header, *_c.aliases):
        HEADERS.setdefault(header_key(_label), _c)


def parse(column: Column, raw):
    """The cell's value for the model, None when empty; CellError with a Chinese reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = column.kind
    if kind == "id":
        if isinstance(raw, (int, float)):
            raise CellError("身份证号码被存成了数字，末几位可能已丢失；请将该列设为文本后重新填写")
        return re.sub(r"\s+", "", str(raw)).upper()
    if kind == "date":
        return _parse_date(raw)
    if kind == "decimal":
        return _parse_decimal(raw)
    if kind == "bool":
        text = _plain(raw).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(f"“{_plain(raw)}”应填“是”或“否”")
    text = _plain(raw)
    if kind == "code":
        return _parse_code(column, text)
    if kind == "choice":
        return _parse_choice(column, text)
    if kind == "tags":
        items = [t for t in _TAG_SPLIT.split(text) if t]
        if column.choices is not None:
            items = [_parse_choice(column, t) for t in items]
        items = list(dict.fromkeys(items))
        if sum(len(t) + 1 for t in items) + 1 > TAGS_MAX_LENGTH:
            raise CellError(f"内容过长（不超过 {TAGS_MAX_LENGTH} 个字）")
        return items
    if column.max_length and len(text) > column.max_length:
        raise CellError(f"不能超过 {column.max_length} 个字（现有 {len(text)} 个）")
    return text


def _parse_code(column: Column, text: str) -> str:
    table = codes.table(column.table)
    if text in table:
        return text
    width = len(next(iter(table)))
    if text.isdigit() and text.zfill(width) in table:
        return text.zfill(width)
    names = codes.reverse(column.table)
    for candidate in (text, text + "族"):
        if candidate in names:
            return names[candidate]
    alias = CODE_ALIASES.get(column.table, {}).get(text)
    if alias:
        return alias
    example = next(iter(table.items()))
    raise CellError(
        f"“{column.show(text)}”不是有效的{column.header}代码或名称"
        f"（例如“{example[0]}”或“{example[1]}”）"
    )


def _parse_choice(column: Column, text: str) -> str:
    assert column.choices is not None
    for value, label in column.choices.choices:
        if text in (value, label):
            if column.allowed and value not in column.allowed:
                allowed = "、".join(column.choices(v).label for v in column.allowed)
                raise CellError(f"导入只能登记在册人员，{column.header}应为：{allowed}")
            return value
    options = "、".join(column.options())
    raise CellError(f"“{column.show(text)}”不是有效的{column.header}，可填：{options}")


def _parse_date(raw) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 19000101 <= raw <= 21001231:
            raw = str(int(raw))
        elif 1 <= raw < 80000:  # an Excel serial day number in an unformatted cell
            return _EXCEL_EPOCH + datetime.timedelta(days=int(raw))
    text = _plain(raw)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise CellError(f"“{text}”不是有效日期，请写成 1980-01-31")


def _parse_decimal(raw) -> Decimal:
    try:
        value = Decimal(_plain(raw)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(f"“{_plain(raw)}”不是有效数字") from None
    if value < 0 or value >= Decimal("1000000"):
        raise CellError(f"“{_plain(raw)}”超出合理范围（0～999999.99）")
    return value


def display(column: Column, value) -> str:
    """A model value as the spreadsheet shows it (names, not codes)."""
    if value is None or value == "" or value == []:
        return ""
    if column.kind == "code":
        return codes.label(column.table, value)
    if column.kind == "choice":
        return column.choices(value).label if value in column.choices.values else value
    if column.kind == "tags":
        if column.choices is None:
            return "、".join(value)
        return "、".join(
            column.choices(v).label if v in column.choices.values else v for v in value
        )
    if column.kind == "bool":
        return "是" if value else "否"
    return _plain(value)
