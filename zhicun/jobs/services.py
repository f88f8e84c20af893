"""Jobs writes: employers, openings, contacts, placements and leaving. Atomic and audited.

A placement (and its end) updates the person's employment in the register through the
registry's `person_set_employment`, which versions and audits it (old → new) like any registry
edit.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhicun.accounts.decorators import check_perm
from zhicun.audit.services import audit_record
from zhicun.jobs.models import Employer, EmployerKind, EventKind, JobEvent, Opening, Placement
from zhicun.lib import codes
from zhicun.lib.fields import normalise_tags
from zhicun.registry.choices import Employment
from zhicun.registry.models import Person
from zhicun.registry.services import person_set_employment

EDIT = "jobs.edit"
MAX_WAGE = 10_000_000  # 10 万元 a month in 分: more is a typing error


def _phone_ok(phone: str) -> bool:
    return not phone or (phone.isdigit() and 7 <= len(phone) <= 12)


@transaction.atomic
def employer_create(
    *,
    by,
    unit,
    name: str,
    kind: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    notes: str = "",
) -> Employer:
    check_perm(by, EDIT, unit.code)
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "请填写用工单位名称"
    elif Employer.objects.filter(name=name).exists():
        errors["name"] = f"用工单位“{name}”已登记"
    if kind not in EmployerKind.values:
        errors["kind"] = "请选择用工单位类型"
    if not _phone_ok(contact_phone.strip()):
        errors["contact_phone"] = "联系电话格式不正确"
    if errors:
        raise ValidationError(errors)
    employer = Employer.objects.create(
        unit=unit,
        name=name,
        kind=kind,
        address=address.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        notes=notes,
    )
    audit_record(actor=by, action="create", obj=employer, details={"name": name, "kind": kind})
    return employer


@transaction.atomic
def opening_create(
    *,
    by,
    employer: Employer,
    position: str,
    headcount: int,
    wage: int,
    season_start: datetime.date,
    season_end: datetime.date | None = None,
    place_unit=None,
    place_text: str = "",
    age_min: int = 18,
    age_max: int = 60,
    skills=(),
    sex: str = "",
    sex_reason: str = "",
    requirements: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Opening:
    # Anyone who may edit jobs and sees the employer (in or above their scope) may publish:
    # a township posts openings of the district's ski resort for its villages.
    if not by.can(EDIT) or not Employer.objects.visible_to(by).filter(pk=employer.pk).exists():
        raise PermissionDenied("您的岗位无权为该用工单位发布岗位")
    errors = {}
    position = position.strip()
    if not position:
        errors["position"] = "请填写岗位名称"
    if not headcount or headcount < 1:
        errors["headcount"] = "招聘人数至少为 1"
    if wage is None or wage < 0 or wage > MAX_WAGE:
        errors["wage"] = "月工资不正确"
    if season_end and season_end < season_start:
        errors["season_end"] = "用工结束日期不能早于开始日期"
    if not (16 <= age_min <= age_max <= 70):
        errors["age_min"] = "年龄要求应在 16 至 70 岁之间，且最低不大于最高"
    if sex and sex not in codes.table("sex"):
        errors["sex"] = "性别要求不正确"
    if sex and not sex_reason.strip():
        # 就业促进法 第二十七条: no sex requirement unless the work is one the law reserves.
        errors["sex_reason"] = "设置性别要求须注明法律依据（如国家规定的不适合妇女的工种）"
    if not _phone_ok(contact_phone.strip()):
        errors["contact_phone"] = "联系电话格式不正确"
    if errors:
        raise ValidationError(errors)
    opening = Opening.objects.create(
        employer=employer,
        position=position,
        headcount=headcount,
        wage=wage,
        season_start=season_start,
        season_end=season_end,
        place_unit=place_unit,
        place_text=place_text.strip(),
        age_min=age_min,
        age_max=age_max,
        skills=normalise_tags(skills),
        sex=sex,
        sex_reason=sex_reason.strip() if sex else "",
        requirements=requirements,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        created_by=by,
    )
    audit_record(actor=by, action="create", obj=opening, details={"changes": opening.to_dict()})
    return opening


@transaction.atomic
def opening_close(*, by, opening: Opening) -> Opening:
    if opening.created_by_id != by.pk:
        check_perm(by, EDIT, opening.employer.unit.code)
    if opening.is_open:
        opening.is_open = False
        opening.save(update_fields=["is_open"])
        audit_record(actor=by, action="update", obj=opening, details={"is_open": [True, False]})
    return opening


# --- the person's side ------------------------------------------------------------------------


def _event(*, by, opening, person, kind, date, note) -> JobEvent:
    event = JobEvent.objects.create(
        opening=opening, person=person, kind=kind, date=date, note=note.strip(), by=by
    )
    audit_record(
        actor=by,
        action="create",
        obj=event,
        details={"kind": kind, "opening": str(opening), "date": date.isoformat()},
    )
    return event


@transaction.atomic
def event_record(
    *, by, opening: Opening, person: Person, kind: str, date: datetime.date, note: str = ""
) -> JobEvent:
    """A contact, an interview or a refusal (placements and leaving have their own services)."""
    check_perm(by, EDIT, person.hamlet.code)
    if kind not in (EventKind.CONTACT, EventKind.INTERVIEW, EventKind.REFUSAL):
        raise ValidationError({"kind": "未知的对接进展"})
    return _event(by=by, opening=opening, person=person, kind=kind, date=date, note=note)


@transaction.atomic
def placement_create(
    *,
    by,
    opening: Opening,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    monthly_income: int | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> Placement:
    """Place a person in an opening. While the placement runs the person counts as employed."""
    check_perm(by, EDIT, person.hamlet.code)
    person = Person.objects.select_for_update().select_related("hamlet").get(pk=person.pk)
    errors = {}
    if monthly_income is None:
        monthly_income = opening.wage
    if monthly_income < 0 or monthly_income > MAX_WAGE:
        errors["monthly_income"] = "月收入不正确"
    if end_date and end_date < start_date:
        errors["end_date"] = "离岗日期不能早于上岗日期"
    overlapping = Placement.objects.filter(person=person, start_date__lte=end_date or start_date)
    overlapping = overlapping.exclude(end_date__lt=start_date)
    if overlapping.exists():
        errors["start_date"] = f"{person.name} 在这段时间已有就业安置"
    if errors:
        raise ValidationError(errors)
    placement = Placement.objects.create(
        opening=opening,
        person=person,
        start_date=start_date,
        end_date=end_date,
        monthly_income=monthly_income,
        note=note.strip(),
        created_by=by,
    )
    _event(
        by=by, opening=opening, person=person, kind=EventKind.PLACEMENT, date=start_date, note=note
    )
    day = today or timezone.localdate()
    if start_date <= day and (end_date is None or end_date >= day):
        _employ(by=by, person=person, opening=opening)
    return placement


def _employ(*, by, person: Person, opening: Opening) -> None:
    place = opening.place or opening.employer.address
    person_set_employment(
        by=by,
        person=person,
        perm=EDIT,
        employment=Employment.LOCAL,
        employer=opening.employer.name,
        work_place=place,
        note=f"就业安置：{opening}",
    )


@transaction.atomic
def placement_end(
    *,
    by,
    placement: Placement,
    end_date: datetime.date,
    note: str = "",
    today: datetime.date | None = None,
) -> Placement:
    """The person left (or the season ended): close the placement and the employment."""
    person = placement.person
    check_perm(by, EDIT, person.hamlet.code)
    if end_date < placement.start_date:
        raise ValidationError({"end_date": "离岗日期不能早于上岗日期"})
    before = placement.end_date
    placement.end_date = end_date
    placement.save(update_fields=["end_date"])
    _event(
        by=by,
        opening=placement.opening,
        person=person,
        kind=EventKind.LEFT,
        date=end_date,
        note=note,
    )
    audit_record(
        actor=by,
        action="update",
        obj=placement,
        details={"end_date": [before.isoformat() if before else None, end_date.isoformat()]},
    )
    person.refresh_from_db()
    day = today or timezone.localdate()
    if end_date <= day and person.employer == placement.opening.employer.name:
        person_set_employment(
            by=by,
            person=person,
            perm=EDIT,
            employment=Employment.NONE,
            employer="",
            work_place="",
            note=f"离岗：{placement.opening}",
        )
    return placement
