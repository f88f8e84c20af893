"""Serving an export or turning it into a request; the requester's and approvers' pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.exports import kinds, services
from zhicun.exports.kinds import ExportFile, ExportKind
from zhicun.exports.models import ExportRequest
from zhicun.exports.stamp import Stamp

VIEW = "business.view"
Status = ExportRequest.Status


def file_response(result: ExportFile) -> FileResponse:
    return FileResponse(
        result.file,
        as_attachment=True,
        filename=result.file_name,
        content_type=result.content_type,
    )


def serve_or_request(request, *, kind: ExportKind, params: dict, purpose: str, fmt: str, reveal):
    """Every export view ends here: the file if small enough, else an approval request."""
    user = request.user
    rows = kind.count(user, params)
    if not services.needs_approval(rows):
        stamp = Stamp.now(user, purpose=purpose, title=kind.label)
        result = kind.build(
            by=user, params=params, purpose=purpose, fmt=fmt, reveal=reveal, stamp=stamp
        )
        return file_response(result)
    req = services.request_create(
        by=user, kind=kind, params=params, purpose=purpose, fmt=fmt, reveal=reveal, rows=rows
    )
    messages.warning(
        request,
        f"导出超过 {services.approval_rows()} 行，需要村书记/主任或指挥中心审批。"
        f"已提交导出申请（{rows} 行），批准后 {services.download_hours()} 小时内可下载一次。",
    )
    return redirect("exports:detail", req.pk)


def _rows(queryset):
    return queryset.select_related("unit", "requested_by", "decided_by")


@require_perm(VIEW)
def mine(request):
    services.expire_due()
    page = Paginator(_rows(request.user.export_requests.all()), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "exports/mine.html", {"page": page, **_context(request.user)})


@require_perm(services.APPROVE)
def approvals(request):
    services.expire_due()
    shown = request.GET.get("status", "pending")
    queryset = _rows(services.approvable(request.user))
    if shown == "pending":
        queryset = queryset.filter(status=Status.PENDING).order_by("created_at", "pk")
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(
        request, "exports/approvals.html", {"page": page, "shown": shown, **_context(request.user)}
    )


def _context(user) -> dict:
    return {
        "limit": services.approval_rows(),
        "hours": services.download_hours(),
        "may_approve": user.can(services.APPROVE),
    }


def _visible(request, pk: int) -> ExportRequest:
    return get_object_or_404(_rows(services.visible(request.user)), pk=pk)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label="审批意见",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "驳回时必填"}),
    )


@require_perm(VIEW)
def detail(request, pk: int):
    services.expire_due()
    req = _visible(request, pk)
    kind = kinds.get(req.kind)
    may_decide = (
        req.status == Status.PENDING
        and req.requested_by_id != request.user.pk
        and services.approvable(request.user).filter(pk=req.pk).exists()
    )
    return render(
        request,
        "exports/detail.html",
        {
            "req": req,
            "kind_label": kind.label if kind else req.kind,
            "conditions": kind.describe(req.params) if kind else [],
            "may_decide": may_decide,
            "may_download": req.status == Status.APPROVED
            and req.requested_by_id == request.user.pk,
            "expires_at": req.expires_at,
            "form": DecisionForm(),
            **_context(request.user),
        },
    )


@require_POST
@require_perm(services.APPROVE)
def decide(request, pk: int):
    req = _visible(request, pk)  # 404 outside the approver's scope
    action = request.POST.get("action")
    if action not in ("approve", "reject"):
        messages.error(request, "请选择批准或驳回")
        return redirect("exports:detail", pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    try:
        services.decide(by=request.user, req=req, approve=action == "approve", reason=reason)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已批准该导出申请" if action == "approve" else "已驳回该导出申请")
    return redirect("exports:detail", pk)


@require_POST
@require_perm(VIEW)
def download(request, pk: int):
    req = get_object_or_404(request.user.export_requests.all(), pk=pk)
    try:
        result = services.download(by=request.user, req=req)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect("exports:detail", pk)
    return file_response(result)


urls = [
    path("", mine, name="mine"),
    path("approvals/", approvals, name="approvals"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/decide/", decide, name="decide"),
    path("<int:pk>/download/", download, name="download"),
]
