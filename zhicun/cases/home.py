"""The cases panels on the 工作台 home: 督办 notices first, then what waits on this person."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhicun.cases.models import RUNNING, Case, State, SupervisionNotice
from zhicun.units.scope import NOTHING


def _handled_q(user):
    """Cases this person handles: at a unit where they hold case.handle, or assigned to them."""
    q = NOTHING
    for unit in user.units_for("case.handle"):
        q = q | Q(responsible_code=unit.code) if q is not NOTHING else Q(responsible_code=unit.code)
    assigned = Q(assignee=user)
    return assigned if q is NOTHING else q | assigned


def pending_notices(user):
    cases = Case.objects.in_scope(user).filter(_handled_q(user), state__in=[*RUNNING, *_WAITING])
    return (
        SupervisionNotice.objects.filter(case__in=cases, acknowledged_at__isnull=True)
        .select_related("case", "issued_by")
        .order_by("-issued_at")
    )


_WAITING = (State.REPORTED, State.ESCALATED, State.PARKED, State.RETURNED)


def panels(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated or not (user.can("case.report") or user.can("case.supervise")):
        return []
    out = []
    notices = list(pending_notices(user)[:20])
    if notices:
        out.append(
            {
                "template": "cases/panel_notices.html",
                "title": "督办通知（请签收）",
                "notices": notices,
                # The home page lays panels out in a flex row: this one goes first.
                "width": "col-12 order-first",
            }
        )
    mine = Case.objects.in_scope(user).filter(_handled_q(user))
    now = timezone.now()
    base = reverse("cases:list")
    links = [
        {
            "label": "待受理",
            "url": f"{base}?mine=1&state=reported",
            "count": mine.filter(state__in=[State.REPORTED, State.ESCALATED]).count(),
            "icon": "inbox",
        },
        {
            "label": "办理中",
            "url": f"{base}?mine=1&state=in_progress",
            "count": mine.running().count(),
            "icon": "hourglass-split",
        },
        {
            "label": "黄灯（即将超期）",
            "url": f"{base}?mine=1&light=yellow",
            "count": mine.yellow(now).count(),
            "icon": "exclamation-circle",
            "badge": "text-bg-warning",
        },
        {
            "label": "红灯（已超期）",
            "url": f"{base}?mine=1&light=red",
            "count": mine.red(now).count(),
            "icon": "exclamation-triangle",
            "badge": "text-bg-danger",
        },
        {
            "label": "待回复、评价",
            "url": f"{base}?state=resolved",
            "count": Case.objects.in_scope(user)
            .filter(state__in=[State.RESOLVED, State.REPLIED])
            .count(),
            "icon": "chat-dots",
        },
    ]
    if user.can("case.report"):
        links.insert(
            0,
            {
                "label": "上报事件",
                "url": reverse("cases:new"),
                "icon": "plus-circle",
                "count": None,
            },
        )
    if user.can("case.supervise"):
        links.append(
            {
                "label": "督办看板",
                "url": reverse("cases:board"),
                "icon": "speedometer2",
                "count": None,
            }
        )
    out.append({"template": "panel_links.html", "title": "民情事件", "links": links})
    return out
