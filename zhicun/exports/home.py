"""The 工作台 panel: pending export requests for approvers, ready downloads for requesters."""

from django.urls import reverse
from django.utils import timezone

from zhicun.exports import services
from zhicun.exports.models import ExportRequest

Status = ExportRequest.Status


def panels(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated or not user.can("business.view"):
        return []
    links = []
    if user.can(services.APPROVE):
        pending = services.approvable(user).filter(status=Status.PENDING).count()
        links.append(
            {
                "label": "待审批的导出申请",
                "url": reverse("exports:approvals"),
                "icon": "clipboard-check",
                "count": pending,
                "badge": "text-bg-warning" if pending else "text-bg-secondary",
            }
        )
    mine = user.export_requests.all()
    if mine.exists():
        links.append(
            {
                "label": "我的导出申请（已批准待下载）",
                "url": reverse("exports:mine"),
                "icon": "download",
                "count": mine.downloadable(timezone.now()).count(),
                "badge": "text-bg-success",
            }
        )
    if not links:
        return []
    return [{"template": "panel_links.html", "title": "导出审批", "links": links}]
