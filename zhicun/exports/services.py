"""The export approval rule, in one place for every export.

An export of more than `ZHICUN_EXPORT_APPROVAL_ROWS` rows is not served: it becomes an
ExportRequest. A chief (网格长, the village secretary) or a command centre whose post covers the
requester's unit approves or rejects it; nobody decides their own. The requester may then
download it once, within `ZHICUN_EXPORT_DOWNLOAD_HOURS` of the approval; the file is generated at
that moment from the stored parameters with the requester's current scope and permissions. An
approval left past its window becomes 已过期 through `request_expire`, whether the worker, a page
or the download itself finds it first; pending requests do not expire.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhicun.audit.services import audit_record
from zhicun.exports import kinds
from zhicun.exports.kinds import ExportFile, ExportKind
from zhicun.exports.models import ExportRequest
from zhicun.exports.stamp import Stamp
from zhicun.notify.services import notify_users
from zhicun.units.models import Unit

APPROVE = "export.approve"
Status = ExportRequest.Status


def approval_rows() -> int:
    return settings.ZHICUN_EXPORT_APPROVAL_ROWS


def download_hours() -> int:
    return settings.ZHICUN_EXPORT_DOWNLOAD_HOURS


def needs_approval(rows: int) -> bool:
    return rows > approval_rows()


def check_purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "请填写导出用途"})
    if len(purpose) > 200:
        raise ValidationError({"purpose": "导出用途不能超过 200 个字"})
    return purpose


def request_unit(user, perm: str, unit_code: str = "") -> Unit:
    """The requester's post unit for this export: the post covering the filtered unit, else the
    nearest unit above all their posts holding `perm` (approvers must cover that)."""
    units = user.units_for(perm)
    covering = [u for u in units if unit_code and unit_code.startswith(u.code)]
    if covering:
        return max(covering, key=lambda u: len(u.code))
    below = [u for u in units if unit_code and u.code.startswith(unit_code)]
    units = below or units
    if not units:
        raise PermissionDenied("您的岗位没有此项导出权限")
    first = units[0]
    for candidate in [first, *reversed(list(first.ancestors()))]:
        if all(u.code.startswith(candidate.code) for u in units):
            return candidate
    raise ValidationError("您的岗位分属不同区县，请先选择一个单位再导出")


def request_create(
    *, by, kind: ExportKind, params: dict, purpose: str, fmt: str, reveal: bool, rows: int
) -> ExportRequest:
    """Record a request (the same pending request twice is one request) and audit it."""
    purpose = check_purpose(purpose)
    unit = request_unit(by, kind.perm, str(params.get("unit") or ""))
    fields = {
        "kind": kind.key,
        "requested_by": by,
        "params": params,
        "purpose": purpose,
        "format": fmt,
        "reveal": reveal,
        "unit": unit,
    }
    with transaction.atomic():
        same = [
            r
            for r in ExportRequest.objects.select_for_update().filter(
                status=Status.PENDING, kind=kind.key, requested_by=by, purpose=purpose
            )
            if r.params == params and r.format == fmt and r.reveal == reveal
        ]
        if same:
            return same[0]
        req = ExportRequest.objects.create(rows=rows, **fields)
        audit_record(
            actor=by,
            action="export.request",
            obj=req,
            details={
                "kind": kind.key,
                "filter": params,
                "rows": rows,
                "purpose": purpose,
                "format": fmt,
                "reveal": reveal,
            },
        )
    return req


def approver_q(user) -> Q:
    q = Q(pk__in=[])
    for unit in user.units_for(APPROVE):
        q |= Q(unit__code__startswith=unit.code)
    return q


def approvable(user):
    """Requests this user may decide: in the scope of their approving posts, not their own."""
    if not user.is_active:
        return ExportRequest.objects.none()
    return ExportRequest.objects.filter(approver_q(user)).exclude(requested_by=user)


def visible(user):
    """Requests this user may see: their own and those they may decide."""
    return ExportRequest.objects.filter(Q(requested_by=user) | Q(pk__in=approvable(user)))


def _locked(req: ExportRequest) -> ExportRequest:
    return ExportRequest.objects.select_for_update().select_related("unit").get(pk=req.pk)


def decide(*, by, req: ExportRequest, approve: bool, reason: str) -> ExportRequest:
    reason = (reason or "").strip()
    if req.requested_by_id == by.pk:
        raise PermissionDenied("不能审批自己的导出申请")
    if not by.can(APPROVE, req.unit.code):
        raise PermissionDenied("您的岗位无权审批该导出申请")
    if not approve and not reason:
        raise ValidationError({"reason": "驳回时请填写理由"})
    if len(reason) > 200:
        raise ValidationError({"reason": "审批意见不能超过 200 个字"})
    with transaction.atomic():
        req = _locked(req)
        if req.status != Status.PENDING:
            raise ValidationError(f"该申请已{req.get_status_display()}，不能再审批")
        req.status = Status.APPROVED if approve else Status.REJECTED
        req.decided_by = by
        req.decided_at = timezone.now()
        req.reason = reason
        req.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit_record(
            actor=by,
            action="export.approve" if approve else "export.reject",
            obj=req,
            details={"rows": req.rows, "requested_by": req.requested_by.username, "reason": reason},
        )
        _notify_decision(req)
    return req


def _notify_decision(req: ExportRequest) -> None:
    """Tell the requester through the outbox, in the decision's transaction."""
    kind = kinds.get(req.kind)
    lines = [
        f"导出内容：{kind.label if kind else req.kind}；用途：{req.purpose}",
        f"审批人：{req.decided_by.display_name}",
    ]
    if req.status == Status.APPROVED:
        subject = f"【导出申请已批准】{req}"
        until = timezone.localtime(req.expires_at)
        lines.append(f"请在 {until:%Y-%m-%d %H:%M} 前到“我的导出申请”下载，只能下载一次。")
    else:
        subject = f"【导出申请已驳回】{req}"
        lines.append(f"驳回理由：{req.reason}")
    notify_users(
        users=[req.requested_by],
        subject=subject,
        body="\n".join(lines),
        dedupe_key=f"export:{req.pk}:{req.status}",
    )


def request_expire(*, req: ExportRequest, now: datetime.datetime) -> bool:
    """Mark one approved request whose download window has passed as 已过期, with its audit row,
    exactly once whatever other workers, page loads and downloads do at the same moment: the
    conditional UPDATE decides, and PostgreSQL re-checks its condition after waiting for a
    concurrent download or expiry of the same row. `req` may be stale."""
    with transaction.atomic():
        if not ExportRequest.objects.overdue(now).filter(pk=req.pk).update(status=Status.EXPIRED):
            return False
        req.status = Status.EXPIRED
        audit_record(
            actor=None,
            actor_name="系统",
            action="export.expire",
            obj=req,
            details={
                "from": Status.APPROVED,
                "to": Status.EXPIRED,
                "hours": download_hours(),
                "approved_at": req.decided_at.isoformat(),
            },
        )
    return True


def expire_due(now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Expire the approvals whose download window has passed: the worker runs this every tick,
    and the export pages before they show a status (so a platform without a worker agrees)."""
    now = now or timezone.now()
    due = ExportRequest.objects.overdue(now).select_related("unit").order_by("decided_at", "pk")
    return sum(request_expire(req=req, now=now) for req in list(due[:limit]))


def _refuse(by, req: ExportRequest, message: str):
    audit_record(
        actor=by,
        action="export",
        obj=req,
        success=False,
        details={"request": req.pk, "refused": message},
    )
    return ValidationError(message)


def download(*, by, req: ExportRequest) -> ExportFile:
    """The approved file, generated now with the requester's current scope; once only."""
    if req.requested_by_id != by.pk:
        raise PermissionDenied("只有申请人可以下载")
    kind = kinds.get(req.kind)
    with transaction.atomic():
        req = _locked(req)
        request_expire(req=req, now=timezone.now())  # a window that has just closed is closed
        if req.status != Status.APPROVED:
            if req.status == Status.DOWNLOADED:
                message = "该导出已下载过，每次批准只能下载一次；如需再次导出请重新申请"
            else:
                message = f"该申请{req.get_status_display()}，不能下载"
            refusal = _refuse(by, req, message)
        elif kind is None or not by.can(kind.perm):
            refusal = _refuse(by, req, "您的岗位已没有此项导出权限")
        else:
            refusal = None
            stamp = Stamp.now(by, purpose=req.purpose, title=kind.label)
            result = kind.build(
                by=by,
                params=req.params,
                purpose=req.purpose,
                fmt=req.format,
                reveal=req.reveal,
                stamp=stamp,
                audit_details={"request": req.pk, "approved_by": req.decided_by.username},
            )
            req.status = Status.DOWNLOADED
            req.downloaded_at = stamp.at
            req.save(update_fields=["status", "downloaded_at"])
    if refusal is not None:
        raise refusal
    return result
