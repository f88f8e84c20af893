"""三务公开 publications: list, detail, drafts and their review, through the disclosure services."""

from ninja import Path, Query, Router, Status

from zhicun.api.common import LIMIT, OFFSET, UNIT, paged, responses, scoped_unit
from zhicun.api.schemas import (
    MAX_ID,
    PublicationAction,
    PublicationIn,
    PublicationOut,
    PublicationPage,
    PublicationPatch,
)
from zhicun.disclosure import services
from zhicun.disclosure.models import Kind, Publication
from zhicun.disclosure.models import Status as PubStatus
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

router = Router(tags=["三务公开"])

PK = Path(..., ge=1, le=MAX_ID)
KIND = Query(None, description="类别")
STATUS = Query(None, description="状态")


def get_publication(user, pk: int) -> Publication:
    return get_for_user(Publication.objects.select_related("unit"), user, pk=pk)


def publication_out(p: Publication) -> dict:
    return {
        "id": p.pk,
        "unit": p.unit.code,
        "kind": p.kind,
        "title": p.title,
        "body": p.body,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "number": p.number,
        "status": p.status,
        "status_label": p.get_status_display(),
        "correction_note": p.correction_note,
        "withdraw_reason": p.withdraw_reason,
        "created_at": p.created_at,
        "published_at": p.published_at,
    }


@router.get("/publications", response=responses({200: PublicationPage}, 404))
def publications(
    request,
    unit: str | None = UNIT,
    kind: Kind | None = KIND,
    status: PubStatus | None = STATUS,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    qs = Publication.objects.in_scope(request.user).select_related("unit")
    if (below := scoped_unit(request.user, unit)) is not None:
        qs = qs.below(below.code)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return paged(qs.order_by("-created_at", "-id"), limit, offset, publication_out)


@router.get("/publications/{publication_id}", response=responses({200: PublicationOut}, 404))
def publication_detail(request, publication_id: int = PK):
    return publication_out(get_publication(request.user, publication_id))


@router.post("/publications", response=responses({201: PublicationOut}, 400, 403, 404))
def publication_create(request, payload: PublicationIn):
    """A draft in a village; it is published after review."""
    unit = get_for_user(Unit.objects.all(), request.user, code=payload.unit)
    pub = services.publication_create(
        by=request.user,
        unit=unit,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, publication_out(get_publication(request.user, pub.pk)))


@router.patch(
    "/publications/{publication_id}", response=responses({200: PublicationOut}, 400, 403, 404)
)
def publication_update(request, payload: PublicationPatch, publication_id: int = PK):
    """Change a draft (a published text is corrected with the `correct` action instead)."""
    pub = get_publication(request.user, publication_id)
    sent = payload.dict(exclude_unset=True)
    fields = {
        name: sent[name] if name in sent else getattr(pub, name)
        for name in ("title", "body", "period_start", "period_end")
    }
    fields["title"] = fields["title"] or ""
    fields["body"] = fields["body"] or ""
    pub = services.publication_update(by=request.user, publication=pub, **fields)
    return publication_out(pub)


@router.post(
    "/publications/{publication_id}/actions",
    response=responses({200: PublicationOut}, 400, 403, 404),
)
def publication_act(request, payload: PublicationAction, publication_id: int = PK):
    """submit → approve (or reject); withdraw or correct what is published.

    `correct` answers with the new draft version.
    """
    pub = get_publication(request.user, publication_id)
    by, note = request.user, payload.note
    if payload.action == "submit":
        pub = services.publication_submit(by=by, publication=pub)
    elif payload.action == "approve":
        pub = services.publication_approve(by=by, publication=pub, note=note)
    elif payload.action == "reject":
        pub = services.publication_reject(by=by, publication=pub, note=note)
    elif payload.action == "withdraw":
        pub = services.publication_withdraw(by=by, publication=pub, reason=note)
    else:
        pub = services.publication_correct(by=by, publication=pub, note=note)
    return publication_out(get_publication(request.user, pub.pk))
