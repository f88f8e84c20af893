"""Portal panels on the 工作台 home: the villager's own pages, and the collector's tasks
from villagers' correction requests."""

from django.urls import reverse

from zhicun.portal.models import CorrectionRequest, CorrectionStatus

SHOWN = 8


def panels(request) -> list[dict]:
    user = request.user
    if user.is_villager:
        return [
            {
                "template": "panel_links.html",
                "title": "村民服务",
                "links": [
                    {"label": "我的主页", "url": reverse("portal:me"), "icon": "person"},
                    {
                        "label": "本村公开栏",
                        "url": reverse("portal:village", args=[user.villager.village.code]),
                        "icon": "megaphone",
                    },
                ],
            }
        ]
    if not user.can("registry.edit"):
        return []
    open_requests = (
        CorrectionRequest.objects.in_scope(user)
        .filter(status=CorrectionStatus.OPEN)
        .select_related("household__hamlet", "person")
        .order_by("created_at")
    )
    rows = list(open_requests[: SHOWN + 1])
    return [
        {
            "template": "portal/panels/corrections.html",
            "title": "村民更正申请",
            "rows": rows[:SHOWN],
            "more": len(rows) > SHOWN,
        }
    ]
