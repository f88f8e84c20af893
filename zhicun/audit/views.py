"""The auditor's page: search the audit trail by actor, action, object and time."""

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from zhicun.accounts.decorators import require_perm
from zhicun.audit.actions import LABELS
from zhicun.audit.models import AuditEvent


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@require_perm("audit.view")
def events(request):
    qs = AuditEvent.objects.all()
    f = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object", "since", "until")}
    if f["actor"]:
        qs = qs.filter(actor_name__icontains=f["actor"])
    if f["action"]:
        qs = qs.filter(action=f["action"])
    if f["object"]:
        kind, _, pk = f["object"].partition(":")
        qs = (
            qs.filter(object_type__icontains=kind)
            if not pk
            else qs.filter(object_type__icontains=kind, object_id=pk)
        )
    tz = timezone.get_current_timezone()
    if since := _parse_date(f["since"]):
        qs = qs.filter(at__gte=datetime.datetime.combine(since, datetime.time.min, tz))
    if until := _parse_date(f["until"]):
        end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tz)
        qs = qs.filter(at__lt=end)
    page = Paginator(qs.select_related("actor"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/events.html",
        {"page": page, "f": f, "actions": sorted(LABELS.items())},
    )
