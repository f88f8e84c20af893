"""Registry writes: every change is atomic, checked against the actor's unit, and audited with
old → new values (sensitive ones masked). Pages, imports and the API all call these."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhicun.accounts.decorators import check_perm
from zhicun.audit.services import audit_record, diff
from zhicun.lib.idnumber import parse_id_number
from zhicun.lib.masking import mask_id_number
from zhicun.lib.versioning import save_versioned
from zhicun.registry import relations
from zhicun.registry.choices import ACTIVE, Employment, MoveKind, MoveReason, Residence
from zhicun.registry.models import Household, Move, Person, Visit
from zhicun.units.models import Kind

EDIT = "registry.edit"

HOUSEHOLD_FIELDS = [
    "number",
    "address",
    "residence",
    "land_area",
    "housing_safety",
    "phone",
    "tags",
    "latitude",
    "longitude",
    "notes",
]
PERSON_FIELDS = [
    "name",
    "id_number",
    "sex",
    "birth_date",
    "ethnicity",
    "relation",
    "education",
    "marital",
    "political",
    "religion",
    "health",
    "disability_category",
    "disability_grade",
    "disability_cert",
    "labour",
    "skills",
    "employment",
    "employer",
    "work_place",
    "residence",
    "phone",
    "groups",
    "medical_insurance",
    "pension_insurance",
    "pension_receiving",
    "pension_certified_on",
    "notes",
]


def _audit_change(by, obj, action: str, before: dict, note: str = "") -> None:
    changes = diff(before, obj.to_dict(), masked=obj.SENSITIVE)
    if action == "update" and not changes:
        return
    details: dict[str, Any] = {"changes": changes}
    if note:
        details["note"] = note
    audit_record(actor=by, action=action, obj=obj, details=details)


# --- validation -------------------------------------------------------------------------------


def clean_person(
    person: Person, *, today: datetime.date | None = None, check_unique: bool = True
) -> list[str]:
    """Check one person; raise ValidationError with Chinese messages by field.

    Returns notices that do not block saving (an ID number's place code that is not in the
    national table, for instance).
    """
    errors: dict[str, list[str]] = {}
    notices: list[str] = []
    person.name = (person.name or "").strip()
    if not person.name:
        errors.setdefault("name", []).append("请填写姓名")
    try:
        info = parse_id_number(person.id_number, today=today)
    except ValidationError as e:
        errors.setdefault("id_number", []).extend(e.messages)
    else:
        person.id_number = info.number
        if not info.place_known:
            notices.append(f"身份证号码的地址码 {info.number[:6]} 不在国家行政区划表中，请核对")
        if not person.sex:
            person.sex = info.sex
        elif person.sex != info.sex:
            errors.setdefault("sex", []).append(
                "性别与身份证号码不符（第 17 位奇数为男、偶数为女）"
            )
        if not person.birth_date:
            person.birth_date = info.birth_date
        elif person.birth_date != info.birth_date:
            errors.setdefault("birth_date", []).append(
                f"出生日期与身份证号码不符（号码中为 {info.birth_date:%Y-%m-%d}）"
            )
    if person.disability_grade and not person.disability_category:
        errors.setdefault("disability_category", []).append("填写残疾等级时须同时填写残疾类别")
    if person.health == "4" and not person.disability_category:
        errors.setdefault("disability_category", []).append("健康状况为残疾时请填写残疾类别")
    try:
        person.full_clean(
            exclude=["household", "hamlet", "id_number", "sex", "birth_date", "name"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if check_unique and person.residence in ACTIVE:
        check_id_unique(person.id_number, exclude_pk=person.pk)
    return notices


def check_id_unique(number: str, *, exclude_pk: int | None = None) -> None:
    taken = (
        Person.objects.active()
        .filter(id_number=number)
        .exclude(pk=exclude_pk)
        .select_related("household")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                "id_number": (
                    f"身份证号码 {mask_id_number(number)} 已登记在户 {taken.household.number}"
                    f"（{taken.name[0]}某），不能重复登记"
                )
            }
        )


# --- households -------------------------------------------------------------------------------


@transaction.atomic
def household_create(*, by, hamlet, head: dict, **fields) -> Household:
    """A new household with its head (a household always has exactly one head)."""
    if hamlet.kind != Kind.HAMLET:
        raise ValidationError({"hamlet": "户必须登记在自然村（村民小组）下"})
    check_perm(by, EDIT, hamlet.code)
    household = Household(hamlet=hamlet, **fields)
    if not household.number:
        household.number = next_household_number(hamlet)
    if Household.objects.filter(number=household.number).exists():
        raise ValidationError({"number": f"户编号 {household.number} 已存在"})
    household.full_clean(exclude=["head"], validate_unique=False, validate_constraints=False)
    household.save()
    person = _person_insert(by=by, household=household, data={**head, "relation": "02"})
    household.head = person
    household.save(update_fields=["head"])
    _audit_change(by, household, "create", {})
    return household


def next_household_number(hamlet) -> str:
    """Hamlet code + 4-digit sequence: unique, and sorts by place."""
    last = (
        Household.objects.filter(number__startswith=hamlet.code, number__regex=r"^\d+$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(hamlet.code) :] or 0) + 1 if last else 1
    return f"{hamlet.code}{seq:04d}"


@transaction.atomic
def household_update(
    *, by, household: Household, version: int | None = None, **fields
) -> Household:
    check_perm(by, EDIT, household.hamlet.code)
    before = household.to_dict()
    for name, value in fields.items():
        if name not in HOUSEHOLD_FIELDS:
            raise ValueError(f"{name} cannot be set here")
        setattr(household, name, value)
    if (
        "number" in fields
        and Household.objects.filter(number=household.number).exclude(pk=household.pk).exists()
    ):
        raise ValidationError({"number": f"户编号 {household.number} 已存在"})
    household.full_clean(exclude=["head"], validate_unique=False, validate_constraints=False)
    save_versioned(household, version, list(fields) + ["updated_at"])
    _audit_change(by, household, "update", before)
    return household


@transaction.atomic
def household_set_head(*, by, household: Household, person: Person, rederive: bool = False) -> list:
    """Make `person` the head. Other members' relations change only when `rederive` is asked;
    returns the members whose relation could not be derived (set to 其他亲属 for review)."""
    check_perm(by, EDIT, household.hamlet.code)
    if person.household_id != household.pk or not person.is_active:
        raise ValidationError("新户主必须是本户的在册成员")
    if household.head_id == person.pk:
        raise ValidationError("此人已经是户主")
    members = list(household.members.active())
    review: list = []
    new_relations: dict[int, str] = {}
    if rederive:
        new_relations, review = relations.rederive(person, members)
    for m in members:
        if m.pk == person.pk:
            new = "02"
        elif m.relation == "02":
            new = new_relations.get(m.pk, "97")
        else:
            new = new_relations.get(m.pk, m.relation)
        if new != m.relation:
            before = m.to_dict()
            m.relation = new
            m.save(update_fields=["relation", "updated_at"])
            _audit_change(by, m, "update", before, note="变更户主")
    before = household.to_dict()
    household.head = person
    household.save(update_fields=["head", "updated_at"])
    _audit_change(by, household, "update", before, note="变更户主")
    return review


@transaction.atomic
def household_split(
    *,
    by,
    household: Household,
    members: list[Person],
    head: Person,
    number: str = "",
    address: str = "",
) -> Household:
    """Split `members` off into a new household in the same hamlet, `head` as its head."""
    check_perm(by, EDIT, household.hamlet.code)
    ids = {m.pk for m in members}
    if head.pk not in ids:
        raise ValidationError("新户的户主必须在分出的成员之中")
    if any(m.household_id != household.pk or not m.is_active for m in members):
        raise ValidationError("只能分出本户的在册成员")
    remaining = household.members.active().exclude(pk__in=ids)
    if not remaining.exists():
        raise ValidationError("原户至少要保留一名成员")
    if household.head_id in ids:
        raise ValidationError("原户主不能分出；请先变更原户户主")
    new = Household(
        hamlet=household.hamlet,
        number=number or next_household_number(household.hamlet),
        address=address or household.address,
        residence=household.residence,
    )
    if Household.objects.filter(number=new.number).exists():
        raise ValidationError({"number": f"户编号 {new.number} 已存在"})
    new.save()
    for m in members:
        before = m.to_dict()
        m.household = new
        m.relation = "02" if m.pk == head.pk else "97"
        m.save(update_fields=["household", "relation", "updated_at"])
        _audit_change(by, m, "update", before, note=f"分户至 {new.number}")
    new.head = head
    new.save(update_fields=["head"])
    _audit_change(by, new, "create", {}, note=f"由户 {household.number} 分出")
    audit_record(
        actor=by,
        action="update",
        obj=household,
        details={"note": f"分出新户 {new.number}", "members": len(members)},
    )
    return new


# --- persons ----------------------------------------------------------------------------------


def _person_insert(*, by, household: Household, data: dict) -> Person:
    person = Person(household=household, hamlet=household.hamlet)
    for name, value in data.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"{name} cannot be set here")
        setattr(person, name, value)
    clean_person(person)
    person.save()
    _audit_change(by, person, "create", {})
    return person


@transaction.atomic
def person_add(*, by, household: Household, **data) -> Person:
    check_perm(by, EDIT, household.hamlet.code)
    if data.get("relation") == "02":
        raise ValidationError({"relation": "一户只能有一名户主；如需更换户主请使用“变更户主”"})
    return _person_insert(by=by, household=household, data=data)


@transaction.atomic
def person_update(*, by, person: Person, version: int | None = None, **data) -> Person:
    check_perm(by, EDIT, person.hamlet.code)
    before = person.to_dict()
    for name, value in data.items():
        if name not in PERSON_FIELDS or name == "residence":
            raise ValueError(f"{name} cannot be set here")
        setattr(person, name, value)
    if "relation" in data and (data["relation"] == "02") != (person.household.head_id == person.pk):
        raise ValidationError({"relation": "户主关系请通过“变更户主”修改"})
    clean_person(person)
    save_versioned(person, version, list(data) + ["name_pinyin", "name_initials", "updated_at"])
    _audit_change(by, person, "update", before)
    return person


@transaction.atomic
def person_set_employment(
    *,
    by,
    person: Person,
    employment: str,
    employer: str,
    work_place: str,
    note: str,
    perm: str = EDIT,
) -> Person:
    """Set only the person's employment (status, employer, place), versioned and audited with
    old → new values like any registry edit.

    Other apps that change employment as a consequence of their own work (a jobs placement)
    call this with their own permission `perm`, checked at the person's hamlet.
    """
    check_perm(by, perm, person.hamlet.code)
    if employment not in Employment.values:
        raise ValidationError({"employment": "就业状况不正确"})
    before = person.to_dict()
    person.employment = employment
    person.employer = employer[:100]
    person.work_place = work_place[:100]
    save_versioned(person, None, ["employment", "employer", "work_place", "updated_at"])
    _audit_change(by, person, "update", before, note=note)
    return person


@transaction.atomic
def person_transfer(*, by, person: Person, to_household: Household, relation: str) -> Person:
    """Move a person into another household (marriage, adoption …): an action with history."""
    check_perm(by, EDIT, person.hamlet.code)
    check_perm(by, EDIT, to_household.hamlet.code)
    if person.household_id == to_household.pk:
        raise ValidationError("此人已在该户")
    if person.household.head_id == person.pk:
        raise ValidationError("户主不能直接迁出本户；请先变更户主")
    if relation == "02":
        raise ValidationError({"relation": "迁入后不能直接成为户主；请迁入后变更户主"})
    before = person.to_dict()
    old = person.household.number
    person.household = to_household
    person.hamlet = to_household.hamlet
    person.relation = relation
    person.save(update_fields=["household", "hamlet", "relation", "updated_at"])
    _audit_change(by, person, "update", before, note=f"由户 {old} 转入户 {to_household.number}")
    return person


def _end_registration(
    *, by, person: Person, residence: str, day: datetime.date, note: str
) -> Person:
    check_perm(by, EDIT, person.hamlet.code)
    if not person.is_active:
        raise ValidationError("此人已不在册")
    if day > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天"})
    household = person.household
    if household.head_id == person.pk and household.members.active().exclude(pk=person.pk).exists():
        raise ValidationError("此人是户主，请先为本户变更户主")
    before = person.to_dict()
    person.residence = residence
    if residence == Residence.DEAD:
        person.died_on = day
    else:
        person.moved_out_on = day
    person.save(update_fields=["residence", "died_on", "moved_out_on", "updated_at"])
    _audit_change(by, person, "update", before, note=note)
    return person


@transaction.atomic
def person_mark_dead(*, by, person: Person, date: datetime.date, note: str = "") -> Person:
    return _end_registration(
        by=by, person=person, residence=Residence.DEAD, day=date, note=note or "登记死亡"
    )


@transaction.atomic
def person_mark_moved_out(
    *, by, person: Person, date: datetime.date, to_place: str = "", note: str = ""
) -> Person:
    person = _end_registration(
        by=by, person=person, residence=Residence.MOVED_OUT, day=date, note=note or "户籍迁出"
    )
    Move.objects.create(
        person=person,
        kind=MoveKind.OUT,
        date=date,
        to_place=to_place,
        reason=MoveReason.OTHER,
        note="户籍迁出",
        recorded_by=by,
    )
    return person


# --- moves and visits -------------------------------------------------------------------------

MOVE_RESIDENCE = {
    (MoveKind.OUT, MoveReason.STUDY): Residence.AWAY_STUDY,
    MoveKind.OUT: Residence.AWAY_WORK,
    MoveKind.IN: Residence.INFLOW,
    MoveKind.RETURN: Residence.RESIDENT,
}


@transaction.atomic
def move_record(
    *,
    by,
    person: Person,
    kind: str,
    date: datetime.date,
    reason: str,
    from_place: str = "",
    to_place: str = "",
    expected_return: datetime.date | None = None,
    note: str = "",
) -> Move:
    """A person goes out, comes in or returns; their residence follows."""
    check_perm(by, EDIT, person.hamlet.code)
    if not person.is_active:
        raise ValidationError("此人已不在册，不能登记流动")
    errors = {}
    if date > timezone.localdate():
        errors["date"] = "日期不能晚于今天"
    if expected_return and expected_return < date:
        errors["expected_return"] = "预计返回日期不能早于外出日期"
    if kind == MoveKind.OUT and not to_place.strip():
        errors["to_place"] = "请填写去向"
    if kind == MoveKind.IN and not from_place.strip():
        errors["from_place"] = "请填写从何处流入"
    if kind == MoveKind.RETURN and person.residence == Residence.RESIDENT:
        errors["kind"] = "此人现为常住，不能登记返乡"
    if kind not in MoveKind.values:
        errors["kind"] = "未知的流动类型"
    if reason not in MoveReason.values:
        errors["reason"] = "未知的流动原因"
    if errors:
        raise ValidationError(errors)
    move = Move.objects.create(
        person=person,
        kind=kind,
        date=date,
        reason=reason,
        from_place=from_place.strip(),
        to_place=to_place.strip(),
        expected_return=expected_return,
        note=note.strip(),
        recorded_by=by,
    )
    residence = MOVE_RESIDENCE.get((kind, reason), MOVE_RESIDENCE[kind])
    if person.residence != residence:
        before = person.to_dict()
        person.residence = residence
        person.save(update_fields=["residence", "updated_at"])
        _audit_change(by, person, "update", before, note=f"登记{move.get_kind_display()}")
    audit_record(actor=by, action="create", obj=move, unit_code=person.hamlet.code)
    return move


@transaction.atomic
def visit_record(
    *,
    by,
    household: Household,
    date: datetime.date,
    kind: str,
    findings: str,
    follow_up: str = "",
) -> Visit:
    check_perm(by, EDIT, household.hamlet.code)
    errors = {}
    if date > timezone.localdate():
        errors["date"] = "走访日期不能晚于今天"
    if not findings.strip():
        errors["findings"] = "请填写走访情况"
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        household=household,
        visitor=by,
        date=date,
        kind=kind,
        findings=findings.strip(),
        follow_up=follow_up.strip(),
    )
    visit.full_clean()
    visit.save()
    if household.last_visited_on is None or household.last_visited_on < date:
        Household.objects.filter(pk=household.pk).update(last_visited_on=date)
        household.last_visited_on = date
    audit_record(actor=by, action="create", obj=visit, unit_code=household.hamlet.code)
    return visit
