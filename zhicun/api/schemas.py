"""Request and response shapes of the JSON API (they are also its OpenAPI schema)."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BaseModel, Field

MAX_ID = 2**53  # ids a JSON client can hold exactly; larger ones cannot exist


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符")
    return value


def Text(max_length: int):  # noqa: N802 (a type factory)
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_nul)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Code = Annotated[str, Field(pattern=r"^[0-9]{1,18}$")]
# Outside this range a date means a typing error and some databases cannot store it.
Day = Annotated[datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2100, 12, 31))]


class Out(BaseModel):
    """A response. Responses are built as plain dicts, which pydantic validates directly, about
    ten times faster than ninja.Schema, whose resolver reads every field as an attribute."""


class ErrorOut(Out):
    detail: str = Field(description="中文错误说明")
    errors: dict[str, list[str]] | None = Field(None, description="按字段列出的错误")


# --- auth -------------------------------------------------------------------------------------


class TokenIn(Schema):
    username: Text(150)
    password: Text(200)
    name: Text(60) = Field("", description="令牌用途，便于日后识别")


class TokenOut(Out):
    token: str
    expires_at: datetime.datetime


class TokenInfo(Out):
    id: int
    user: str
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    status: Literal["active", "expired", "revoked"]


class TokenPage(Out):
    count: int
    items: list[TokenInfo]


# --- units ------------------------------------------------------------------------------------


class UnitOut(Out):
    code: str
    name: str
    kind: str
    parent: str | None


class UnitPage(Out):
    count: int
    items: list[UnitOut]


class UnitStats(Out):
    unit: str
    households: int = Field(description="户数（全部登记户）")
    households_resident: int = Field(description="常住户数")
    persons: int = Field(description="在册人口")
    persons_resident: int = Field(description="实际居住人口（常住与流入）")
    party_members: int = Field(description="在册党员（含预备党员）")


# --- registry ---------------------------------------------------------------------------------


class PersonBrief(Out):
    id: int
    name: str
    relation: str
    sex: str
    age: int
    residence: str


class PersonOut(Out):
    id: int
    household: int
    household_number: str
    hamlet: str
    name: str
    id_number: str = Field(description="已脱敏；完整值请调用 reveal")
    sex: str
    birth_date: datetime.date
    age: int
    ethnicity: str
    relation: str
    education: str
    marital: str
    political: str
    religion: str = Field(description="已脱敏")
    health: str = Field(description="已脱敏")
    disability_category: str = Field(description="已脱敏")
    disability_grade: str = Field(description="已脱敏")
    disability_cert: str = Field(description="已脱敏")
    labour: str
    skills: list[str]
    employment: str
    employer: str
    work_place: str
    residence: str
    phone: str = Field(description="已脱敏")
    groups: list[str]
    medical_insurance: bool
    pension_insurance: bool
    pension_receiving: bool
    pension_certified_on: datetime.date | None
    died_on: datetime.date | None
    moved_out_on: datetime.date | None
    notes: str
    version: int


class PersonPage(Out):
    count: int
    items: list[PersonOut]


class PersonFields(Schema):
    """Fields of a person that the API may set (residence changes through moves)."""

    sex: Literal["1", "2"] | None = None
    birth_date: Day | None = None
    ethnicity: Text(4) | None = None
    relation: Text(4) | None = None
    education: Text(4) | None = None
    marital: Text(4) | None = None
    political: Text(4) | None = None
    religion: Text(10) | None = None
    health: Text(4) | None = None
    disability_category: Text(4) | None = None
    disability_grade: Text(4) | None = None
    disability_cert: Text(30) | None = None
    labour: Text(4) | None = None
    skills: list[Text(20)] | None = Field(None, max_length=20)
    employment: Text(12) | None = None
    employer: Text(100) | None = None
    work_place: Text(100) | None = None
    phone: Text(20) | None = None
    groups: list[Text(20)] | None = Field(None, max_length=20)
    medical_insurance: bool | None = None
    pension_insurance: bool | None = None
    pension_receiving: bool | None = None
    pension_certified_on: Day | None = None
    notes: Text(2000) | None = None


class HeadIn(PersonFields):
    name: Text(40)
    id_number: Text(18)


class PersonIn(HeadIn):
    household: Id


class PersonPatch(PersonFields):
    name: Text(40) | None = None
    id_number: Text(18) | None = None
    version: int | None = Field(None, ge=1, le=MAX_ID, description="读取时的版本号，用于冲突检测")


class HouseholdOut(Out):
    id: int
    number: str
    hamlet: str
    hamlet_name: str
    address: str
    head: int | None
    head_name: str | None
    residence: str
    land_area: Decimal
    housing_safety: str
    phone: str = Field(description="已脱敏；完整值请调用 reveal")
    tags: list[str]
    latitude: Decimal | None
    longitude: Decimal | None
    last_visited_on: datetime.date | None
    notes: str
    version: int


class HouseholdDetail(HouseholdOut):
    members: list[PersonBrief]


class HouseholdPage(Out):
    count: int
    items: list[HouseholdOut]


class HouseholdFields(Schema):
    address: Text(200) | None = None
    residence: Literal["resident", "away", "nominal"] | None = None
    land_area: Decimal | None = Field(None, ge=0, le=999999, max_digits=8, decimal_places=2)
    housing_safety: Literal["safe", "basic", "c", "d", "unknown"] | None = None
    phone: Text(20) | None = None
    tags: list[Text(20)] | None = Field(None, max_length=10)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    notes: Text(2000) | None = None


class HouseholdIn(HouseholdFields):
    hamlet: Code = Field(description="自然村（村民小组）代码")
    number: Text(30) | None = Field(None, description="户编号；不填则自动编号")
    head: HeadIn


class HouseholdPatch(HouseholdFields):
    number: Text(30) | None = None
    version: int | None = Field(None, ge=1, le=MAX_ID)


class RevealIn(Schema):
    field: Literal["id_number", "phone", "religion", "health"]
    purpose: Text(100) = Field(description="查看用途（记入审计）", min_length=1)


class RevealOut(Out):
    field: str
    value: str


class MoveOut(Out):
    id: int
    person: int
    person_name: str
    hamlet: str
    kind: str
    date: datetime.date
    from_place: str
    to_place: str
    reason: str
    expected_return: datetime.date | None
    note: str
    recorded_by: str
    created_at: datetime.datetime


class MovePage(Out):
    count: int
    items: list[MoveOut]


class MoveIn(Schema):
    person: Id
    kind: Literal["out", "in", "return"]
    date: Day
    reason: Literal["work", "study", "medical", "family", "marriage", "other"]
    from_place: Text(100) = ""
    to_place: Text(100) = ""
    expected_return: Day | None = None
    note: Text(200) = ""


class VisitOut(Out):
    id: int
    household: int
    household_number: str
    hamlet: str
    visitor: str
    date: datetime.date
    kind: str
    findings: str
    follow_up: str
    created_at: datetime.datetime


class VisitPage(Out):
    count: int
    items: list[VisitOut]


class VisitIn(Schema):
    household: Id
    date: Day
    kind: Literal["routine", "key", "policy", "epidemic"]
    findings: Text(5000)
    follow_up: Text(5000) = ""


# --- cases ------------------------------------------------------------------------------------

CaseNumber = Annotated[str, Field(pattern=r"^[0-9]{6}-[0-9]{8}-[0-9]{4,6}$")]


class CategoryOut(Out):
    id: int
    name: str
    parent: int | None
    path: str
    default_urgency: str


class CaseOut(Out):
    number: str
    title: str
    state: str
    state_label: str
    category: int
    category_name: str
    urgency: str
    source: str
    origin_unit: str
    responsible_unit: str
    responsible_unit_name: str
    address: str
    reported_at: datetime.datetime
    accepted_at: datetime.datetime | None
    deadline: datetime.datetime | None
    light: str = Field(description="green / yellow / red，时钟未运行时为空")
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    version: int


class CaseEventOut(Out):
    at: datetime.datetime
    action: str
    label: str
    actor: str
    from_state: str
    to_state: str
    unit: str
    note: str


class CaseDetail(CaseOut):
    description: str
    reporter_name: str
    reporter_phone: str = Field(description="已脱敏")
    persons: list[int]
    latitude: Decimal | None
    longitude: Decimal | None
    result: str
    rating: str
    allowed_actions: list[str]
    events: list[CaseEventOut]


class CasePage(Out):
    count: int
    items: list[CaseOut]


class CaseIn(Schema):
    title: Text(100) = Field(min_length=1)
    description: Text(5000) = Field(min_length=1)
    category: Id
    origin_unit: Code = Field(description="发生地单位代码（乡镇、村、网格或自然村）")
    urgency: Text(20) | None = Field(None, description="紧急程度代码；不填按分类默认")
    source: Literal["staff", "visit", "phone", "walk_in", "hotline"] = "staff"
    reporter_name: Text(40) = ""
    reporter_phone: Text(20) = ""
    persons: list[Id] = Field(default_factory=list, max_length=50)
    address: Text(200) = ""
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    idempotency_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = Field(
        None, description="同一键重复提交只生成一件事件"
    )


class TransitionIn(Schema):
    action: Text(24)
    note: Text(2000) = ""
    version: int | None = Field(None, ge=1, le=MAX_ID, description="读取时的版本号")
    urgency: Text(20) | None = Field(None, description="受理（accept）时可改紧急程度")
    unit: Code | None = Field(None, description="交办（assign）的下级单位代码")
    amount: int | None = Field(
        None, ge=1, le=366, description="申请延期（request_extension）：工作日或小时"
    )
    result: Text(5000) = Field("", description="办结（resolve）的办理结果")
    method: Text(10) = Field("", description="回复（reply）方式")
    rating: Text(12) = Field("", description="评价（rate）：satisfied / basic / unsatisfied")


# --- publications -----------------------------------------------------------------------------


class PublicationOut(Out):
    id: int
    unit: str
    kind: str
    title: str
    body: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    number: int = Field(description="版本号")
    status: str
    status_label: str
    correction_note: str
    withdraw_reason: str
    created_at: datetime.datetime
    published_at: datetime.datetime | None


class PublicationPage(Out):
    count: int
    items: list[PublicationOut]


class PublicationIn(Schema):
    unit: Code = Field(description="行政村代码")
    kind: Literal["party", "affairs", "finance", "rules", "log", "notice", "guide"]
    title: Text(120) = Field(min_length=1)
    body: Text(50000) = ""
    period_start: Day | None = None
    period_end: Day | None = None


class PublicationPatch(Schema):
    title: Text(120) | None = None
    body: Text(50000) | None = None
    period_start: Day | None = None
    period_end: Day | None = None


class PublicationAction(Schema):
    action: Literal["submit", "approve", "reject", "withdraw", "correct"]
    note: Text(500) = Field("", description="退回、撤回、更正的原因或审核意见")


# --- errands ----------------------------------------------------------------------------------


class ErrandTypeOut(Out):
    code: str
    name: str
    description: str
    documents: list[str]
    limit_days: int
    pays_money: bool


class ErrandOut(Out):
    id: int
    number: str
    person: int
    person_name: str
    type: str
    type_name: str
    unit: str
    need: str
    documents_required: list[str]
    channel: str
    state: str
    state_label: str
    registered_at: datetime.datetime
    deadline: datetime.datetime | None
    light: str
    office: str
    result: str
    replied_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    version: int


class ErrandPage(Out):
    count: int
    items: list[ErrandOut]


class ErrandIn(Schema):
    person: Id
    type: Text(30) = Field(description="代办事项代码")
    need: Text(2000) = ""
    channel: Literal["door", "desk", "phone"] = "door"
    documents_required: list[Text(60)] | None = Field(None, max_length=30)
    idempotency_key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = None


class ErrandStep(Schema):
    action: Literal["start", "note", "reply", "close", "cancel", "fail"]
    note: Text(2000) = Field("", description="办理情况；撤销或未办成的原因")
    office: Text(100) = Field("", description="办理机构（start、note）")
    result: Text(2000) = Field("", description="办理结果（reply）")
    method: Text(10) = Field("", description="答复方式（reply）：visit / phone / message / desk")
    confirmed: bool = Field(False, description="村民已确认（close）")
    informed: bool = Field(False, description="已告知村民（fail）")
    version: int | None = Field(None, ge=1, le=MAX_ID)
