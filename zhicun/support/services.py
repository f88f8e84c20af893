"""Support writes: records, cadres, income cards, measures, and the three-step monitoring review.

Every write is atomic, checked against the actor's unit, and audited.

Who decides each review step (SPEC §6, 村级评议 → 乡镇审核 → 县级确定):
- 村级评议: the village chief (网格长) of the household's village (`support.review_village`).
- 乡镇审核: the township command centre (指挥中心值班员 posted at the township) or a township
  leader assigned to the village (网格指导员, 包村), i.e. a `support.review_township` post at the
  township level or below that covers the household. A district post does not qualify, so the
  county cannot skip the township.
- 县级确定: the county (district) command centre (`support.review_county` posted at the county
  or above).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicun.accounts.decorators import check_perm
from zhicun.accounts.roles import roles_with
from zhicun.audit.services import audit_record, diff
from zhicun.lib import codes
from zhicun.lib.versioning import save_versioned
from zhicun.support.models import (
    STEP_ORDER,
    CadreAssignment,
    Decision,
    Direction,
    IncomeCard,
    Kind,
    Measure,
    Review,
    ReviewState,
    ReviewStep,
    Status,
    Step,
    SupportedHousehold,
    Threshold,
)
from zhicun.units.models import CODE_LENGTH
from zhicun.units.models import Kind as UnitKind

EDIT = "support.edit"
STEP_PERMS = {
    Step.VILLAGE: "support.review_village",
    Step.TOWNSHIP: "support.review_township",
    Step.COUNTY: "support.review_county",
}
# The unit level a step is decided at, and the deepest post that may decide it.
STEP_LEVEL = {
    Step.VILLAGE: UnitKind.VILLAGE,
    Step.TOWNSHIP: UnitKind.TOWNSHIP,
    Step.COUNTY: UnitKind.COUNTY,
}
MAX_MONEY = 10**11  # 10 亿元 in 分: anything larger is a typing error


def _audit(by, obj, action: str, before: dict, note: str = "", **extra) -> None:
    changes = diff(before, obj.to_dict(), masked=getattr(obj, "SENSITIVE", {}))
    details: dict[str, Any] = {"changes": changes, **extra}
    if note:
        details["note"] = note
    audit_record(actor=by, action=action, obj=obj, details=details)


def _code(household) -> str:
    return household.hamlet.code


def may_decide(user, step: str, household_code: str) -> bool:
    """May `user` decide `step` for a household with this unit code? See the module docstring."""
    if not user.is_active:
        return False
    allowed = roles_with(STEP_PERMS[step])
    level = STEP_LEVEL[step]
    if step == Step.TOWNSHIP:
        # A post at the township or below (包村 instructors sit on villages) covering the household.
        return any(
            p.role in allowed
            and household_code.startswith(p.unit.code)
            and len(p.unit.code) >= CODE_LENGTH[UnitKind.TOWNSHIP]
            for p in user.post_list
        )
    # The village and county steps are decided at that unit or above it.
    return user.can(STEP_PERMS[step], household_code[: CODE_LENGTH[level]])


# --- the support record -----------------------------------------------------------------------


def _clean_codes(table: str, values, label: str) -> list[str]:
    values = list(values or [])
    bad = [v for v in values if v not in codes.table(table)]
    if bad:
        raise ValidationError({table: f"未知的{label}：{'、'.join(bad)}"})
    return values


@transaction.atomic
def supported_create(
    *,
    by,
    household,
    kind: str,
    year_identified: int,
    causes=(),
    risk_types=(),
    monitor_type: str = "",
    notes: str = "",
) -> SupportedHousehold:
    """Register a household as supported.

    A 脱贫户 is recorded as 稳定脱贫. A 监测户 is recorded as 待确定 with an entry review opened at
    the village step: it becomes 监测中 only when the county confirms.
    """
    check_perm(by, EDIT, _code(household))
    if SupportedHousehold.objects.filter(household=household).exists():
        raise ValidationError({"household": f"户 {household.number} 已是帮扶对象"})
    if kind not in Kind.values:
        raise ValidationError({"kind": "请选择类型"})
    this_year = timezone.localdate().year
    if not (2013 <= int(year_identified) <= this_year):
        raise ValidationError({"year_identified": f"识别年度应在 2013 至 {this_year} 之间"})
    causes = _clean_codes("poverty_cause", causes, "致贫原因")
    risk_types = _clean_codes("risk_type", risk_types, "风险类型")
    if kind == Kind.JIANCE and monitor_type not in codes.table("monitor_type"):
        raise ValidationError({"monitor_type": "监测户须选择监测对象类型"})
    record = SupportedHousehold.objects.create(
        household=household,
        kind=kind,
        monitor_type=monitor_type if kind == Kind.JIANCE else "",
        year_identified=year_identified,
        causes=causes,
        risk_types=risk_types,
        status=Status.STABLE if kind == Kind.TUOPIN else Status.PROPOSED,
        notes=notes,
    )
    _audit(by, record, "create", {})
    if kind == Kind.JIANCE:
        review_open(
            by=by,
            supported=record,
            direction=Direction.ENTER,
            reason=notes or "新识别监测对象",
            monitor_type=monitor_type,
            risk_types=risk_types,
            check=False,
        )
    return record


@transaction.atomic
def supported_update(
    *, by, supported: SupportedHousehold, version: int | None = None, **fields
) -> SupportedHousehold:
    """Edit causes, risk types, year and notes. Type and status change only through reviews."""
    check_perm(by, EDIT, _code(supported.household))
    allowed = {"causes", "risk_types", "year_identified", "notes"}
    before = supported.to_dict()
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be set here")
        setattr(supported, name, value)
    supported.causes = _clean_codes("poverty_cause", supported.causes, "致贫原因")
    supported.risk_types = _clean_codes("risk_type", supported.risk_types, "风险类型")
    save_versioned(supported, version, list(fields) + ["updated_at"])
    _audit(by, supported, "update", before)
    return supported


@transaction.atomic
def cadre_assign(
    *,
    by,
    supported: SupportedHousehold,
    name: str,
    unit_name: str,
    phone: str = "",
    start_date: datetime.date,
) -> CadreAssignment:
    """Make someone the 帮扶责任人 from `start_date`; the previous term ends the day before."""
    check_perm(by, EDIT, _code(supported.household))
    name, unit_name, phone = name.strip(), unit_name.strip(), phone.strip()
    errors = {}
    if not name:
        errors["name"] = "请填写帮扶责任人姓名"
    if not unit_name:
        errors["unit_name"] = "请填写帮扶责任人工作单位"
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        errors["phone"] = "联系电话格式不正确"
    if errors:
        raise ValidationError(errors)
    current = (
        CadreAssignment.objects.select_for_update()
        .filter(supported=supported, end_date__isnull=True)
        .first()
    )
    if current is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                {"start_date": f"开始日期须晚于现任责任人的开始日期（{current.start_date}）"}
            )
        current.end_date = start_date - datetime.timedelta(days=1)
        current.save(update_fields=["end_date"])
    assignment = CadreAssignment.objects.create(
        supported=supported,
        name=name,
        unit_name=unit_name,
        phone=phone,
        start_date=start_date,
        assigned_by=by,
    )
    audit_record(
        actor=by,
        action="update",
        obj=supported,
        details={
            "cadre": [current.name if current else None, name],
            "unit_name": unit_name,
            "start_date": start_date.isoformat(),
        },
    )
    return assignment


# --- reviews ----------------------------------------------------------------------------------


@transaction.atomic
def review_open(
    *,
    by,
    supported: SupportedHousehold,
    direction: str,
    reason: str,
    monitor_type: str = "",
    risk_types=(),
    check: bool = True,
) -> Review:
    """Propose entering or leaving monitoring; the village step comes next."""
    if check:
        check_perm(by, EDIT, _code(supported.household))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写申请理由"})
    if direction == Direction.ENTER:
        if supported.status == Status.MONITORING:
            raise ValidationError({"direction": "该户已在监测中"})
        if monitor_type not in codes.table("monitor_type"):
            raise ValidationError({"monitor_type": "请选择监测对象类型"})
        risk_types = _clean_codes("risk_type", risk_types, "风险类型")
        if not risk_types:
            raise ValidationError({"risk_types": "请至少选择一项风险类型"})
    elif direction == Direction.EXIT:
        if supported.status != Status.MONITORING:
            raise ValidationError({"direction": "只有监测中的户才能申请风险消除"})
        monitor_type, risk_types = "", []
    else:
        raise ValidationError({"direction": "未知的事项"})
    if supported.reviews.filter(state__in=Review.OPEN_STATES).exists():
        raise ValidationError({"direction": "该户已有进行中的评议，请先完成"})
    try:
        with transaction.atomic():
            review = Review.objects.create(
                supported=supported,
                direction=direction,
                monitor_type=monitor_type,
                risk_types=risk_types,
                reason=reason,
                state=ReviewState.VILLAGE,
                proposed_by=by,
            )
    except IntegrityError:
        raise ValidationError({"direction": "该户已有进行中的评议，请先完成"}) from None
    audit_record(
        actor=by,
        action="create",
        obj=review,
        unit_code=_code(supported.household),
        details={"direction": direction, "monitor_type": monitor_type, "reason": reason},
    )
    return review


@transaction.atomic
def review_decide(*, by, review: Review, step: str, decision: str, opinion: str, at=None) -> Review:
    """Record one step. Approval moves the review on; the county's approval changes the
    household's status; a refusal at any step ends the review and changes nothing else."""
    review = (
        Review.objects.select_for_update()
        .select_related("supported__household__hamlet")
        .get(pk=review.pk)
    )
    household = review.supported.household
    if not review.is_open:
        raise ValidationError({"step": "该评议已结束"})
    if step != review.state:
        raise ValidationError(
            {"step": f"当前环节是“{ReviewState(review.state).label}”，不能办理“{Step(step).label}”"}
        )
    if not may_decide(by, step, _code(household)):
        raise PermissionDenied(f"您的岗位无权办理该户的“{Step(step).label}”")
    if decision not in Decision.values:
        raise ValidationError({"decision": "请选择同意或不同意"})
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": "请填写意见"})
    now = at or timezone.now()
    ReviewStep.objects.create(
        review=review, step=step, decision=decision, opinion=opinion, by=by, at=now
    )
    old_state = review.state
    if decision == Decision.REFUSE:
        review.state = ReviewState.REFUSED
        review.decided_at = now
    else:
        i = STEP_ORDER.index(step)
        if i + 1 < len(STEP_ORDER):
            review.state = STEP_ORDER[i + 1]
        else:
            review.state = ReviewState.APPROVED
            review.decided_at = now
    review.save(update_fields=["state", "decided_at"])
    audit_record(
        actor=by,
        action="update",
        obj=review,
        unit_code=_code(household),
        details={
            "step": step,
            "decision": decision,
            "opinion": opinion,
            "state": [old_state, review.state],
        },
    )
    if review.state == ReviewState.APPROVED:
        _apply(by=by, review=review)
    return review


def _apply(*, by, review: Review) -> None:
    supported = SupportedHousehold.objects.select_for_update().get(pk=review.supported_id)
    before = supported.to_dict()
    if review.direction == Direction.ENTER:
        supported.kind = Kind.JIANCE
        supported.monitor_type = review.monitor_type
        supported.risk_types = list(review.risk_types)
        supported.status = Status.MONITORING
    else:
        supported.status = Status.RISK_REMOVED
    save_versioned(supported, None, ["kind", "monitor_type", "risk_types", "status", "updated_at"])
    _audit(by, supported, "update", before, note=f"县级确定：{review.get_direction_display()}")


# --- income cards -----------------------------------------------------------------------------


def _money(value, label: str, errors: dict, field: str) -> int:
    try:
        fen = int(value)
    except (TypeError, ValueError):
        errors[field] = f"{label}须为金额"
        return 0
    if fen < 0:
        errors[field] = f"{label}不能为负数"
    elif fen > MAX_MONEY:
        errors[field] = f"{label}过大，请核对"
    return fen


@transaction.atomic
def income_card_save(
    *,
    by,
    household,
    year: int,
    size: int,
    wage: int = 0,
    production: int = 0,
    property_income: int = 0,
    transfer: int = 0,
    costs: int = 0,
    note: str = "",
    version: int | None = None,
) -> IncomeCard:
    """Create or update the card of (household, year). Amounts in 分; K, S, T are computed."""
    check_perm(by, EDIT, _code(household))
    errors: dict[str, str] = {}
    this_year = timezone.localdate().year
    if not (2013 <= int(year) <= this_year):
        errors["year"] = f"年度应在 2013 至 {this_year} 之间"
    try:
        size = int(size)
    except (TypeError, ValueError):
        size = 0
    if size < 1 or size > 30:
        errors["size"] = "家庭人口须在 1 至 30 人之间"
    values = {
        "wage": _money(wage, "工资性收入", errors, "wage"),
        "production": _money(production, "生产经营性收入", errors, "production"),
        "property_income": _money(property_income, "财产性收入", errors, "property_income"),
        "transfer": _money(transfer, "转移性收入", errors, "transfer"),
        "costs": _money(costs, "生产经营性支出", errors, "costs"),
    }
    if errors:
        raise ValidationError(errors)
    card = IncomeCard.objects.filter(household=household, year=year).first()
    if card is None:
        card = IncomeCard(household=household, year=year, size=size, recorded_by=by, **values)
        card.note = note
        card.save()
        _audit(by, card, "create", {})
        return card
    before = card.to_dict()
    card.size = size
    card.note = note
    for k, v in values.items():
        setattr(card, k, v)
    card.recorded_by = by
    card.compute()
    save_versioned(
        card,
        version,
        [*IncomeCard.INPUTS, "total", "net", "per_capita", "recorded_by", "updated_at"],
    )
    _audit(by, card, "update", before)
    return card


# --- measures ---------------------------------------------------------------------------------


@transaction.atomic
def measure_add(
    *,
    by,
    household,
    kind: str,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    amount: int = 0,
    provider: str = "",
    result: str = "",
    person=None,
) -> Measure:
    check_perm(by, EDIT, _code(household))
    errors = {}
    if kind not in codes.table("measure"):
        errors["kind"] = "请选择措施类型"
    if not (title or "").strip():
        errors["title"] = "请填写措施内容"
    if end_date and end_date < start_date:
        errors["end_date"] = "结束日期不能早于开始日期"
    if person is not None and person.household_id != household.pk:
        errors["person"] = "受益人须是本户成员"
    money_errors: dict[str, str] = {}
    amount = _money(amount, "金额", money_errors, "amount")
    errors.update(money_errors)
    if (
        not errors
        and Measure.objects.filter(
            household=household,
            person=person,
            kind=kind,
            title=title.strip(),
            start_date=start_date,
        ).exists()
    ):
        errors["title"] = "该措施已登记（同一对象、类型、内容和开始日期）"
    if errors:
        raise ValidationError(errors)
    measure = Measure.objects.create(
        household=household,
        person=person,
        kind=kind,
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        amount=amount,
        provider=provider.strip(),
        result=result.strip(),
        recorded_by=by,
    )
    _audit(by, measure, "create", {})
    return measure


@transaction.atomic
def measure_update(*, by, measure: Measure, **fields) -> Measure:
    """Record the result or the end of a measure."""
    check_perm(by, EDIT, _code(measure.household))
    before = measure.to_dict()
    for name, value in fields.items():
        if name not in {"end_date", "result", "amount", "provider"}:
            raise ValueError(f"{name} cannot be set here")
        setattr(measure, name, value)
    if measure.end_date and measure.end_date < measure.start_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期"})
    measure.save(update_fields=list(fields))
    _audit(by, measure, "update", before)
    return measure


# --- thresholds -------------------------------------------------------------------------------


@transaction.atomic
def threshold_set(
    *, by, year: int, amount: int, region_code: str = "", note: str = ""
) -> Threshold:
    """Set the monitoring threshold (per-capita net income, 分) of a year for a region."""
    if not by.can("support.threshold"):
        raise PermissionDenied("您的岗位无权设置监测标准")
    region_code = (region_code or "").strip()
    errors = {}
    if not (2013 <= int(year) <= timezone.localdate().year + 1):
        errors["year"] = "年度不正确"
    if region_code and not (region_code.isdigit() and len(region_code) in (2, 4, 6)):
        errors["region_code"] = (
            "适用区划代码应为省（2 位）、市（4 位）或县（6 位）代码，留空表示全部"
        )
    if not (100_000 <= int(amount) <= 10_000_000):
        errors["amount"] = "监测标准应在 1,000 至 100,000 元之间"
    if errors:
        raise ValidationError(errors)
    threshold, created = Threshold.objects.select_for_update().get_or_create(
        year=year, region_code=region_code, defaults={"amount": amount, "note": note}
    )
    before = None if created else threshold.amount
    if not created:
        threshold.amount, threshold.note = amount, note
        threshold.save(update_fields=["amount", "note"])
    audit_record(
        actor=by,
        action="create" if created else "update",
        obj=threshold,
        unit_code=region_code,
        details={"year": year, "region_code": region_code, "amount": [before, amount]},
    )
    return threshold
