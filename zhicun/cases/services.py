"""Case services: report, the transition table, instructions, supervision and the light sweep.

Pages and the API call these functions; they check role, scope and state, write the case, one
history row, one audit row and any outbox messages in one transaction.
"""

import contextlib
import contextvars
import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.accounts.roles import Role
from zhicun.audit.services import audit_record
from zhicun.cases.models import (
    EXTERNAL_SOURCES,
    OPEN,
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Instruction,
    Light,
    Rating,
    ReplyMethod,
    Source,
    State,
    SupervisionNotice,
    Urgency,
)
from zhicun.lib import lights
from zhicun.lib.images import ImageRefused, Reencoded, reencode
from zhicun.lib.versioning import ConflictError, save_versioned
from zhicun.notify.services import notify_users
from zhicun.units.models import Kind, Unit


class CaseError(Exception):
    """A refused action, with the message shown to the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# The demo seeder replays a year of history; everything else runs on the real clock.
_clock: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("clock", default=None)


@contextlib.contextmanager
def clock_at(moment: dt.datetime):
    """Run services as if it were `moment`; replayed history is not news, so nobody is
    notified."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


def _now() -> dt.datetime:
    return _clock.get() or timezone.now()


# ---------------------------------------------------------------------------------------------
# Units: who handles a case, and the level above.

HANDLING_KINDS = (Kind.VILLAGE, Kind.TOWNSHIP, Kind.COUNTY)


def handling_unit(unit: Unit) -> Unit:
    """The level that takes a case arising at `unit`: its village (or the unit itself)."""
    if unit.kind in HANDLING_KINDS or unit.kind in (Kind.CITY, Kind.PROVINCE):
        return unit
    return Unit.objects.filter(code__in=unit.ancestor_codes(), kind=Kind.VILLAGE).first() or unit


def level_above(unit: Unit) -> Unit | None:
    """Village → township → county (district); None at the county."""
    wanted = {Kind.VILLAGE: Kind.TOWNSHIP, Kind.TOWNSHIP: Kind.COUNTY}.get(unit.kind)
    if unit.kind in (Kind.GRID, Kind.HAMLET):
        wanted = Kind.VILLAGE
    if wanted is None:
        return None
    return Unit.objects.filter(code__in=unit.ancestor_codes(), kind=wanted).first()


HANDLER_ROLES = (Role.CHIEF, Role.MANAGER, Role.COMMAND)


def unit_staff(code: str, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, posts__active=True, posts__unit__code=code, posts__role__in=roles
        ).distinct()
    )


def responsible_staff(case: Case) -> list[User]:
    staff = unit_staff(case.responsible_code, HANDLER_ROLES)
    if case.assignee_id and case.assignee not in staff:
        staff.append(case.assignee)
    return staff


def upper_command(case: Case) -> list[User]:
    """The command centre of the nearest level above the responsible unit that has one."""
    unit = case.responsible_unit
    while (unit := level_above(unit)) is not None:
        staff = unit_staff(unit.code, (Role.COMMAND,))
        if staff:
            return staff
    return []


# ---------------------------------------------------------------------------------------------
# The clock.


def _place_deadline(case: Case, now: dt.datetime, remaining: dt.timedelta) -> None:
    """Deadline `remaining` from now; yellow when a quarter of the whole limit is left."""
    case.deadline, case.yellow_at = lights.place(
        now, remaining, case.clock_limit, case.clock_working
    )
    case.light = Light.GREEN


def start_clock(case: Case, now: dt.datetime, urgency: Urgency) -> None:
    case.urgency = urgency
    case.clock_working = urgency.working
    case.clock_limit = urgency.limit
    case.clock_started_at = now
    case.paused_remaining = None
    _place_deadline(case, now, urgency.limit)


def _stop_clock(case: Case) -> None:
    case.deadline = None
    case.yellow_at = None
    case.light = Light.NONE


CLOCK_FIELDS = [
    "urgency",
    "clock_working",
    "clock_limit",
    "clock_started_at",
    "deadline",
    "yellow_at",
    "paused_remaining",
    "light",
]


# ---------------------------------------------------------------------------------------------
# Numbers.


def next_number(origin_code: str, now: dt.datetime) -> str:
    """`150902-20261128-0007`: county code, local date, daily sequence (safe under concurrency:
    the counter row is created once and bumped by an UPDATE that locks it until commit)."""
    prefix = origin_code[:6]
    day = timezone.localtime(now).date()
    with transaction.atomic():
        try:
            with transaction.atomic():
                CaseCounter.objects.get_or_create(prefix=prefix, day=day)
        except IntegrityError:
            pass
        CaseCounter.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
        last = CaseCounter.objects.get(prefix=prefix, day=day).last
    return f"{prefix}-{day:%Y%m%d}-{last:04d}"


# ---------------------------------------------------------------------------------------------
# History, audit, notifications.


def _record(
    case: Case,
    *,
    by: User | None,
    action: str,
    from_state: str,
    note: str,
    now: dt.datetime,
    data: dict | None = None,
    actor_name: str = "",
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        at=now,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=case.state,
        unit_code=case.responsible_code,
        note=note,
        data=data or {},
    )
    details = {"from": from_state, "to": case.state, "note": note[:200], **(data or {})}
    audit_record(
        actor=by,
        action=f"case.{action}",
        obj=case,
        details=details,
        actor_name=actor_name or ("" if by else "系统"),
    )
    return event


def _notify(users: Iterable[User], case: Case, text: str, key: str | None = None) -> None:
    if _clock.get() is not None:
        return
    subject = f"【{text}】{case.number} {case.title}"
    body = (
        f"{case.title}\n分类：{case.category.name}；紧急程度：{case.urgency.name}\n"
        f"责任单位：{case.responsible_unit.name}"
    )
    if case.deadline:
        body += f"\n办理时限：{timezone.localtime(case.deadline):%Y-%m-%d %H:%M}"
    notify_users(users=users, subject=subject, body=body, dedupe_key=key)


# ---------------------------------------------------------------------------------------------
# Reporting.


def may_report(user: User, unit: Unit) -> bool:
    """Staff report in their units; a verified villager reports in their own village."""
    if getattr(user, "is_villager", False):
        return unit.code.startswith(user.villager.village.code)
    return user.can("case.report", unit.code)


def _check_photos(photos: Iterable) -> list[Reencoded]:
    """Each photo re-encoded (upright, bounded in size, without EXIF such as the GPS
    position), or a Chinese error before anything is saved."""
    checked = []
    for photo in photos:
        if photo.size > settings.ZHICUN_CASE_PHOTO_MAX_BYTES:
            limit = settings.ZHICUN_CASE_PHOTO_MAX_BYTES // (1024 * 1024)
            raise CaseError(f"照片「{photo.name}」超过 {limit} MB")
        try:
            checked.append(reencode(photo, photo.name))
        except ImageRefused as e:
            raise CaseError(e.message) from None
    return checked


def _save_photos(case: Case, photos: list[Reencoded], kind: str, by, now: dt.datetime) -> None:
    for photo in photos:
        item = CasePhoto(case=case, kind=kind, content_type=photo.content_type, uploaded_by=by)
        item.uploaded_at = now
        item.image.save(f"photo.{photo.extension}", ContentFile(photo.content), save=False)
        item.save()


def case_report(
    *,
    by: User,
    title: str,
    description: str,
    category: Category,
    origin_unit: Unit,
    source: str = Source.STAFF,
    urgency: Urgency | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    persons: Iterable = (),
    address: str = "",
    latitude=None,
    longitude=None,
    photos: Iterable = (),
    idempotency_key: str | None = None,
) -> Case:
    """A new case, responsible at the village where it arose; one case per idempotency key."""
    from zhicun.registry.models import Person

    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_submission(existing, by)
    if not may_report(by, origin_unit):
        raise CaseError("您的岗位无权在该单位上报事件")
    if not title.strip() or not description.strip():
        raise CaseError("标题和描述不能为空")
    if source not in Source.values or source in EXTERNAL_SOURCES:
        raise CaseError("未知的事件来源")
    persons = list(persons)
    visible = set(Person.objects.in_scope(by).filter(pk__in=[p.pk for p in persons]))
    if len(visible) != len(persons):
        raise CaseError("涉及人员不在您的管辖范围内")
    checked = _check_photos(photos)
    now = _now()
    responsible = handling_unit(origin_unit)
    case = Case(
        title=title.strip(),
        description=description.strip(),
        category=category,
        urgency=urgency or category.default_urgency,
        source=source,
        reporter_user=by,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone,
        origin_unit=origin_unit,
        origin_code=origin_unit.code,
        responsible_unit=responsible,
        responsible_code=responsible.code,
        address=address,
        latitude=latitude,
        longitude=longitude,
        state=State.REPORTED,
        reported_at=now,
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            case.number = next_number(origin_unit.code, now)
            case.save()
            case.persons.set(persons)
            _save_photos(case, checked, CasePhoto.Kind.REPORT, by, now)
            _record(case, by=by, action="report", from_state="", note="", now=now)
            _notify(unit_staff(responsible.code, HANDLER_ROLES), case, "新事件待受理")
    except IntegrityError:
        # The same form submitted twice at once: the first one won.
        if idempotency_key:
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_submission(existing, by)
        raise
    return case


def case_report_external(
    *,
    source: str,
    via: str,
    title: str,
    description: str,
    category: Category,
    origin_unit: Unit,
    reporter_name: str = "",
    reporter_phone: str = "",
    address: str = "",
    latitude=None,
    longitude=None,
) -> Case:
    """A new case from an external channel (`via`: the application that sent it).

    Nobody is signed in behind it: the caller has authenticated the channel and placed the
    case; the history and the audit trail name the channel instead of a person.
    """
    if source not in EXTERNAL_SOURCES:
        raise CaseError("未知的外部事件来源")
    title, description, via = title.strip(), description.strip(), via.strip()
    if not title or not description:
        raise CaseError("标题和描述不能为空")
    if not via:
        raise CaseError("请注明事件来自哪个应用")
    limits = {"标题": (title, 100), "反映人": (reporter_name.strip(), 40)}
    limits |= {"联系方式": (reporter_phone.strip(), 20), "地址": (address.strip(), 200)}
    for label, (value, limit) in limits.items():
        if len(value) > limit:
            raise CaseError(f"{label}不能超过 {limit} 字")
    now = _now()
    responsible = handling_unit(origin_unit)
    case = Case(
        title=title,
        description=description,
        category=category,
        urgency=category.default_urgency,
        source=source,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        origin_unit=origin_unit,
        origin_code=origin_unit.code,
        responsible_unit=responsible,
        responsible_code=responsible.code,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        state=State.REPORTED,
        reported_at=now,
    )
    with transaction.atomic():
        case.number = next_number(origin_unit.code, now)
        case.save()
        note = f"来自 {via}"
        actor_name = f"{source}:{via}"[:150]
        _record(
            case, by=None, action="report", from_state="", note=note, now=now, actor_name=actor_name
        )
        _notify(unit_staff(responsible.code, HANDLER_ROLES), case, "新事件待受理")
    return case


def _same_submission(case: Case, by: User) -> Case:
    if case.reporter_user_id != by.pk:
        raise CaseError("表单已失效，请重新打开上报页面")
    return case


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


# ---------------------------------------------------------------------------------------------
# The transition table.

RESPONSIBLE, ORIGIN_OR_RESPONSIBLE = "responsible", "either"


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    perm: str
    where: str
    handler: Callable
    needs_note: bool = False
    # The staff member a case (or an instruction) is assigned to may do this too.
    assignee_may: bool = False
    # The villager who reported the case may do this too (rating it from the portal).
    reporter_may: bool = False


def _accept(case, *, by, now, urgency: Urgency | None = None, **_):
    if case.accepted_at is None:
        case.accepted_at = now
    start_clock(case, now, urgency or case.urgency)
    return ["accepted_at", *CLOCK_FIELDS], {"urgency": case.urgency.name}


def _nothing(case, **_):
    return [], {}


def _escalate(case, *, by, now, **_):
    upper = level_above(case.responsible_unit)
    if upper is None:
        raise CaseError("已是最高层级，不能再上报")
    data = {"from_unit": case.responsible_code, "to_unit": upper.code}
    case.escalated_from_code = case.responsible_code
    case.responsible_unit = upper
    case.responsible_code = upper.code
    case.assignee = None
    case.escalation_count += 1
    case.paused_remaining = None
    _stop_clock(case)
    fields = ["escalated_from_code", "responsible_unit", "responsible_code", "assignee"]
    return [*fields, "escalation_count", "paused_remaining", *CLOCK_FIELDS], data


def _move_down(case: Case, target: Unit) -> tuple[list[str], dict]:
    data = {"from_unit": case.responsible_code, "to_unit": target.code}
    case.responsible_unit = target
    case.responsible_code = target.code
    case.assignee = None
    return ["responsible_unit", "responsible_code", "assignee"], data


def _assign(case, *, by, now, unit: Unit | None = None, **_):
    if (
        unit is None
        or unit.code == case.responsible_code
        or not unit.code.startswith(case.responsible_code)
    ):
        raise CaseError("请选择本单位的下级单位")
    return _move_down(case, unit)


def _hand_back(case, *, by, now, **_):
    if not case.escalated_from_code:
        raise CaseError("该事件不是由下级上报的，无法退回下级")
    target = Unit.objects.get(code=case.escalated_from_code)
    fields, data = _move_down(case, target)
    case.escalated_from_code = ""
    return [*fields, "escalated_from_code"], data


def _supplement(case, *, by, now, note, **_):
    case.description = f"{case.description}\n【补充 {timezone.localtime(now):%m-%d %H:%M}】{note}"
    return ["description"], {}


def _request_extension(case, *, by, now, extension: dt.timedelta | None = None, **_):
    if case.extension_pending:
        raise CaseError("已有延期申请待审批")
    if not extension or extension <= dt.timedelta():
        raise CaseError("请填写延期时长")
    case.extension_pending = extension
    return ["extension_pending"], {"extension": _duration_label(case, extension)}


def _approve_extension(case, *, by, now, **_):
    if not case.extension_pending:
        raise CaseError("没有待审批的延期申请")
    extension = case.extension_pending
    case.clock_limit = case.clock_limit + extension
    case.deadline, case.yellow_at = lights.extend(
        case.deadline, extension, case.clock_limit, case.clock_working, now
    )
    case.light = Light.GREEN
    case.extension_pending = None
    case.extension_count += 1
    data = {
        "extension": _duration_label(case, extension),
        "deadline": timezone.localtime(case.deadline).isoformat(),
    }
    return [
        "clock_limit",
        "deadline",
        "yellow_at",
        "light",
        "extension_pending",
        "extension_count",
    ], data


def _refuse_extension(case, *, by, now, **_):
    if not case.extension_pending:
        raise CaseError("没有待审批的延期申请")
    case.extension_pending = None
    return ["extension_pending"], {}


def _park(case, *, by, now, note, **_):
    case.paused_remaining = case.remaining(now)
    case.park_reason = note[:200]
    _stop_clock(case)
    return ["paused_remaining", "park_reason", "deadline", "yellow_at", "light"], {}


def _resume(case, *, by, now, **_):
    remaining = case.paused_remaining if case.paused_remaining is not None else case.clock_limit
    _place_deadline(case, now, remaining)
    case.paused_remaining = None
    case.park_reason = ""
    return ["paused_remaining", "park_reason", "deadline", "yellow_at", "light"], {}


def _resolve(case, *, by, now, result: str = "", photos=(), **_):
    if not result.strip():
        raise CaseError("请填写办理结果")
    checked = _check_photos(photos)
    case.result = result.strip()
    case.resolved_at = now
    case.resolved_on_time = case.deadline is None or now <= case.deadline
    case.extension_pending = None
    _save_photos(case, checked, CasePhoto.Kind.RESULT, by, now)
    return ["result", "resolved_at", "resolved_on_time", "extension_pending"], {
        "on_time": case.resolved_on_time
    }


def _reply(case, *, by, now, method: str = "", **_):
    if method not in ReplyMethod.values:
        raise CaseError("请选择回复方式")
    case.reply_method = method
    case.replied_at = now
    return ["reply_method", "replied_at", "reply_note"], {"method": method}


def _rate(case, *, by, now, rating: str = "", note: str = "", **_):
    if rating not in Rating.values:
        raise CaseError("请选择评价：满意、基本满意或不满意")
    case.rating = rating
    case.rating_note = note[:500]
    case.rated_at = now
    fields = ["rating", "rating_note", "rated_at"]
    if case.replied_at is None:
        # Rated by the villager on the portal straight after resolution: they were told there.
        case.replied_at, case.reply_method = now, ReplyMethod.PORTAL
        fields += ["replied_at", "reply_method"]
    return fields, {"rating": rating}


def _reopen(case, *, by, now, **_):
    if case.rating != Rating.UNSATISFIED:
        raise CaseError("只有村民不满意的事件才能返工")
    case.reopen_count += 1
    for name in ("resolved_at", "resolved_on_time", "replied_at", "rated_at"):
        setattr(case, name, None)
    case.rating = case.rating_note = case.reply_method = case.reply_note = ""
    start_clock(case, now, case.urgency)
    fields = ["reopen_count", "resolved_at", "resolved_on_time", "replied_at", "rated_at"]
    return [*fields, "rating", "rating_note", "reply_method", "reply_note", *CLOCK_FIELDS], {}


def _close(case, *, by, now, **_):
    if case.state == State.RESOLVED and not case.is_instruction:
        raise CaseError("事件需先回复并评价后才能结案")
    case.closed_at = now
    return ["closed_at"], {}


def _supervise(case, *, by, now, note, **_):
    SupervisionNotice.objects.create(
        case=case, unit_code=case.responsible_code, text=note[:500], issued_by=by, issued_at=now
    )
    return [], {}


ACTIVE = (State.ACCEPTED, State.IN_PROGRESS)

TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(
        "受理",
        (State.REPORTED, State.ESCALATED),
        State.ACCEPTED,
        "case.handle",
        RESPONSIBLE,
        _accept,
    ),
    "start": Transition(
        "开始办理",
        (State.ACCEPTED,),
        State.IN_PROGRESS,
        "case.handle",
        RESPONSIBLE,
        _nothing,
        assignee_may=True,
    ),
    "escalate": Transition(
        "上报上级",
        (State.REPORTED, *ACTIVE),
        State.ESCALATED,
        "case.handle",
        RESPONSIBLE,
        _escalate,
        needs_note=True,
    ),
    "assign": Transition(
        "交办下级",
        ACTIVE,
        State.IN_PROGRESS,
        "case.handle",
        RESPONSIBLE,
        _assign,
        needs_note=True,
    ),
    "hand_back": Transition(
        "退回下级办理",
        ACTIVE,
        State.IN_PROGRESS,
        "case.handle",
        RESPONSIBLE,
        _hand_back,
        needs_note=True,
    ),
    "return_info": Transition(
        "退回补充材料",
        (State.REPORTED,),
        State.RETURNED,
        "case.handle",
        RESPONSIBLE,
        _nothing,
        needs_note=True,
    ),
    "supplement": Transition(
        "补充材料",
        (State.RETURNED,),
        State.REPORTED,
        "case.report",
        ORIGIN_OR_RESPONSIBLE,
        _supplement,
        needs_note=True,
    ),
    "request_extension": Transition(
        "申请延期",
        ACTIVE,
        None,
        "case.handle",
        RESPONSIBLE,
        _request_extension,
        needs_note=True,
        assignee_may=True,
    ),
    "approve_extension": Transition(
        "批准延期",
        ACTIVE,
        None,
        "case.approve",
        RESPONSIBLE,
        _approve_extension,
    ),
    "refuse_extension": Transition(
        "不批准延期",
        ACTIVE,
        None,
        "case.approve",
        RESPONSIBLE,
        _refuse_extension,
        needs_note=True,
    ),
    "park": Transition(
        "挂账",
        ACTIVE,
        State.PARKED,
        "case.handle",
        RESPONSIBLE,
        _park,
        needs_note=True,
    ),
    "resume": Transition(
        "恢复办理",
        (State.PARKED,),
        State.IN_PROGRESS,
        "case.handle",
        RESPONSIBLE,
        _resume,
    ),
    "resolve": Transition(
        "办结",
        ACTIVE,
        State.RESOLVED,
        "case.handle",
        RESPONSIBLE,
        _resolve,
        assignee_may=True,
    ),
    "reply": Transition(
        "回复村民",
        (State.RESOLVED,),
        State.REPLIED,
        "case.handle",
        ORIGIN_OR_RESPONSIBLE,
        _reply,
    ),
    "rate": Transition(
        "记录评价",
        (State.RESOLVED, State.REPLIED),
        State.RATED,
        "case.handle",
        ORIGIN_OR_RESPONSIBLE,
        _rate,
        reporter_may=True,
    ),
    "reopen": Transition(
        "返工",
        (State.RATED,),
        State.IN_PROGRESS,
        "case.handle",
        ORIGIN_OR_RESPONSIBLE,
        _reopen,
        needs_note=True,
    ),
    "close": Transition(
        "结案",
        (State.RATED, State.RESOLVED),
        State.CLOSED,
        "case.handle",
        ORIGIN_OR_RESPONSIBLE,
        _close,
    ),
    "supervise": Transition(
        "督办",
        OPEN,
        None,
        "case.supervise",
        ORIGIN_OR_RESPONSIBLE,
        _supervise,
        needs_note=True,
    ),
}


def _may(user: User, transition: Transition, case: Case) -> bool:
    if transition.assignee_may and case.assignee_id == user.pk:
        return True
    if transition.reporter_may and case.reporter_user_id == user.pk:
        return True
    if user.can(transition.perm, case.responsible_code):
        return True
    return transition.where == ORIGIN_OR_RESPONSIBLE and user.can(transition.perm, case.origin_code)


def refusal(user: User, action: str, case: Case) -> str | None:
    """Why `user` may not do `action` now (a Chinese sentence), or None if they may."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return "未知的操作"
    if case.state not in transition.sources:
        return f"事件当前状态为「{case.get_state_display()}」，不能{transition.label}"
    if not _may(user, transition, case):
        return f"您的岗位无权对该事件执行「{transition.label}」"
    if action == "reopen" and case.rating != Rating.UNSATISFIED:
        return "只有村民不满意的事件才能返工"
    if action == "close" and case.state == State.RESOLVED and not case.is_instruction:
        return "事件需先回复并评价后才能结案"
    if action in ("approve_extension", "refuse_extension") and not case.extension_pending:
        return "没有待审批的延期申请"
    if action == "request_extension" and case.extension_pending:
        return "已有延期申请待审批"
    if action == "escalate" and level_above(case.responsible_unit) is None:
        return "已是最高层级，不能再上报"
    if action == "hand_back" and not case.escalated_from_code:
        return "该事件不是由下级上报的，无法退回下级"
    return None


def allowed_actions(user: User, case: Case) -> list[str]:
    return [action for action in TRANSITIONS if refusal(user, action, case) is None]


def case_transition(
    *,
    case: Case,
    action: str,
    by: User,
    note: str = "",
    version: int | None = None,
    **extra,
) -> Case:
    """Do `action` on the case, or raise CaseError / ConflictError and change nothing."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise CaseError("未知的操作")
    note = (note or "").strip()
    if transition.needs_note and not note:
        raise CaseError(f"请填写{transition.label}的说明")
    with transaction.atomic():
        current = (
            Case.objects.select_for_update()
            .select_related("responsible_unit", "category", "urgency")
            .get(pk=case.pk)
        )
        if version is not None and current.version != version:
            raise ConflictError("该事件已被他人处理，请刷新页面查看最新状态后再操作")
        reason = refusal(by, action, current)
        if reason:
            raise CaseError(reason)
        now = _now()
        from_state = current.state
        version_before = current.version
        if action == "reply":
            current.reply_note = note[:500]
        fields, data = transition.handler(current, by=by, now=now, note=note, **extra)
        if transition.target is not None:
            current.state = transition.target
        current.updated_at = now
        save_versioned(current, version_before, [*dict.fromkeys([*fields, "state", "updated_at"])])
        _record(current, by=by, action=action, from_state=from_state, note=note, now=now, data=data)
        _after(current, action, note)
    case.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return case


def _after(case: Case, action: str, note: str) -> None:
    """Who hears about a transition (written in the same transaction)."""
    if action == "escalate":
        _notify(unit_staff(case.responsible_code, HANDLER_ROLES), case, "下级上报事件待受理")
    elif action in ("assign", "hand_back"):
        _notify(unit_staff(case.responsible_code, HANDLER_ROLES), case, "上级交办事件")
    elif action == "request_extension":
        _notify(upper_command(case), case, "延期申请待审批")
    elif action == "supervise":
        _notify(responsible_staff(case), case, "督办")


def _duration_label(case: Case, amount: dt.timedelta) -> str:
    if case.clock_working:
        return f"{amount.days} 个工作日"
    return f"{int(amount.total_seconds() // 3600)} 小时"


def extension_from_form(case: Case, amount: int) -> dt.timedelta:
    """The page asks for working days on a working-day clock and for hours otherwise."""
    if amount <= 0 or amount > 366:
        raise CaseError("延期时长应为 1 至 366 之间的整数")
    return dt.timedelta(days=amount) if case.clock_working else dt.timedelta(hours=amount)


# ---------------------------------------------------------------------------------------------
# Supervision notices.


def notice_acknowledge(*, notice: SupervisionNotice, by: User) -> SupervisionNotice:
    if not by.can("case.handle", notice.unit_code) and notice.case.assignee_id != by.pk:
        raise CaseError("只有责任单位的工作人员才能签收督办")
    with transaction.atomic():
        now = _now()
        updated = SupervisionNotice.objects.filter(
            pk=notice.pk, acknowledged_at__isnull=True
        ).update(acknowledged_by=by, acknowledged_at=now)
        if updated:
            CaseEvent.objects.create(
                case=notice.case,
                at=now,
                actor=by,
                action="acknowledge",
                from_state=notice.case.state,
                to_state=notice.case.state,
                unit_code=notice.unit_code,
                note=notice.text[:200],
            )
            audit_record(actor=by, action="case.acknowledge", obj=notice.case)
    notice.refresh_from_db()
    return notice


# ---------------------------------------------------------------------------------------------
# Work instructions.


def instruction_issue(
    *,
    by: User,
    title: str,
    content: str,
    unit: Unit,
    deadline: dt.datetime,
    category: Category,
    target_units: Iterable[Unit] = (),
    target_users: Iterable[User] = (),
) -> Instruction:
    """One instruction, one case per assignee (a unit, or a staff member at their unit)."""
    if not by.can("case.instruct", unit.code):
        raise CaseError("您的岗位无权在该单位下达工作指令")
    now = _now()
    if deadline <= now:
        raise CaseError("完成时限必须晚于当前时间")
    if not title.strip() or not content.strip():
        raise CaseError("标题和内容不能为空")
    targets: list[tuple[Unit, User | None]] = []
    for target in target_units:
        if not target.code.startswith(unit.code):
            raise CaseError(f"「{target.name}」不在本单位管辖范围内")
        targets.append((target, None))
    for user in target_users:
        post = next((p for p in user.post_list if p.unit.code.startswith(unit.code)), None)
        if post is None:
            raise CaseError(f"「{user.display_name}」不在本单位管辖范围内")
        targets.append((post.unit, user))
    if not targets:
        raise CaseError("请至少选择一个网格或人员")
    urgency = category.default_urgency
    with transaction.atomic():
        instruction = Instruction.objects.create(
            title=title.strip(),
            content=content.strip(),
            unit=unit,
            unit_code=unit.code,
            deadline=deadline,
            issued_by=by,
            issued_at=now,
        )
        for target, user in targets:
            case = Case(
                title=instruction.title,
                description=instruction.content,
                category=category,
                urgency=urgency,
                source=Source.ASSIGNED,
                reporter_user=by,
                origin_unit=unit,
                origin_code=unit.code,
                responsible_unit=target,
                responsible_code=target.code,
                assignee=user,
                instruction=instruction,
                state=State.ACCEPTED,
                reported_at=now,
                accepted_at=now,
            )
            # The instruction's own deadline is the clock, in calendar time.
            case.clock_working = False
            case.clock_limit = deadline - now
            case.clock_started_at = now
            _place_deadline(case, now, deadline - now)
            case.number = next_number(unit.code, now)
            case.save()
            _record(case, by=by, action="instruct", from_state="", note="", now=now)
            users = [user] if user else unit_staff(target.code, HANDLER_ROLES)
            _notify(users, case, "工作指令")
        audit_record(
            actor=by, action="case.instruction", obj=instruction, details={"targets": len(targets)}
        )
    return instruction


# ---------------------------------------------------------------------------------------------
# The light sweep (run by the worker).


def turning_cases(now: dt.datetime, limit: int = 500) -> list[Case]:
    """Cases whose stored light is behind the clock: two partial-index range scans."""
    return lights.turning(Case.objects.running(), now, limit)


def claim_light(case: Case, now: dt.datetime) -> bool:
    """Move one case to its new light and notify, exactly once whatever other workers do.

    `case` may be stale: the compare-and-swap on the light it was read with decides.
    """
    new = case.current_light(now)
    if new not in (Light.YELLOW, Light.RED) or new == case.light:
        return False
    with transaction.atomic():
        if not lights.claim(Case.objects.running(), case, new):
            return False
        case = Case.objects.select_related("responsible_unit", "category", "urgency").get(
            pk=case.pk
        )
        label = "事件即将超期（黄灯）" if new == Light.YELLOW else "事件已超期（红灯）"
        CaseEvent.objects.create(
            case=case,
            at=now,
            actor=None,
            action=f"light_{new}",
            from_state=case.state,
            to_state=case.state,
            unit_code=case.responsible_code,
            note=label,
        )
        key = f"case:{case.pk}:{new}:{case.deadline.timestamp():.0f}"
        _notify([*responsible_staff(case), *upper_command(case)], case, label, key=key)
    return True


def sweep_lights(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(claim_light(case, now) for case in turning_cases(now))


# ---------------------------------------------------------------------------------------------
# Settings an administrator manages: time limits, categories, calendar overrides.


def _require_admin(by: User) -> None:
    if not by.can("case.admin"):
        raise CaseError("只有系统管理员可以修改事件设置")


def urgency_update(*, by: User, urgency: Urgency, limit_value: int, limit_unit: str) -> Urgency:
    """A new limit applies to clocks started from now on."""
    _require_admin(by)
    if limit_unit not in ("hours", "workdays") or not 1 <= limit_value <= 720:
        raise CaseError("时限应为 1 至 720 之间的整数，单位为小时或工作日")
    with transaction.atomic():
        before = {"limit": urgency.limit_label}
        urgency.limit_value, urgency.limit_unit = limit_value, limit_unit
        urgency.save(update_fields=["limit_value", "limit_unit"])
        audit_record(
            actor=by,
            action="case.urgency",
            obj=urgency,
            details={"before": before, "after": {"limit": urgency.limit_label}},
        )
    return urgency


def category_save(
    *,
    by: User,
    name: str,
    default_urgency: Urgency,
    parent: Category | None = None,
    category: Category | None = None,
    active: bool = True,
) -> Category:
    _require_admin(by)
    name = name.strip()
    if not name:
        raise CaseError("请填写分类名称")
    if parent is not None and parent.parent_id is not None:
        raise CaseError("分类最多两级")
    duplicate = Category.objects.filter(parent=parent, name=name)
    if category is not None:
        duplicate = duplicate.exclude(pk=category.pk)
    if duplicate.exists():
        raise CaseError(f"已有分类「{name}」")
    with transaction.atomic():
        category = category or Category()
        category.name, category.parent = name, parent
        category.default_urgency, category.active = default_urgency, active
        category.save()
        audit_record(
            actor=by,
            action="case.category",
            obj=category,
            details={"name": name, "urgency": default_urgency.name, "active": active},
        )
    return category


def holiday_set(*, by: User, date: dt.date, is_workday: bool, name: str = ""):
    """Mark a day as a rest day or a make-up working day (for a year the package lacks)."""
    from zhicun.cases.models import Holiday

    _require_admin(by)
    with transaction.atomic():
        holiday, _ = Holiday.objects.update_or_create(
            date=date, defaults={"is_workday": is_workday, "name": name.strip()[:40]}
        )
        audit_record(
            actor=by,
            action="case.holiday",
            obj=holiday,
            details={"date": date.isoformat(), "workday": is_workday},
        )
    return holiday


def holiday_delete(*, by: User, holiday) -> None:
    _require_admin(by)
    with transaction.atomic():
        audit_record(
            actor=by,
            action="case.holiday_delete",
            obj=holiday,
            details={"date": holiday.date.isoformat()},
        )
        holiday.delete()
