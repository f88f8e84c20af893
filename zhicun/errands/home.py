"""The errands panels on the 工作台 home: documents this person holds, then their errands."""

from django.urls import reverse
from django.utils import timezone

from zhicun.errands.models import CustodyItem, Errand


def held_by(user):
    """Documents this staff member received and has not yet returned (in their scope)."""
    return (
        CustodyItem.objects.held()
        .filter(received_by=user, errand__in=Errand.objects.in_scope(user))
        .select_related("errand__person", "errand__type")
        .order_by("received_at")
    )


def panels(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated or not user.can("errand.handle"):
        return []
    out = []
    held = list(held_by(user)[:50])
    if held:
        out.append(
            {
                "template": "errands/panel_custody.html",
                "title": f"我托管的材料（{len(held)} 件未归还）",
                "items": held,
            }
        )
    mine = Errand.objects.in_scope(user).handled_by(user)
    now = timezone.now()
    base = reverse("errands:list")
    links = [
        {"label": "登记代办", "url": reverse("errands:new"), "icon": "plus-circle", "count": None},
        {
            "label": "我的在办代办",
            "url": f"{base}?mine=1&state=open",
            "count": mine.open().count(),
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
            "label": "养老金资格认证",
            "url": reverse("errands:pension"),
            "icon": "person-check",
            "count": None,
        },
    ]
    out.append({"template": "panel_links.html", "title": "代办服务", "links": links})
    return out
