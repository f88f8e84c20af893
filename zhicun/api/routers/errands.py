"""Errands (代办): the catalogue, list, detail, registration and the steps of an errand."""

from ninja import Path, Query, Router, Status

from zhicun.api.common import LIMIT, NO_NUL, OFFSET, UNIT, paged, responses, scoped_unit
from zhicun.api.schemas import MAX_ID, ErrandIn, ErrandOut, ErrandPage, ErrandStep, ErrandTypeOut
from zhicun.errands import services
from zhicun.errands.models import Errand, ErrandType, State
from zhicun.registry.models import Person
from zhicun.units.scope import get_for_user

router = Router(tags=["代办服务"])

PK = Path(..., ge=1, le=MAX_ID)
STATE = Query(None, description="状态")
TYPE = Query(None, max_length=30, pattern=NO_NUL, description="代办事项代码")


def get_errand(user, pk: int) -> Errand:
    return get_for_user(Errand.objects.select_related("person", "type"), user, pk=pk)


def errand_out(e: Errand) -> dict:
    return {
        "id": e.pk,
        "number": e.number,
        "person": e.person_id,
        "person_name": e.person.name,
        "type": e.type.code,
        "type_name": e.type.name,
        "unit": e.unit_code,
        "need": e.need,
        "documents_required": list(e.documents_required or []),
        "channel": e.channel,
        "state": e.state,
        "state_label": e.get_state_display(),
        "registered_at": e.registered_at,
        "deadline": e.deadline,
        "light": e.current_light(),
        "office": e.office,
        "result": e.result,
        "replied_at": e.replied_at,
        "closed_at": e.closed_at,
        "version": e.version,
    }


@router.get("/errand-types", response=responses({200: list[ErrandTypeOut]}))
def errand_types(request):
    return [
        {
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "documents": list(t.documents or []),
            "limit_days": t.limit_days,
            "pays_money": t.pays_money,
        }
        for t in ErrandType.objects.filter(active=True)
    ]


@router.get("/errands", response=responses({200: ErrandPage}, 404))
def errands(
    request,
    unit: str | None = UNIT,
    state: State | None = STATE,
    type: str | None = TYPE,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Errand.objects.in_scope(request.user).select_related("person", "type")
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if state:
        qs = qs.filter(state=state)
    if type:
        qs = qs.filter(type__code=type)
    return paged(qs.order_by("-registered_at", "-id"), limit, offset, errand_out)


@router.get("/errands/{errand_id}", response=responses({200: ErrandOut}, 404))
def errand_detail(request, errand_id: int = PK):
    return errand_out(get_errand(request.user, errand_id))


@router.post("/errands", response=responses({201: ErrandOut}, 400, 404))
def errand_register(request, payload: ErrandIn):
    """Register an errand for a villager in your scope (one per `idempotency_key`)."""
    person = get_for_user(Person.objects.select_related("hamlet"), request.user, pk=payload.person)
    errand_type = ErrandType.objects.filter(code=payload.type).first()
    if errand_type is None:
        raise services.ErrandError("没有这个代办事项")
    errand = services.errand_register(
        by=request.user,
        person=person,
        type=errand_type,
        need=payload.need,
        channel=payload.channel,
        documents_required=payload.documents_required,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, errand_out(get_errand(request.user, errand.pk)))


@router.post("/errands/{errand_id}/steps", response=responses({200: ErrandOut}, 400, 404, 409))
def errand_step(request, payload: ErrandStep, errand_id: int = PK):
    """start → note … → reply → close; or cancel / fail with a reason."""
    errand = get_errand(request.user, errand_id)
    by, version, note = request.user, payload.version, payload.note
    if payload.action == "start":
        services.errand_start(
            errand=errand, by=by, office=payload.office, note=note, version=version
        )
    elif payload.action == "note":
        services.errand_note(
            errand=errand, by=by, note=note, office=payload.office, version=version
        )
    elif payload.action == "reply":
        services.errand_reply(
            errand=errand, by=by, result=payload.result, method=payload.method, version=version
        )
    elif payload.action == "close":
        services.errand_close(
            errand=errand, by=by, confirmed=payload.confirmed, note=note, version=version
        )
    elif payload.action == "cancel":
        services.errand_cancel(errand=errand, by=by, reason=note, version=version)
    else:
        services.errand_fail(
            errand=errand, by=by, reason=note, informed=payload.informed, version=version
        )
    return errand_out(get_errand(request.user, errand_id))
