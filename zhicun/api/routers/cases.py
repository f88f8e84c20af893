"""Cases: report, list, detail with the timeline, and transitions through the case services."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from ninja import Path, Query, Router, Status

from zhicun.api.common import LIMIT, NO_NUL, OFFSET, UNIT, paged, responses, scoped_unit
from zhicun.api.schemas import (
    CaseDetail,
    CaseIn,
    CasePage,
    CategoryOut,
    TransitionIn,
)
from zhicun.cases import services
from zhicun.cases.models import Case, Category, Light, State, Urgency
from zhicun.lib.masking import mask_phone
from zhicun.registry.models import Person
from zhicun.units.models import Kind, Unit
from zhicun.units.scope import get_for_user

router = Router(tags=["民情事件"])

NUMBER = Path(..., pattern=r"^[0-9]{6}-[0-9]{8}-[0-9]{4,6}$", description="事件编号")
STATE = Query(None, description="状态；open 表示全部未办结")
LIGHT = Query(None, description="红黄绿灯")
CATEGORY = Query(None, ge=1, le=2**53, description="分类（含其子分类）")
SEARCH = Query(None, max_length=40, pattern=NO_NUL, description="标题或编号")
StateFilter = Literal[("open", *State.values)]
REPORT_KINDS = (Kind.TOWNSHIP, Kind.VILLAGE, Kind.GRID, Kind.HAMLET)


def get_case(user, number: str) -> Case:
    qs = Case.objects.select_related(
        "category__parent", "urgency", "responsible_unit", "origin_unit"
    )
    return get_for_user(qs, user, number=number)


def case_out(case: Case) -> dict:
    return {
        "number": case.number,
        "title": case.title,
        "state": case.state,
        "state_label": case.get_state_display(),
        "category": case.category_id,
        "category_name": str(case.category),
        "urgency": case.urgency.code,
        "source": case.source,
        "origin_unit": case.origin_code,
        "responsible_unit": case.responsible_code,
        "responsible_unit_name": case.responsible_unit.name,
        "address": case.address,
        "reported_at": case.reported_at,
        "accepted_at": case.accepted_at,
        "deadline": case.deadline,
        "light": case.current_light(),
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "version": case.version,
    }


def case_detail_out(user, case: Case) -> dict:
    data = case_out(case)
    data.update(
        description=case.description,
        reporter_name=case.reporter_name,
        reporter_phone=mask_phone(case.reporter_phone),
        persons=list(Person.objects.in_scope(user).filter(cases=case).values_list("pk", flat=True)),
        latitude=case.latitude,
        longitude=case.longitude,
        result=case.result,
        rating=case.rating,
        allowed_actions=services.allowed_actions(user, case),
        events=[
            {
                "at": e.at,
                "action": e.action,
                "label": e.label,
                "actor": e.actor_name,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "unit": e.unit_code,
                "note": e.note,
            }
            for e in case.events.select_related("actor")
        ],
    )
    return data


@router.get("/case-categories", response=responses({200: list[CategoryOut]}))
def categories(request):
    """Active case categories: `id` is what a new case's `category` takes."""
    qs = Category.objects.filter(active=True).select_related("parent", "default_urgency")
    return [
        {
            "id": c.pk,
            "name": c.name,
            "parent": c.parent_id,
            "path": str(c),
            "default_urgency": c.default_urgency.code,
        }
        for c in qs
    ]


@router.get("/cases", response=responses({200: CasePage}, 404))
def cases(
    request,
    unit: str | None = UNIT,
    state: StateFilter | None = STATE,
    light: Light | None = LIGHT,
    category: int | None = CATEGORY,
    q: str | None = SEARCH,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Case.objects.in_scope(request.user).select_related(
        "category__parent", "urgency", "responsible_unit"
    )
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if state == "open":
        qs = qs.open()
    elif state:
        qs = qs.filter(state=state)
    now = timezone.now()
    if light == Light.RED:
        qs = qs.red(now)
    elif light == Light.YELLOW:
        qs = qs.yellow(now)
    elif light == Light.GREEN:
        qs = qs.green(now)
    if category:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if q and q.strip():
        qs = qs.filter(Q(title__contains=q.strip()) | Q(number__contains=q.strip()))
    return paged(qs.order_by("-reported_at", "-id"), limit, offset, case_out)


@router.get("/cases/{number}", response=responses({200: CaseDetail}, 404))
def case_detail(request, number: str = NUMBER):
    """A case with its timeline and the actions you may take now."""
    return case_detail_out(request.user, get_case(request.user, number))


@router.post("/cases", response=responses({201: CaseDetail}, 400, 403, 404))
def case_create(request, payload: CaseIn):
    """Report a case at a unit in your scope (one case per `idempotency_key`)."""
    origin = get_for_user(Unit.objects.all(), request.user, code=payload.origin_unit)
    if origin.kind not in REPORT_KINDS:
        raise ValidationError({"origin_unit": "发生地应为乡镇、村、网格或自然村"})
    category = Category.objects.filter(pk=payload.category, active=True).first()
    if category is None:
        raise ValidationError({"category": "没有这个事件分类"})
    urgency = None
    if payload.urgency:
        urgency = Urgency.objects.filter(code=payload.urgency).first()
        if urgency is None:
            raise ValidationError({"urgency": "没有这个紧急程度"})
    persons = list(Person.objects.in_scope(request.user).filter(pk__in=payload.persons))
    if len(persons) != len(set(payload.persons)):
        raise ValidationError({"persons": "涉及人员不在您的管辖范围内"})
    case = services.case_report(
        by=request.user,
        title=payload.title,
        description=payload.description,
        category=category,
        origin_unit=origin,
        source=payload.source,
        urgency=urgency,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        persons=persons,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, case_detail_out(request.user, get_case(request.user, case.number)))


@router.post("/cases/{number}/transitions", response=responses({200: CaseDetail}, 400, 404, 409))
def case_transition(request, payload: TransitionIn, number: str = NUMBER):
    """Move a case along its flow (accept, start, escalate, resolve, reply, rate, close …).

    A stale `version` answers 409; an action not allowed now answers 400 with the reason.
    """
    case = get_case(request.user, number)
    extra: dict = {}
    if payload.action == "accept" and payload.urgency:
        extra["urgency"] = Urgency.objects.filter(code=payload.urgency).first()
        if extra["urgency"] is None:
            raise ValidationError({"urgency": "没有这个紧急程度"})
    elif payload.action == "assign":
        extra["unit"] = Unit.objects.filter(code=payload.unit or "").first()
    elif payload.action == "request_extension":
        extra["extension"] = services.extension_from_form(case, payload.amount or 0)
    elif payload.action == "resolve":
        extra["result"] = payload.result
    elif payload.action == "reply":
        extra["method"] = payload.method
    elif payload.action == "rate":
        extra["rating"] = payload.rating
    services.case_transition(
        case=case,
        action=payload.action,
        by=request.user,
        note=payload.note,
        version=payload.version,
        **extra,
    )
    return case_detail_out(request.user, get_case(request.user, number))
