"""Errand services: registration, custody, processing and payments, the reply, the ends, the
pension-certification batch and the light sweep.

Each step checks role, scope and state, then writes the errand (optimistically locked), one
history row and one audit row in one transaction.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from zhicun.accounts.models import User
from zhicun.accounts.roles import Role
from zhicun.audit.services import audit_record, diff
from zhicun.cases.services import handling_unit, unit_staff
from zhicun.errands.models import (
    OPEN,
    PENSION,
    RUNNING,
    Channel,
    CustodyItem,
    Errand,
    ErrandEvent,
    ErrandType,
    Payment,
    ReplyMethod,
    State,
    yuan,
)
from zhicun.lib import lights
from zhicun.lib.versioning import ConflictError, save_versioned
from zhicun.notify.services import notify_users
from zhicun.registry.models import Person

MAX_FEN = 100_000_000  # one million yuan: anything above is a typing mistake


class ErrandError(Exception):
    """A refused action, with the message shown to the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_handle(user: User, errand: Errand) -> bool:
    return user.can("errand.handle", errand.unit_code)


# ---------------------------------------------------------------------------------------------
# History and audit.


def _record(
    errand: Errand,
    *,
    by: User | None,
    action: str,
    from_state: str,
    now: dt.datetime,
    note: str = "",
    data: dict | None = None,
) -> ErrandEvent:
    event = ErrandEvent.objects.create(
        errand=errand,
        at=now,
        actor=by,
        action=action,
        from_state=from_state,
        to_state=errand.state,
        note=note,
        data=data or {},
    )
    audit_record(
        actor=by,
        action=f"errand.{action}",
        obj=errand,
        details={"from": from_state, "to": errand.state, "note": note[:200], **(data or {})},
        actor_name="" if by else "系统",
    )
    return event


# ---------------------------------------------------------------------------------------------
# 上门登记.


def errand_register(
    *,
    by: User,
    person: Person,
    type: ErrandType,
    need: str,
    channel: str = Channel.DOOR,
    documents_required: Iterable[str] | None = None,
    year: int | None = None,
    idempotency_key: str | None = None,
) -> Errand:
    """A new errand for a villager in scope; one errand per idempotency key."""
    if idempotency_key:
        existing = Errand.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_submission(existing, by)
    if not Person.objects.in_scope(by).filter(pk=person.pk).exists():
        raise ErrandError("该村民不在您的管辖范围内")
    if not by.can("errand.handle", person.hamlet.code):
        raise ErrandError("您的岗位无权为该村民登记代办")
    if not person.is_active:
        raise ErrandError("该村民已不在册，不能登记代办")
    if not type.active:
        raise ErrandError(f"代办事项「{type.name}」已停用")
    if channel not in Channel.values:
        raise ErrandError("请选择登记方式")
    need = need.strip()
    if not need:
        need = type.name
    docs = [d.strip() for d in (documents_required or type.documents) if d.strip()]
    now = timezone.now()
    if type.is_pension and year is None:
        year = pension_year(person, timezone.localdate(now))
    deadline, yellow_at = lights.working_deadline(now, type.limit_days)
    errand = Errand(
        person=person,
        type=type,
        unit=person.hamlet,
        unit_code=person.hamlet.code,
        need=need,
        documents_required=docs,
        channel=channel,
        registered_by=by,
        registered_at=now,
        handler=by,
        year=year if type.is_pension else None,
        state=State.REGISTERED,
        deadline=deadline,
        yellow_at=yellow_at,
        light=lights.GREEN,
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            errand.save()
            _record(
                errand,
                by=by,
                action="register",
                from_state="",
                now=now,
                note=need,
                data={"type": type.name, "channel": channel},
            )
    except IntegrityError:
        if idempotency_key:
            existing = Errand.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _same_submission(existing, by)
        if type.is_pension:
            raise ErrandError(f"{person.name} 的 {year} 年度养老金资格认证已在办理") from None
        raise
    return errand


def _same_submission(errand: Errand, by: User) -> Errand:
    if errand.registered_by_id != by.pk:
        raise ErrandError("表单已失效，请重新打开登记页面")
    return errand


# ---------------------------------------------------------------------------------------------
# One step on an errand.

Step = Callable[[Errand, dt.datetime], tuple[list[str], dict]]


def _step(
    *,
    errand: Errand,
    by: User,
    action: str,
    sources: tuple[str, ...],
    version: int | None,
    handler: Step,
    target: str | None = None,
    note: str = "",
) -> Errand:
    """Lock the errand, check version, permission and state, apply `handler`, record."""
    with transaction.atomic():
        current = (
            Errand.objects.select_for_update()
            .select_related("type", "person", "unit")
            .get(pk=errand.pk)
        )
        if version is not None and current.version != version:
            raise ConflictError("该代办件已被他人处理，请刷新页面查看最新状态后再操作")
        if not may_handle(by, current):
            raise ErrandError("您的岗位无权办理该代办件")
        if current.state not in sources:
            label = EVENT_LABEL.get(action, action)
            raise ErrandError(f"代办件当前状态为「{current.get_state_display()}」，不能{label}")
        now = timezone.now()
        from_state = current.state
        before = current.version
        fields, data = handler(current, now)
        if target is not None:
            current.state = target
        current.updated_at = now
        save_versioned(current, before, [*dict.fromkeys([*fields, "state", "updated_at"])])
        _record(current, by=by, action=action, from_state=from_state, now=now, note=note, data=data)
    errand.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return errand


EVENT_LABEL = {
    "receive": "接收材料",
    "give_back": "归还材料",
    "start": "开始代办",
    "note": "记录办理情况",
    "pay": "记录代缴代付",
    "reverse": "冲正",
    "reply": "答复结果",
    "close": "办结",
    "cancel": "撤销",
    "fail": "登记为未办成",
}


def _nothing(errand: Errand, now: dt.datetime) -> tuple[list[str], dict]:
    return [], {}


# ---------------------------------------------------------------------------------------------
# 资料托管.


def custody_receive(
    *, errand: Errand, by: User, name: str, original: bool = True, version: int | None = None
) -> CustodyItem:
    name = name.strip()
    if not name:
        raise ErrandError("请填写材料名称")
    item = CustodyItem(name=name[:60], original=original, received_by=by)

    def handler(current, now):
        item.errand = current
        item.received_at = now
        item.save()
        return [], {"document": item.name, "original": original}

    _step(
        errand=errand,
        by=by,
        action="receive",
        sources=OPEN,
        version=version,
        handler=handler,
        note=str(item),
    )
    return item


def custody_return(
    *,
    item: CustodyItem,
    by: User,
    returned_to: str,
    villager_confirmed: bool,
    version: int | None = None,
) -> CustodyItem:
    returned_to = returned_to.strip()
    if not returned_to:
        raise ErrandError("请填写材料归还给谁")
    if not villager_confirmed:
        raise ErrandError("归还材料须经村民（或其家属）当面确认")

    def handler(current, now):
        updated = CustodyItem.objects.filter(
            pk=item.pk, errand=current, returned_at__isnull=True
        ).update(
            returned_at=now, returned_by=by, returned_to=returned_to[:40], villager_confirmed=True
        )
        if not updated:
            raise ErrandError(f"材料「{item.name}」已归还")
        return [], {"document": item.name, "returned_to": returned_to}

    _step(
        errand=item.errand,
        by=by,
        action="give_back",
        sources=OPEN,
        version=version,
        handler=handler,
        note=f"{item}，交给 {returned_to}",
    )
    item.refresh_from_db()
    return item


def _refuse_if_held(errand: Errand) -> None:
    held = list(errand.custody.held().values_list("name", flat=True))
    if held:
        raise ErrandError(f"还有材料在托管中，请先归还：{'、'.join(held)}")


# ---------------------------------------------------------------------------------------------
# 全程代办.


def errand_start(
    *, errand: Errand, by: User, office: str = "", note: str = "", version: int | None = None
) -> Errand:
    def handler(current, now):
        current.handler = by
        if office.strip():
            current.office = office.strip()[:100]
        return ["handler", "office"], {"office": current.office}

    return _step(
        errand=errand,
        by=by,
        action="start",
        sources=(State.REGISTERED,),
        target=State.PROCESSING,
        version=version,
        handler=handler,
        note=note.strip(),
    )


def errand_note(
    *, errand: Errand, by: User, note: str, office: str = "", version: int | None = None
) -> Errand:
    note = note.strip()
    if not note:
        raise ErrandError("请填写办理情况")

    def handler(current, now):
        if office.strip():
            current.office = office.strip()[:100]
        return ["office"], {"office": current.office}

    return _step(
        errand=errand,
        by=by,
        action="note",
        sources=(State.PROCESSING,),
        version=version,
        handler=handler,
        note=note,
    )


def payment_record(
    *,
    errand: Errand,
    by: User,
    amount_fen: int,
    receipt_no: str,
    note: str = "",
    version: int | None = None,
) -> Payment:
    """Money paid on the villager's behalf. Amounts are never edited afterwards."""
    if not errand.type.pays_money:
        raise ErrandError(f"「{errand.type.name}」不涉及代缴代付款项")
    if not isinstance(amount_fen, int) or amount_fen <= 0 or amount_fen > MAX_FEN:
        raise ErrandError("金额应大于 0 且不超过 100 万元")
    receipt_no = receipt_no.strip()
    if not receipt_no:
        raise ErrandError("请填写票据号")
    payment = Payment(amount_fen=amount_fen, receipt_no=receipt_no[:60], note=note.strip()[:200])

    def handler(current, now):
        payment.errand = current
        payment.paid_by = by
        payment.paid_at = now
        payment.save()
        return [], {"amount_fen": amount_fen, "receipt_no": payment.receipt_no}

    _step(
        errand=errand,
        by=by,
        action="pay",
        sources=(State.PROCESSING,),
        version=version,
        handler=handler,
        note=f"{yuan(amount_fen)} 元，票据号 {payment.receipt_no}",
    )
    return payment


def payment_reverse(
    *, payment: Payment, by: User, note: str, version: int | None = None
) -> Payment:
    """Correct a payment by its negative; the original stays as it was."""
    note = note.strip()
    if not note:
        raise ErrandError("请填写冲正原因")
    if payment.reverses_id is not None:
        raise ErrandError("冲正记录不能再冲正")
    reversal = Payment(
        amount_fen=-payment.amount_fen,
        receipt_no=payment.receipt_no,
        note=note[:200],
        reverses=payment,
    )

    def handler(current, now):
        if Payment.objects.filter(reverses=payment).exists():
            raise ErrandError("该笔款项已冲正")
        reversal.errand = current
        reversal.paid_by = by
        reversal.paid_at = now
        try:
            with transaction.atomic():
                reversal.save()
        except IntegrityError:
            raise ErrandError("该笔款项已冲正") from None
        return [], {"reverses": payment.pk, "amount_fen": reversal.amount_fen}

    _step(
        errand=payment.errand,
        by=by,
        action="reverse",
        sources=OPEN,
        version=version,
        handler=handler,
        note=f"冲正 {yuan(payment.amount_fen)} 元（票据号 {payment.receipt_no}）：{note}",
    )
    return reversal


# ---------------------------------------------------------------------------------------------
# 结果答复 and the ends.


def errand_reply(
    *,
    errand: Errand,
    by: User,
    result: str,
    method: str,
    certified_on: dt.date | None = None,
    version: int | None = None,
) -> Errand:
    """The result is told to the villager; a pension certification records its date."""
    result = result.strip()
    if not result:
        raise ErrandError("请填写办理结果")
    if method not in ReplyMethod.values:
        raise ErrandError("请选择答复方式")

    def handler(current, now):
        current.result = result
        current.reply_method = method
        current.replied_at = now
        current.on_time = current.deadline is None or now <= current.deadline
        data = {"method": method}
        if current.type.is_pension:
            day = certified_on or timezone.localdate(now)
            if day > timezone.localdate(now):
                raise ErrandError("认证日期不能晚于今天")
            person_pension_certify(person=current.person, on=day, by=by)
            data["certified_on"] = day.isoformat()
        return ["result", "reply_method", "replied_at", "on_time"], data

    return _step(
        errand=errand,
        by=by,
        action="reply",
        sources=(State.PROCESSING,),
        target=State.REPLIED,
        version=version,
        handler=handler,
        note=result,
    )


def errand_close(
    *, errand: Errand, by: User, confirmed: bool, note: str = "", version: int | None = None
) -> Errand:
    """The villager confirms the result; nothing may still be held in custody."""
    if not confirmed:
        raise ErrandError("办结须经村民确认")

    def handler(current, now):
        _refuse_if_held(current)
        current.villager_confirmed = True
        current.closed_at = now
        return ["villager_confirmed", "closed_at"], {}

    return _step(
        errand=errand,
        by=by,
        action="close",
        sources=(State.REPLIED,),
        target=State.CLOSED,
        version=version,
        handler=handler,
        note=note.strip(),
    )


def errand_cancel(*, errand: Errand, by: User, reason: str, version: int | None = None) -> Errand:
    reason = reason.strip()
    if not reason:
        raise ErrandError("请填写撤销原因")

    def handler(current, now):
        _refuse_if_held(current)
        current.end_reason = reason[:500]
        current.closed_at = now
        return ["end_reason", "closed_at"], {}

    return _step(
        errand=errand,
        by=by,
        action="cancel",
        sources=RUNNING,
        target=State.CANCELLED,
        version=version,
        handler=handler,
        note=reason,
    )


def errand_fail(
    *, errand: Errand, by: User, reason: str, informed: bool, version: int | None = None
) -> Errand:
    reason = reason.strip()
    if not reason:
        raise ErrandError("请填写未办成的原因")
    if not informed:
        raise ErrandError("请先将未办成的原因告知村民")

    def handler(current, now):
        _refuse_if_held(current)
        current.end_reason = reason[:500]
        current.villager_informed = True
        current.closed_at = now
        return ["end_reason", "villager_informed", "closed_at"], {}

    return _step(
        errand=errand,
        by=by,
        action="fail",
        sources=(State.PROCESSING,),
        target=State.FAILED,
        version=version,
        handler=handler,
        note=reason,
    )


# ---------------------------------------------------------------------------------------------
# 养老金资格认证.


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def pension_due_on(person: Person, today: dt.date) -> dt.date:
    """A year after the last certification; never certified: due now."""
    if person.pension_certified_on is None:
        return today
    return _add_years(person.pension_certified_on, 1)


def pension_year(person: Person, today: dt.date) -> int:
    """The certification year an errand opened now belongs to: the year it falls due."""
    return pension_due_on(person, today).year


def pension_due(user: User, *, within_days: int, today: dt.date | None = None):
    """Pensioners in scope due for certification within `within_days` days or overdue, who
    have no live certification errand for that year yet."""
    today = today or timezone.localdate()
    latest = _add_years(today + dt.timedelta(days=within_days), -1)
    pension_type = ErrandType.objects.filter(code=PENSION).first()
    qs = (
        Person.objects.in_scope(user)
        .active()
        .filter(pension_receiving=True, died_on__isnull=True)
        .filter(Q(pension_certified_on__isnull=True) | Q(pension_certified_on__lte=latest))
    )
    if pension_type is not None:
        # A live errand for the person opened since their last certification covers them.
        live = Errand.objects.filter(
            person=OuterRef("pk"), type=pension_type, state__in=[*OPEN, State.CLOSED]
        ).filter(
            Q(person__pension_certified_on__isnull=True)
            | Q(registered_at__date__gt=OuterRef("pension_certified_on"))
        )
        qs = qs.annotate(has_errand=Exists(live)).filter(has_errand=False)
    return qs.select_related("hamlet").order_by("pension_certified_on", "hamlet__code", "name")


def pension_open(
    *, by: User, within_days: int, today: dt.date | None = None, persons: Iterable[int] = ()
) -> list[Errand]:
    """Open one certification errand per due pensioner (optionally only those picked) in one
    step; running it again opens none for the same people and year."""
    today = today or timezone.localdate()
    pension_type = ErrandType.objects.filter(code=PENSION, active=True).first()
    if pension_type is None:
        raise ErrandError("代办事项「养老金资格认证」未启用")
    due = pension_due(by, within_days=within_days, today=today)
    picked = [int(p) for p in persons]
    if picked:
        due = due.filter(pk__in=picked)
    opened = []
    with transaction.atomic():
        for person in due:
            if not by.can("errand.handle", person.hamlet.code):
                continue
            year = pension_year(person, today)
            if Errand.objects.filter(
                person=person, type=pension_type, year=year, state__in=[*OPEN, State.CLOSED]
            ).exists():
                continue
            try:
                with transaction.atomic():
                    errand = errand_register(
                        by=by,
                        person=person,
                        type=pension_type,
                        need=f"{year} 年度养老金领取资格认证",
                        channel=Channel.DESK,
                        year=year,
                    )
            except ErrandError:
                continue
            opened.append(errand)
        audit_record(
            actor=by,
            action="errand.pension_batch",
            details={"opened": len(opened), "within_days": within_days},
        )
    return opened


def person_pension_certify(*, person: Person, on: dt.date, by: User) -> Person:
    """Record a certification date on the person, audited with old → new."""
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        old = current.pension_certified_on
        if old is not None and old >= on:
            return current
        Person.objects.filter(pk=current.pk).update(pension_certified_on=on)
        changes = diff(
            {"pension_certified_on": old.isoformat() if old else None},
            {"pension_certified_on": on.isoformat()},
        )
        audit_record(
            actor=by,
            action="registry.person.pension_certified",
            obj=current,
            details={"changes": changes},
        )
    person.pension_certified_on = on
    return person


# ---------------------------------------------------------------------------------------------
# The light sweep (run by the notify worker).


def responsible_staff(errand: Errand) -> list[User]:
    """The handler and the village's chief hear about a light."""
    village = handling_unit(errand.unit)
    staff = unit_staff(village.code, (Role.CHIEF,))
    handler = errand.handler or errand.registered_by
    if handler not in staff:
        staff.append(handler)
    return staff


def claim_light(errand: Errand, now: dt.datetime) -> bool:
    new = errand.current_light(now)
    if new not in (lights.YELLOW, lights.RED) or new == errand.light:
        return False
    with transaction.atomic():
        if not lights.claim(Errand.objects.running(), errand, new):
            return False
        errand = Errand.objects.select_related(
            "type", "person", "unit", "handler", "registered_by"
        ).get(pk=errand.pk)
        label = "代办即将超期（黄灯）" if new == lights.YELLOW else "代办已超期（红灯）"
        ErrandEvent.objects.create(
            errand=errand,
            at=now,
            action=f"light_{new}",
            from_state=errand.state,
            to_state=errand.state,
            note=label,
        )
        body = (
            f"{errand.person.name}：{errand.type.name}\n"
            f"办理时限：{timezone.localtime(errand.deadline):%Y-%m-%d %H:%M}"
        )
        notify_users(
            users=responsible_staff(errand),
            subject=f"【{label}】{errand.number} {errand.type.name}",
            body=body,
            dedupe_key=f"errand:{errand.pk}:{new}:{errand.deadline.timestamp():.0f}",
        )
    return True


def sweep_lights(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return sum(claim_light(e, now) for e in lights.turning(Errand.objects.running(), now))


# ---------------------------------------------------------------------------------------------
# The catalogue.


def errand_type_save(*, by: User, errand_type: ErrandType, documents: list[str]) -> ErrandType:
    """Create or change an errand type (system administrators), audited with old → new."""
    if not by.can("errand.admin"):
        raise ErrandError("只有系统管理员可以维护代办事项")
    fields = ["code", "name", "description", "limit_days", "pays_money", "order", "active"]
    errand_type.documents = documents
    new = {f: getattr(errand_type, f) for f in [*fields, "documents"]}
    with transaction.atomic():
        old = {}
        if errand_type.pk:
            stored = ErrandType.objects.select_for_update().get(pk=errand_type.pk)
            old = {f: getattr(stored, f) for f in [*fields, "documents"]}
        errand_type.save()
        audit_record(
            actor=by,
            action="errand.type_save",
            obj=errand_type,
            details={"changes": diff(old, new)},
        )
    return errand_type
