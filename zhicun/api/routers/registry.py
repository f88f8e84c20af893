"""Households, persons, moves and visits: the registry pages' scope, masking, services and audit."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from ninja import Path, Query, Router, Status

from zhicun.api.common import LIMIT, NO_NUL, OFFSET, UNIT, paged, responses, scoped_unit
from zhicun.api.schemas import (
    MAX_ID,
    HouseholdDetail,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    MoveIn,
    MoveOut,
    MovePage,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    RevealIn,
    RevealOut,
    VisitIn,
    VisitOut,
    VisitPage,
)
from zhicun.audit.services import audit_record
from zhicun.lib import codes
from zhicun.lib.paging import page_and_total
from zhicun.lib.pinyin import normalise_query
from zhicun.registry import services
from zhicun.registry.choices import HouseholdResidence, MoveKind, Religion, Residence, SpecialGroup
from zhicun.registry.models import Household, Move, Person, Visit
from zhicun.registry.search import filter_persons
from zhicun.units.models import Kind, Unit
from zhicun.units.scope import get_for_user

router = Router(tags=["人口信息"])

PK = Path(..., ge=1, le=MAX_ID)
SINCE = Query(None, description="起始日期（含）")
UNTIL = Query(None, description="截止日期（含）")
HOUSEHOLD_RESIDENCE = Query(None, description="居住状态")
PERSON_RESIDENCE = Query(None, description="居住状态，可重复；默认在册人员")
LABOUR = Query(None, description="劳动能力代码，可重复")
GROUP = Query(None, description="特殊人群，可重复")
MOVE_KIND = Query(None, description="流动类型")


def get_household(user, pk: int) -> Household:
    return get_for_user(Household.objects.select_related("hamlet", "head"), user, pk=pk)


def get_person(user, pk: int) -> Person:
    return get_for_user(Person.objects.select_related("household", "hamlet"), user, pk=pk)


# --- serialisation: sensitive fields always leave masked ---------------------------------------


def person_out(p: Person, household_number: str | None = None, hamlet: str | None = None) -> dict:
    """A person as the API shows it. A list passes the household number and hamlet code it read
    with the person, instead of loading the whole household and hamlet for each row."""
    data = p.to_dict()
    for field, mask in Person.SENSITIVE.items():
        data[field] = mask(data[field])
    data.update(
        id=p.pk,
        household=p.household_id,
        household_number=p.household.number if household_number is None else household_number,
        hamlet=p.hamlet.code if hamlet is None else hamlet,
        age=p.age,
        version=p.version,
    )
    return data


def _person_row(p: Person) -> dict:
    return person_out(p, p.row_household_number, p.row_hamlet)


def household_out(h: Household) -> dict:
    return {
        "id": h.pk,
        "number": h.number,
        "hamlet": h.hamlet.code,
        "hamlet_name": h.hamlet.name,
        "address": h.address,
        "head": h.head_id,
        "head_name": h.head.name if h.head_id else None,
        "residence": h.residence,
        "land_area": h.land_area,
        "housing_safety": h.housing_safety,
        "phone": h.masked_phone,
        "tags": list(h.tags),
        "latitude": h.latitude,
        "longitude": h.longitude,
        "last_visited_on": h.last_visited_on,
        "notes": h.notes,
        "version": h.version,
    }


def move_out(m: Move) -> dict:
    return {
        "id": m.pk,
        "person": m.person_id,
        "person_name": m.person.name,
        "hamlet": m.person.hamlet.code,
        "kind": m.kind,
        "date": m.date,
        "from_place": m.from_place,
        "to_place": m.to_place,
        "reason": m.reason,
        "expected_return": m.expected_return,
        "note": m.note,
        "recorded_by": m.recorded_by.display_name,
        "created_at": m.created_at,
    }


def visit_out(v: Visit) -> dict:
    return {
        "id": v.pk,
        "household": v.household_id,
        "household_number": v.household.number,
        "hamlet": v.household.hamlet.code,
        "visitor": v.visitor.display_name,
        "date": v.date,
        "kind": v.kind,
        "findings": v.findings,
        "follow_up": v.follow_up,
        "created_at": v.created_at,
    }


def _fields(payload) -> dict:
    """Only the fields the client sent; lists and text as the services expect them."""
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}


# --- households --------------------------------------------------------------------------------


@router.get("/households", response=responses({200: HouseholdPage}, 404))
def households(
    request,
    unit: str | None = UNIT,
    residence: HouseholdResidence | None = HOUSEHOLD_RESIDENCE,
    q: str | None = Query(
        None, max_length=40, pattern=NO_NUL, description="户编号、户主姓名或拼音"
    ),
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Household.objects.in_scope(request.user).select_related("hamlet", "head")
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if residence:
        qs = qs.filter(residence=residence)
    if q and q.strip():
        q = q.strip()
        latin = normalise_query(q)
        if latin and latin == q.lower().replace(" ", ""):
            qs = qs.filter(
                Q(head__name_pinyin__contains=" " + latin)
                | Q(head__name_initials__contains=" " + latin)
            )
        else:
            qs = qs.filter(Q(number__startswith=q) | Q(head__name__contains=q))
    return paged(qs.order_by("number"), limit, offset, household_out)


@router.get("/households/{household_id}", response=responses({200: HouseholdDetail}, 404))
def household_detail(request, household_id: int = PK):
    h = get_household(request.user, household_id)
    data = household_out(h)
    data["members"] = [
        {
            "id": m.pk,
            "name": m.name,
            "relation": m.relation,
            "sex": m.sex,
            "age": m.age,
            "residence": m.residence,
        }
        for m in h.members.order_by("relation", "birth_date", "pk")
    ]
    return data


@router.post("/households", response=responses({201: HouseholdOut}, 400, 403, 404))
def household_create(request, payload: HouseholdIn):
    """A new household in a hamlet, with its head."""
    hamlet = get_for_user(Unit.objects.all(), request.user, code=payload.hamlet)
    if hamlet.kind != Kind.HAMLET:
        raise ValidationError({"hamlet": "户必须登记在自然村（村民小组）下"})
    fields = _fields(payload)
    fields.pop("hamlet")
    head = fields.pop("head")
    h = services.household_create(by=request.user, hamlet=hamlet, head=head, **fields)
    return Status(
        201, household_out(Household.objects.select_related("hamlet", "head").get(pk=h.pk))
    )


@router.patch(
    "/households/{household_id}", response=responses({200: HouseholdOut}, 400, 403, 404, 409)
)
def household_update(request, payload: HouseholdPatch, household_id: int = PK):
    h = get_household(request.user, household_id)
    fields = _fields(payload)
    version = fields.pop("version", None)
    h = services.household_update(by=request.user, household=h, version=version, **fields)
    return household_out(h)


@router.post(
    "/households/{household_id}/reveal", response=responses({200: RevealOut}, 400, 403, 404)
)
def household_reveal(request, payload: RevealIn, household_id: int = PK):
    """The household's full phone number; the purpose is audited."""
    h = get_household(request.user, household_id)
    if payload.field != "phone":
        raise ValidationError({"field": "户只能查看联系电话"})
    return _reveal(request.user, h, h.hamlet.code, payload)


# --- persons -----------------------------------------------------------------------------------


@router.get("/persons", response=responses({200: PersonPage}, 400, 404))
def persons(
    request,
    unit: str | None = UNIT,
    q: str | None = Query(None, max_length=40, pattern=NO_NUL, description="姓名、拼音或首字母"),
    sex: str | None = Query(None, pattern="^[12]$", description="1 男，2 女"),
    age_min: int | None = Query(None, ge=0, le=150),
    age_max: int | None = Query(None, ge=0, le=150),
    residence: list[Residence] | None = PERSON_RESIDENCE,
    labour: list[str] | None = LABOUR,
    group: list[SpecialGroup] | None = GROUP,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """Persons in scope by any of the registry search's conditions (name matches pinyin)."""
    params = request.GET.copy()
    for name in ("limit", "offset"):
        params.pop(name, None)
    qs, form = filter_persons(request.user, params)
    if not form.is_valid():
        raise ValidationError(_form_errors(form))
    scoped_unit(request.user, unit)
    rows = qs.annotate(row_household_number=F("household__number"), row_hamlet=F("hamlet__code"))
    # Ordered by the selected code itself: the ORM resolves an annotation's name in a fraction
    # of the time it takes to walk "hamlet__code" again.
    rows = rows.order_by("row_hamlet", "household_id", "pk")
    total, page = page_and_total(qs, rows, offset, limit)
    return {"count": total, "items": [_person_row(p) for p in page]}


def _form_errors(form) -> dict:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


@router.get("/persons/{person_id}", response=responses({200: PersonOut}, 404))
def person_detail(request, person_id: int = PK):
    return person_out(get_person(request.user, person_id))


@router.post("/persons", response=responses({201: PersonOut}, 400, 403, 404))
def person_create(request, payload: PersonIn):
    """A new member of an existing household."""
    h = get_household(request.user, payload.household)
    fields = _fields(payload)
    fields.pop("household")
    p = services.person_add(by=request.user, household=h, **fields)
    return Status(201, person_out(get_person(request.user, p.pk)))


@router.patch("/persons/{person_id}", response=responses({200: PersonOut}, 400, 403, 404, 409))
def person_update(request, payload: PersonPatch, person_id: int = PK):
    p = get_person(request.user, person_id)
    fields = _fields(payload)
    version = fields.pop("version", None)
    p = services.person_update(by=request.user, person=p, version=version, **fields)
    return person_out(p)


@router.post("/persons/{person_id}/reveal", response=responses({200: RevealOut}, 400, 403, 404))
def person_reveal(request, payload: RevealIn, person_id: int = PK):
    """One sensitive value of one person in full; the purpose is audited."""
    p = get_person(request.user, person_id)
    return _reveal(request.user, p, p.hamlet.code, payload)


def _reveal(user, obj, code: str, payload: RevealIn) -> dict:
    if not user.can("registry.reveal", code):
        raise PermissionDenied("您的岗位不能查看完整的敏感信息")
    purpose = payload.purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "请填写查看用途"})
    audit_record(
        actor=user,
        action="reveal",
        obj=obj,
        unit_code=code,
        details={"field": payload.field, "purpose": purpose, "via": "api"},
    )
    return {"field": payload.field, "value": _revealed_value(obj, payload.field)}


def _revealed_value(obj, field: str) -> str:
    if field == "religion":
        return Religion(obj.religion).label if obj.religion else ""
    if field == "health":
        parts = [codes.label("health", obj.health)]
        if obj.disability_category:
            parts.append(
                codes.label("disability_category", obj.disability_category)
                + codes.label("disability_grade", obj.disability_grade)
            )
        if obj.disability_cert:
            parts.append(f"残疾证 {obj.disability_cert}")
        return "，".join(p for p in parts if p)
    return getattr(obj, field) or ""


# --- moves -------------------------------------------------------------------------------------


@router.get("/moves", response=responses({200: MovePage}, 404))
def moves(
    request,
    unit: str | None = UNIT,
    person: int | None = Query(None, ge=1, le=MAX_ID),
    kind: MoveKind | None = MOVE_KIND,
    since: datetime.date | None = SINCE,
    until: datetime.date | None = UNTIL,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Move.objects.in_scope(request.user).select_related(
        "person", "person__hamlet", "recorded_by"
    )
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if person:
        qs = qs.filter(person_id=person)
    if kind:
        qs = qs.filter(kind=kind)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    return paged(qs.order_by("-date", "-id"), limit, offset, move_out)


@router.get("/moves/{move_id}", response=responses({200: MoveOut}, 404))
def move_detail(request, move_id: int = PK):
    qs = Move.objects.select_related("person", "person__hamlet", "recorded_by")
    return move_out(get_for_user(qs, request.user, pk=move_id))


@router.post("/moves", response=responses({201: MoveOut}, 400, 403, 404))
def move_create(request, payload: MoveIn):
    """A person goes out, comes in or returns; their residence follows."""
    p = get_person(request.user, payload.person)
    fields = payload.dict()
    fields.pop("person")
    m = services.move_record(by=request.user, person=p, **fields)
    return Status(201, move_out(m))


# --- visits ------------------------------------------------------------------------------------


@router.get("/visits", response=responses({200: VisitPage}, 404))
def visits(
    request,
    unit: str | None = UNIT,
    household: int | None = Query(None, ge=1, le=MAX_ID),
    since: datetime.date | None = SINCE,
    until: datetime.date | None = UNTIL,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Visit.objects.in_scope(request.user).select_related(
        "household", "household__hamlet", "visitor"
    )
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if household:
        qs = qs.filter(household_id=household)
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    return paged(qs.order_by("-date", "-id"), limit, offset, visit_out)


@router.get("/visits/{visit_id}", response=responses({200: VisitOut}, 404))
def visit_detail(request, visit_id: int = PK):
    qs = Visit.objects.select_related("household", "household__hamlet", "visitor")
    return visit_out(get_for_user(qs, request.user, pk=visit_id))


@router.post("/visits", response=responses({201: VisitOut}, 400, 403, 404))
def visit_create(request, payload: VisitIn):
    """A visit to a household (每户必到)."""
    h = get_household(request.user, payload.household)
    fields = payload.dict()
    fields.pop("household")
    v = services.visit_record(by=request.user, household=h, **fields)
    return Status(
        201, visit_out(Visit.objects.select_related("household__hamlet", "visitor").get(pk=v.pk))
    )
