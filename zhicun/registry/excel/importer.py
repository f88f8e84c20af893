"""The import pipeline: a dry run that names every problem by row, column and reason, then a
commit that writes all rows or none, with a history row for every record it touches."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from zhicun.accounts.decorators import check_perm
from zhicun.audit.context import current_origin
from zhicun.audit.services import Entry, audit_append, audit_record, diff
from zhicun.lib.collector import collector_paused
from zhicun.lib.masking import mask_id_number
from zhicun.lib.pinyin import keys as pinyin_keys
from zhicun.ops.bulk import BulkWriter
from zhicun.registry.excel import parsed, storage
from zhicun.registry.excel.columns import (
    BY_NAME,
    COLUMNS,
    EXAMPLE_NOTE,
    HEAD,
    HOUSEHOLD,
    CellError,
    Column,
    display,
    parse,
)
from zhicun.registry.excel.reader import (
    FileRefused,
    Table,
    read_table,
    release_native_memory,
)
from zhicun.registry.models import Household, ImportBatch, Person
from zhicun.registry.services import clean_person
from zhicun.units.models import Kind, Unit

IMPORT = "registry.import"
EDIT = "registry.edit"
MAX_PROBLEMS = 2000
CHUNK = 2000
WRITE_BATCH = 2000
PARSED = 5000  # distinct texts remembered per column
ALREADY = "该文件已导入或未通过预检，不能再次导入"

HOUSEHOLD_COLUMNS = [c for c in COLUMNS if c.level == HOUSEHOLD and c.key not in ("number",)]
PERSON_HEADERS = {c.key: c.header for c in COLUMNS if c.level != HOUSEHOLD}
# Person fields as the import sets them (all but the household and hamlet), and those that
# the checks normalise (the name trimmed, the ID number in capitals, sex and birth date from it).
PERSON_FIELDS = [c.key for c in COLUMNS if c.level != HOUSEHOLD]
NORMALISED = ("name", "id_number", "sex", "birth_date")
ID = BY_NAME["person.id_number"]
NUMBER = BY_NAME["household.number"]
HAMLET = BY_NAME["household.hamlet"]
RELATION = BY_NAME["person.relation"]


@dataclass
class Problem:
    row: int  # spreadsheet row number; 0 for the file as a whole
    column: str
    message: str
    value: str = ""
    warning: bool = False

    def to_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "value": self.value,
            "warning": self.warning,
        }


@dataclass(slots=True)
class Row:
    number: int
    household: dict = field(default_factory=dict)
    person: dict = field(default_factory=dict)
    bad: bool = False


@dataclass(slots=True)
class NewPerson:
    """A person to create: the row's checked values, built into a Person only when written, so
    that a large file does not hold a model instance per row."""

    household: Household
    fields: dict


@dataclass
class Plan:
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    new_households: list[Household] = field(default_factory=list)
    # Grouped by household; a new household's head is among its members.
    new_persons: list[NewPerson] = field(default_factory=list)
    person_updates: list[tuple[Person, dict, list[str]]] = field(default_factory=list)
    household_updates: list[tuple[Household, dict, list[str]]] = field(default_factory=list)
    skipped: int = 0

    def error(self, row: int, column: str, message: str, value: str = "") -> None:
        self.problems.append(Problem(row, column, message, value))

    def warn(self, row: int, column: str, message: str, value: str = "") -> None:
        self.problems.append(Problem(row, column, message, value, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def ok(self) -> bool:
        return not self.errors


def read(table: Table, plan: Plan) -> list[Row] | None:
    """The file's rows, parsed; None if required columns are missing (named in the plan)."""
    _ignored(plan, table.header_row, table.ignored)
    present = set(table.columns.values())
    missing = [c.header for c in COLUMNS if c.required and c not in present]
    if missing:
        plan.error(table.header_row, "、".join(missing), "缺少必填列，请使用导入模板的表头")
        return None
    rows = _read_rows(table, plan)
    plan.rows_read = len(rows)
    return rows


def analyse(
    *,
    by,
    unit: Unit,
    rows: list[Row] | None,
    plan: Plan,
    on_existing: str,
    lock: bool = False,
    today: datetime.date | None = None,
) -> Plan:
    """Check every row against the file, the database and the user's scope; plan the writes."""
    if rows is None:
        return plan
    hamlets = _HamletResolver(by, unit)
    numbers = {r.household["number"] for r in rows if "number" in r.household}
    ids = {r.person["id_number"] for r in rows if "id_number" in r.person}
    households = _existing_households(numbers, lock)
    persons = _existing_persons(ids, lock)

    # Household columns must agree between members of one household.
    columns = _HouseholdColumns(hamlets)
    for row in rows:
        for key, value, seen_row in columns.disagreements(row):
            column = BY_NAME[f"{HOUSEHOLD}.{key}"]
            plan.error(
                row.number,
                column.header,
                f"同一户（{row.household['number']}）的“{column.header}”与第 {seen_row} 行不一致",
                column.show(value),
            )
            row.bad = True
    values = columns.values

    seen_ids: dict[str, int] = {}
    unknown_places: dict[str, int] = defaultdict(int)
    members: dict[str, list[tuple[Row, Unit]]] = defaultdict(list)
    updated_households: set[str] = set()
    for row in rows:
        number = row.household.get("number")
        number_ok = number is not None
        id_number = row.person.get("id_number")
        if id_number:
            if id_number in seen_ids:
                plan.error(
                    row.number,
                    ID.header,
                    f"与第 {seen_ids[id_number]} 行的身份证号码重复",
                    ID.show(id_number),
                )
                continue
            seen_ids[id_number] = row.number
        hamlet = None
        if "hamlet" in row.household:
            hamlet, message = hamlets.resolve(row.household["hamlet"])
            if message:
                plan.error(row.number, HAMLET.header, message, HAMLET.show(row.household["hamlet"]))
                row.bad = True
        household = households.get(number) if number_ok else None
        if household is not None:
            if not household.hamlet.code.startswith(unit.code) or not by.can(
                EDIT, household.hamlet.code
            ):
                plan.error(row.number, NUMBER.header, f"户编号 {number} 已被其他单位使用", number)
                continue
            if hamlet is not None and household.hamlet_id != hamlet.pk:
                plan.error(
                    row.number,
                    HAMLET.header,
                    f"户 {number} 登记在“{household.hamlet.name}”，与本行的自然村不符",
                    hamlet.name,
                )
                continue
            hamlet = household.hamlet

        existing = persons.get(id_number) if id_number else None
        if existing is not None:
            _plan_existing(plan, row, existing, unit, by, on_existing, number)
            if (
                on_existing == ImportBatch.OnExisting.UPDATE
                and household is not None
                and number not in updated_households
                and not row.bad
            ):
                updated_households.add(number)
                _plan_household_update(plan, household, values[number])
            continue

        if not _validate(plan, row, row.person, unknown_places, today) or row.bad or not number_ok:
            continue
        if hamlet is None:
            continue
        members[number].append((row, hamlet))
        if (
            household is not None
            and on_existing == ImportBatch.OnExisting.UPDATE
            and number not in updated_households
        ):
            updated_households.add(number)
            _plan_household_update(plan, household, values[number])

    failed_rows = {p.row for p in plan.errors}
    failed = {r.household.get("number") for r in rows if r.number in failed_rows}
    for number, group in members.items():
        heads = [(row, h) for row, h in group if row.person.get("relation") == HEAD]
        household = households.get(number)
        if household is not None:
            for row, _p in heads:
                plan.error(
                    row.number,
                    RELATION.header,
                    f"户 {number} 已有户主，导入不能新增户主；如需更换户主请在户页面办理",
                    "户主",
                )
            if heads:
                continue
        else:
            if not heads and number in failed:
                continue  # the head's own row has a problem already named
            if not heads:
                plan.error(
                    group[0][0].number,
                    RELATION.header,
                    f"户 {number} 没有户主：须有一名成员的与户主关系为“户主”",
                )
                continue
            if len(heads) > 1:
                rows_named = "、".join(str(row.number) for row, _p in heads)
                for row, _p in heads[1:]:
                    plan.error(
                        row.number,
                        RELATION.header,
                        f"户 {number} 有 {len(heads)} 名户主（第 {rows_named} 行），每户只能有一名",
                        "户主",
                    )
                continue
            household = _new_household(
                plan, number, group[0][1], values[number], columns.first[number]
            )
            if household is None:
                continue
        plan.new_persons.extend(NewPerson(household, row.person) for row, _h in group)

    for place, count in sorted(unknown_places.items()):
        plan.warn(
            0,
            ID.header,
            f"有 {count} 个身份证号码的地址码 {place} 不在国家行政区划表中，请核对"
            "（旧区划代码可忽略此提示）",
        )
    plan.problems.sort(key=lambda p: (p.row, p.warning))
    return plan


def _read_rows(table: Table, plan: Plan) -> list[Row]:
    """Parse every cell; consumes table.rows, letting go of each raw row once parsed."""
    required = [c for c in COLUMNS if c.required]
    columns = [
        (index, column, {}, column.level == HOUSEHOLD, column.key)
        for index, column in table.columns.items()
    ]
    rows: list[Row] = []
    raw_rows = table.rows
    for i, (number, cells) in enumerate(raw_rows):
        raw_rows[i] = None
        row = Row(number)
        household, person = row.household, row.person
        failed: set[Column] = set()
        width = len(cells)
        for index, column, seen, of_household, key in columns:
            raw = cells[index] if index < width else None
            if raw is None:
                continue
            # A text parsed before (most cells: 民族, 与户主关系 …) is looked up right here.
            found = seen.get(raw) if type(raw) is str else None
            if found is None:
                value, message = _parse_cell(column, raw, seen)
            else:
                value, message = found
                if type(value) is list:
                    value = list(value)
            if message:
                plan.error(number, column.header, message, column.show(raw))
                failed.add(column)
                row.bad = True
                continue
            if value is not None:
                (household if of_household else person)[key] = value
        if row.person.get("notes") == EXAMPLE_NOTE:
            continue
        for column in required:
            target = row.household if column.level == HOUSEHOLD else row.person
            if column.key not in target and column not in failed:
                plan.error(number, column.header, f"请填写{column.header}")
                row.bad = True
        if rows and rows[-1].household == row.household:
            row.household = rows[-1].household  # one dict for all members of a household
        rows.append(row)
    table.rows = []
    return rows


def _parse_cell(column: Column, raw, seen: dict) -> tuple[object, str]:
    """(value, "") or (None, reason). Texts repeat (民族, 与户主关系 …), so each column parses
    each distinct text once; a column of mostly distinct texts stops being remembered."""
    if type(raw) is not str:
        return _parse_one(column, raw)
    found = seen.get(raw)
    if found is None:
        found = seen[raw] = _parse_one(column, raw)
        if len(seen) > PARSED:
            seen.clear()
    value = found[0]
    return (list(value), "") if type(value) is list else found


def _parse_one(column: Column, raw) -> tuple[object, str]:
    try:
        return parse(column, raw), ""
    except CellError as e:
        return None, str(e)


class _HamletResolver:
    """Hamlets by code or name, limited to the import's unit and the user's edit rights."""

    def __init__(self, by, unit: Unit):
        self.by = by
        self.unit = unit
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        for hamlet in Unit.objects.below(unit.code).filter(kind=Kind.HAMLET):
            self.by_code[hamlet.code] = hamlet
            self.by_name[hamlet.name].append(hamlet)
        self.cache: dict[str, tuple[Unit | None, str]] = {}

    def resolve(self, text: str) -> tuple[Unit | None, str]:
        if text not in self.cache:
            self.cache[text] = self._resolve(text)
        return self.cache[text]

    def _resolve(self, text: str) -> tuple[Unit | None, str]:
        where = f"本次导入范围（{self.unit.name}）"
        hamlet = self.by_code.get(text)
        if hamlet is None:
            if text.isdigit():
                return None, f"自然村代码 {text} 不存在或不在{where}内"
            found = self.by_name.get(text, [])
            if len(found) > 1:
                return None, f"{where}内有 {len(found)} 个名为“{text}”的自然村，请改填自然村代码"
            if not found:
                return None, f"{where}内没有名为“{text}”的自然村"
            hamlet = found[0]
        if not (self.by.can(IMPORT, hamlet.code) and self.by.can(EDIT, hamlet.code)):
            return None, f"自然村“{hamlet.name}”不在您的管辖范围内"
        return hamlet, ""


def _chunks(values: set[str]):
    items = sorted(values)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _existing_households(numbers: set[str], lock: bool) -> dict[str, Household]:
    pks = _present(Household.objects.all(), "number", numbers)
    query = Household.objects.select_related("hamlet", "head")
    return {h.number: h for h in _fetch(query, pks, lock)}


def _existing_persons(ids: set[str], lock: bool) -> dict[str, Person]:
    pks = _present(Person.objects.active(), "id_number", ids)
    query = Person.objects.active().select_related("household", "household__hamlet", "hamlet")
    return {p.id_number: p for p in _fetch(query, pks, lock)}


def _present(queryset, key: str, values: set[str]) -> list[int]:
    """Primary keys of the rows whose `key` is one of `values`, found on the key's index alone:
    usually few of a file's rows are on the register already, and a join planned for all of
    them would read whole tables."""
    found: list[int] = []
    for chunk in _chunks(values):
        found += queryset.filter(**{f"{key}__in": chunk}).order_by().values_list("pk", flat=True)
    return found


def _fetch(queryset, pks: list[int], lock: bool):
    for i in range(0, len(pks), CHUNK):
        chunk = queryset.filter(pk__in=pks[i : i + CHUNK])
        yield from chunk.select_for_update(of=("self",)) if lock else chunk


def _validate(
    plan: Plan, row: Row, fields: dict, unknown_places, today, person: Person | None = None
) -> bool:
    """The registry's own checks (clean_person) with two shortcuts for big files: uniqueness is
    left to the batched lookup, and rows that pass `_looks_clean` skip the full model clean.
    Any row that does not look clean goes through clean_person, so its messages are the
    registry's own. `fields` (a person's values by field name) is normalised as clean_person
    would."""
    place_known = _looks_clean(fields, today)
    if place_known is not None:
        if not place_known:
            unknown_places[fields["id_number"][:6]] += 1
        return True
    person = person or Person(**fields)
    # The whole file has already been checked against the register in a few batched queries.
    try:
        notices = clean_person(person, today=today, check_unique=False)
    except ValidationError as e:
        for key, messages in e.message_dict.items():
            header = PERSON_HEADERS.get(key, "")
            shown = BY_NAME[f"person.{key}"].show(row.person.get(key)) if header else ""
            for message in messages:
                plan.error(row.number, header, message, shown)
        return False
    fields.update({key: getattr(person, key) for key in NORMALISED})
    if notices:
        unknown_places[person.id_number[:6]] += 1
    return True


@cache
def _place_known(place_and_year: str) -> bool:
    """Whether the place code existed in the birth year (stdnum's table knows both)."""
    try:
        ric.get_birth_place(place_and_year + "01010000")
    except (StdnumError, ValueError):
        return False
    return True


def _looks_clean(fields: dict, today: datetime.date | None) -> bool | None:
    """Whether the ID number's place is known, for a person that passes clean_person's rules;
    None when in doubt. Field values were already checked by the column parsers."""
    given = fields.get("id_number") or ""
    number = given if given.isupper() or given.isdigit() else given.upper()
    fields["name"] = name = (fields.get("name") or "").strip()
    if not name or len(number) != 18 or not number[:17].isdigit():
        return None
    if not (number[17].isdigit() or number[17] == "X"):
        return None
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth.year < 1900 or birth > (today or datetime.date.today()):
        return None
    if ric.calc_check_digit(number) != number[17]:
        return None
    sex = "1" if int(number[16]) % 2 else "2"
    given_sex, given_birth = fields.get("sex"), fields.get("birth_date")
    if (given_sex and given_sex != sex) or (given_birth and given_birth != birth):
        return None
    if fields.get("disability_grade") and not fields.get("disability_category"):
        return None
    if fields.get("health") == "4" and not fields.get("disability_category"):
        return None
    fields["id_number"] = number
    fields["sex"] = given_sex or sex
    fields["birth_date"] = given_birth or birth
    return _place_known(number[:10])


def _plan_existing(plan: Plan, row: Row, person: Person, unit, by, on_existing, number) -> None:
    masked = mask_id_number(person.id_number)
    if not person.hamlet.code.startswith(unit.code) or not by.can(EDIT, person.hamlet.code):
        plan.error(row.number, ID.header, "该身份证号码已在其他单位登记，不能重复登记", masked)
        return
    where = f"户 {person.household.number}（{person.name[0]}某）"
    if on_existing == ImportBatch.OnExisting.SKIP:
        plan.warn(row.number, ID.header, f"已登记在{where}，按设置跳过", masked)
        plan.skipped += 1
        return
    if number is not None and person.household.number != number:
        plan.error(
            row.number,
            NUMBER.header,
            f"此人已登记在{where}，与本行户编号不符；导入不能转户，请在户页面办理",
            number,
        )
        return
    relation = row.person.get("relation")
    is_head = person.household.head_id == person.pk
    if relation and (relation == HEAD) != is_head:
        plan.error(
            row.number,
            RELATION.header,
            "导入不能变更户主，请在户页面办理“变更户主”",
            RELATION.show(relation),
        )
        return
    if row.bad:
        return
    before = person.to_dict()
    changed = [k for k, v in row.person.items() if getattr(person, k) != v]
    if "residence" in changed:
        # As on the person page: residence follows recorded moves, deaths and move-aways.
        changed.remove("residence")
        plan.warn(
            row.number,
            BY_NAME["person.residence"].header,
            "居住状态的变化请通过登记流动办理，导入不更新此项",
            BY_NAME["person.residence"].show(
                display(BY_NAME["person.residence"], row.person["residence"])
            ),
        )
    for key in changed:
        setattr(person, key, row.person[key])
    if not changed:
        plan.skipped += 1
        return
    fields = {key: getattr(person, key) for key in PERSON_FIELDS}
    if not _validate(plan, row, fields, defaultdict(int), None, person):
        return
    for key in NORMALISED:
        setattr(person, key, fields[key])
    plan.person_updates.append((person, before, changed))
    plan.warn(row.number, ID.header, f"已登记在{where}，将更新：{_headers(changed)}", masked)


def _headers(keys: list[str]) -> str:
    return "、".join(PERSON_HEADERS.get(k, k) for k in keys)


class _HouseholdColumns:
    """Each household's columns, from the first row that gives each, and the rows that give
    other values. Members' rows usually share one dict (see _read_rows), so only rows with
    values of their own are compared column by column."""

    def __init__(self, hamlets: "_HamletResolver"):
        self.hamlets = hamlets
        self.values: dict[str, dict] = {}  # household number -> values
        self.first: dict[str, int] = {}  # household number -> its first row
        self.first_values: dict[str, dict] = {}
        self.later: dict[str, dict[str, int]] = {}  # columns the first row left empty -> row

    def disagreements(self, row: Row) -> list[tuple[str, object, int]]:
        """(column, value, row giving the other value) for each column this row contradicts."""
        number = row.household.get("number")
        if number is None:
            return []
        if number not in self.values:
            self.values[number] = self.first_values[number] = row.household
            self.first[number] = row.number
            return []
        if row.household is self.first_values[number]:
            return []
        values = self.values[number]
        found = []
        for key, value in row.household.items():
            if key not in values:
                if values is self.first_values[number]:
                    values = self.values[number] = dict(values)
                values[key] = value
                self.later.setdefault(number, {})[key] = row.number
            elif values[key] != value and not (
                key == "hamlet"
                and self.hamlets.resolve(values[key])[0] == self.hamlets.resolve(value)[0]
            ):
                seen_row = self.later.get(number, {}).get(key, self.first[number])
                found.append((key, value, seen_row))
        return found


def _plan_household_update(plan: Plan, household: Household, values: dict) -> None:
    changed = [
        k for k, v in values.items() if k not in ("number", "hamlet") and getattr(household, k) != v
    ]
    if not changed:
        return
    before = household.to_dict()
    for key in changed:
        setattr(household, key, values[key])
    plan.household_updates.append((household, before, changed))


def _new_household(
    plan: Plan, number: str, hamlet: Unit, values: dict, first_row: int
) -> Household | None:
    fields = {k: v for k, v in values.items() if k not in ("number", "hamlet")}
    household = _household({**fields, "number": number})
    household.hamlet = hamlet
    try:
        household.full_clean(
            exclude=["head", "number", "hamlet"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as e:
        for key, messages in e.message_dict.items():
            column = BY_NAME.get(f"{HOUSEHOLD}.{key}")
            for message in messages:
                plan.error(first_row, column.header if column else "", message)
        return None
    plan.new_households.append(household)
    return household


# --- services ---------------------------------------------------------------------------------


@collector_paused()
def import_preview(
    *, by, unit: Unit, file_name: str, data: bytes, on_existing: str
) -> tuple[ImportBatch, Plan | None]:
    """Read and check an upload without writing any registry data; keep the file if it passes."""
    check_perm(by, IMPORT, unit.code)
    if on_existing not in ImportBatch.OnExisting.values:
        raise ValidationError({"on_existing": "请选择已登记人员的处理方式"})
    storage.purge_stale()
    batch = ImportBatch(
        unit=unit,
        created_by=by,
        file_name=file_name[-200:],
        file_sha256=hashlib.sha256(data).hexdigest(),
        on_existing=on_existing,
    )
    try:
        table = read_table(data, file_name)
    except FileRefused as e:
        batch.status = ImportBatch.Status.FAILED
        batch.errors = [Problem(0, "", str(e)).to_dict()]
        batch.save()
        return batch, None
    plan = Plan()
    rows = read(table, plan)
    # As read, before the checks below normalise values: the commit starts from this again.
    kept = b""
    if plan.ok:
        items = ((r.number, r.household, r.person) for r in rows)
        kept = parsed.dump(table.header_row, table.ignored, items)
    analyse(by=by, unit=unit, rows=rows, plan=plan, on_existing=on_existing)
    del rows
    _record(batch, plan)
    batch.status = ImportBatch.Status.PREVIEWED if plan.ok else ImportBatch.Status.FAILED
    batch.save()
    if plan.ok:
        storage.store(batch.file_sha256, data)
        storage.store_parsed(batch.file_sha256, kept)
    del kept
    release_native_memory()
    return batch, plan


def _load(sha256: str, plan: Plan) -> list[Row] | None:
    """The rows as the preview read them, or None if they were not kept (or were changed)."""
    stored = storage.load_parsed(sha256)
    kept = parsed.load(stored) if stored is not None else None
    if kept is None:
        return None
    header_row, ignored, items = kept
    _ignored(plan, header_row, ignored)
    rows = [Row(number, household, person) for number, household, person in items]
    plan.rows_read = len(rows)
    return rows


def _ignored(plan: Plan, header_row: int, headers: list[str]) -> None:
    for header in headers:
        plan.warn(header_row, header, "未识别的列，已忽略")


def _record(batch: ImportBatch, plan: Plan) -> None:
    batch.rows_read = plan.rows_read
    batch.households_created = len(plan.new_households)
    batch.persons_created = len(plan.new_persons)
    batch.persons_updated = len(plan.person_updates)
    batch.rows_skipped = plan.skipped
    problems = [p.to_dict() for p in plan.problems]
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS]
        problems.append(Problem(0, "", f"另有 {rest} 个问题未列出，请先修改以上问题").to_dict())
    batch.errors = problems


class _Failed(Exception):
    pass


@collector_paused()
def import_commit(*, by, batch: ImportBatch) -> ImportBatch:
    """Write a previewed file: re-checked under lock, then all rows in one transaction or none."""
    check_perm(by, IMPORT, batch.unit.code)
    if batch.status != ImportBatch.Status.PREVIEWED:
        raise ValidationError(ALREADY)
    data = storage.load(batch.file_sha256)
    if data is None or hashlib.sha256(data).hexdigest() != batch.file_sha256:
        raise ValidationError("预检的文件已过期或不存在，请重新上传")
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != ImportBatch.Status.PREVIEWED:
                raise ValidationError(ALREADY)
            plan = Plan()
            rows = _load(batch.file_sha256, plan)
            if rows is None:
                rows = read(read_table(data, batch.file_name), plan)
            del data
            analyse(
                by=by,
                unit=batch.unit,
                rows=rows,
                plan=plan,
                on_existing=batch.on_existing,
                lock=True,
            )
            del rows
            _record(batch, plan)
            if not plan.ok:
                raise _Failed
            _write(by, batch, plan)
            batch.status = ImportBatch.Status.COMMITTED
            batch.save()
    except _Failed:
        batch.status = ImportBatch.Status.FAILED
        batch.save()
        return batch
    except IntegrityError:
        batch.status = ImportBatch.Status.FAILED
        batch.errors = [
            Problem(
                0,
                "",
                "导入期间登记数据被他人修改（户编号或身份证号码冲突），未写入任何数据；请重新预检",
            ).to_dict()
        ]
        batch.save()
        return batch
    if not ImportBatch.objects.filter(
        file_sha256=batch.file_sha256, status=ImportBatch.Status.PREVIEWED
    ).exists():
        storage.discard(batch.file_sha256)
    release_native_memory()
    return batch


def _write(by, batch: ImportBatch, plan: Plan) -> None:
    now = timezone.now()
    note = f"导入 {batch.file_name}"
    audit_record(
        actor=by,
        action="import",
        obj=batch,
        unit_code=batch.unit.code,
        details={
            "file_name": batch.file_name,
            "file_sha256": batch.file_sha256,
            "on_existing": batch.on_existing,
            "rows_read": batch.rows_read,
            "households_created": batch.households_created,
            "persons_created": batch.persons_created,
            "persons_updated": batch.persons_updated,
            "rows_skipped": batch.rows_skipped,
        },
    )
    # Appending to the hash chain locks its head until the commit, so the history follows each
    # batch of new records as it is written: no more than two batches are ever held in memory.
    # While the database stores a batch's households and persons, their history rows are made;
    # while it stores that history, the next batch is built.
    history = _History(by, note, batch)
    writer = BulkWriter()
    batches = _Batches(plan.new_persons)
    batches.build_next()
    while (built := batches.take()) is not None:
        group, households, persons, heads = built
        _reserve_ids(Household, households)
        _reserve_ids(Person, persons)
        for person, head in zip(persons, heads, strict=True):
            if head:
                person.household.head = person

        with writer.connection.wrap_database_errors:
            writer.write(Household, households, meanwhile=partial(history.created, households))
            writer.write(Person, persons, meanwhile=partial(history.created, persons))
        for new in group:
            new.fields = {}  # written: let go of the values as the import goes
        history.flush(meanwhile=batches.build_next)

    if plan.person_updates:
        fields = {"version", "updated_at"}
        for person, _before, changed in plan.person_updates:
            fields.update(changed)
            if "name" in changed:
                person.name_pinyin, person.name_initials = pinyin_keys(person.name)
                fields.update({"name_pinyin", "name_initials"})
            person.version += 1
            person.updated_at = now
        Person.objects.bulk_update(
            [p for p, _b, _c in plan.person_updates], sorted(fields), batch_size=1000
        )
    if plan.household_updates:
        fields = {"version", "updated_at"}
        for household, _before, changed in plan.household_updates:
            fields.update(changed)
            household.version += 1
            household.updated_at = now
        Household.objects.bulk_update(
            [h for h, _b, _c in plan.household_updates], sorted(fields), batch_size=1000
        )
    for person, before, _changed in plan.person_updates:
        history.add(person, "update", before)
        history.flush(WRITE_BATCH)
    for household, before, _changed in plan.household_updates:
        history.add(household, "update", before)
        history.flush(WRITE_BATCH)
    history.flush()


def _batches(persons: list[NewPerson], size: int = WRITE_BATCH):
    """Slices of about `size` persons that never split a household."""
    start = 0
    while start < len(persons):
        end = min(start + size, len(persons))
        while end < len(persons) and persons[end].household is persons[end - 1].household:
            end += 1
        yield persons[start:end]
        start = end


def _reserve_ids(model, objs: list) -> None:
    """Primary keys for new rows. On PostgreSQL each is drawn from the table's sequence, so
    that records added by others at the same time never get the same ids."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        BulkWriter().reserve_ids(model, objs)
        return
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk, len(objs)],
        )
        ids = sorted(i for (i,) in cursor.fetchall())
    for obj, pk_value in zip(objs, ids, strict=True):
        obj.pk = pk_value


class _Batches:
    """The new persons batch by batch: each batch's new households and unsaved persons, built
    from the checked values with no queries, so that the next batch can be built while the
    database is busy with the one before."""

    def __init__(self, new_persons: list[NewPerson]):
        self.groups = iter(_batches(new_persons))
        self.make_person = _Instances(Person)
        self.ready = None

    def take(self):
        """(values, new households, persons, whether each person heads a new household), or
        None once every batch is taken."""
        ready, self.ready = self.ready, None
        return ready

    def build_next(self) -> None:
        group = next(self.groups, None)
        if group is None:
            return
        heads = [new.household.pk is None and new.fields.get("relation") == HEAD for new in group]
        households = [new.household for new, head in zip(group, heads, strict=True) if head]
        persons = []
        for new in group:
            person = self.make_person(new.fields)
            person.household = new.household
            person.hamlet = new.household.hamlet
            person.name_pinyin, person.name_initials = pinyin_keys(person.name)
            persons.append(person)
        self.ready = group, households, persons, heads


class _Instances:
    """Unsaved model instances from values by field (attribute) name, built with positional
    arguments: for a wide model several times faster than keyword arguments. Fields not given
    take their defaults, as they would with keywords."""

    def __init__(self, model):
        self.model = model
        self.fields = []
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                self.fields.append((f.attname, f.default, True))
            else:
                self.fields.append((f.attname, f.get_default(), False))

    def __call__(self, values: dict):
        return self.model(
            *[
                values[name] if name in values else default() if call else default
                for name, default, call in self.fields
            ]
        )


@cache
def _instances(model) -> "_Instances":
    return _Instances(model)


def _household(values: dict) -> Household:
    return _instances(Household)(values)


class _History:
    """Per-record history rows, as the registry services write them, appended in batches."""

    def __init__(self, by, note: str, batch: ImportBatch):
        origin = current_origin()
        self.common = {
            "actor_id": by.pk,
            "actor_name": by.get_username(),
            "ip": origin.ip,
            "user_agent": origin.user_agent,
        }
        self.note = note
        self.batch_id = batch.pk
        self.events: list[Entry] = []

    def add(self, obj, action: str, before: dict) -> None:
        """One record's history row, kept for `flush` (no queries: a COPY may be under way)."""
        changes = diff(before, obj.to_dict(), masked=obj.SENSITIVE)
        self.events.append(
            Entry(
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                unit_code=obj.hamlet.code,
                details={"changes": changes, "note": self.note, "import_batch": self.batch_id},
                **self.common,
            )
        )

    def created(self, records: list) -> None:
        for record in records:
            self.add(record, "create", {})

    def flush(self, at_least: int = 1, meanwhile=None) -> None:
        """Append the rows kept so far to the chain, once there are `at_least` of them;
        `meanwhile` runs while the database stores them (see BulkWriter.write)."""
        if len(self.events) >= at_least:
            audit_append(self.events, meanwhile=meanwhile)
            self.events = []
        elif meanwhile is not None:
            meanwhile()
