"""The disclosure panel on the 工作台 home: what waits for this person's review or reply."""

from django.db.models import Q
from django.urls import reverse

from zhicun.disclosure.models import Comment, CommentStatus, Publication, Status


def panels(request) -> list[dict]:
    user = request.user
    if not user.can("business.view"):
        return []
    reviewing = [
        p
        for p in Publication.objects.in_scope(user)
        .filter(status=Status.REVIEW)
        .select_related("unit")
        if user.can(p.review_perm, p.unit.code)
    ]
    links = [
        {"label": "公开事项", "url": reverse("disclosure:list"), "icon": "megaphone"},
        {
            "label": "待我审核",
            "url": reverse("disclosure:list") + "?status=review",
            "icon": "patch-check",
            "count": len(reviewing),
            "badge": "text-bg-warning" if reviewing else "",
        },
    ]
    if user.can("disclosure.moderate"):
        waiting = (
            Comment.objects.in_scope(user)
            .filter(Q(status=CommentStatus.PENDING) | Q(awaiting_review=True), by_staff=False)
            .count()
        )
        links.append(
            {
                "label": "待处理留言",
                "url": reverse("disclosure:comments"),
                "icon": "chat-dots",
                "count": waiting,
                "badge": "text-bg-warning" if waiting else "",
            }
        )
    links.append(
        {"label": "公开完成率", "url": reverse("disclosure:completion"), "icon": "check2-all"}
    )
    return [{"template": "panel_links.html", "title": "三务公开", "links": links}]
