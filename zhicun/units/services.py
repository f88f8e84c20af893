"""Changes to the unit tree: create, rename, move (re-gridding) and CSV import."""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from zhicun.audit.services import audit_record
from zhicun.units.models import CODE_LENGTH, KIND_BY_LENGTH, Kind, Unit, UnitMove, check_code


def _check_manage(by, code: str) -> None:
    if not by.can("units.manage", code):
        raise PermissionDenied("只能管理本单位及下级单位的区划")


@transaction.atomic
def unit_create(*, by, code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    code, name = code.strip(), name.strip()
    if parent is None:
        # Only a deployment's root may be created without a parent (seed or shell, not the UI).
        if by is not None:
            raise PermissionDenied("请选择上级单位")
    else:
        _check_manage(by, parent.code)
    if not name:
        raise ValidationError({"name": "请填写名称"})
    check_code(code, kind, parent)
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"代码 {code} 已被使用"})
    unit = Unit.objects.create(code=code, name=name, kind=kind, parent=parent)
    audit_record(actor=by, action="create", obj=unit, unit_code=code, details=unit.to_dict())
    return unit


@transaction.atomic
def unit_rename(*, by, unit: Unit, name: str) -> Unit:
    _check_manage(by, unit.code)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写名称"})
    old = unit.name
    unit.name = name
    unit.save(update_fields=["name", "updated_at"])
    audit_record(
        actor=by, action="update", obj=unit, unit_code=unit.code, details={"name": [old, name]}
    )
    return unit


def _free_code(parent: Unit, kind: str, preferred_suffix: str) -> str:
    width = CODE_LENGTH[kind] - len(parent.code)
    taken = set(Unit.objects.filter(parent=parent).values_list("code", flat=True))
    candidate = parent.code + preferred_suffix
    if candidate not in taken and int(preferred_suffix) > 0:
        return candidate
    for n in range(1, 10**width):
        candidate = parent.code + f"{n:0{width}d}"
        if candidate not in taken:
            return candidate
    raise ValidationError("上级单位下已没有可用的编号")


@transaction.atomic
def unit_move(*, by, unit: Unit, new_parent: Unit, note: str = "") -> Unit:
    """Move a unit (usually a hamlet to another grid) under a new parent of the right level.

    The unit keeps its row (so every record hanging on it follows); its code and its
    descendants' codes are rewritten with the new prefix, and the old code is kept in UnitMove.
    """
    _check_manage(by, unit.code)
    _check_manage(by, new_parent.code)
    if new_parent.kind != Unit.objects.get(pk=unit.parent_id).kind:
        raise ValidationError({"new_parent": f"只能调整到同一层级的{unit.parent.kind_label}下"})
    if new_parent.pk == unit.parent_id:
        raise ValidationError({"new_parent": "新的上级与原上级相同"})
    old_parent = unit.parent
    old_code = unit.code
    new_code = _free_code(new_parent, unit.kind, old_code[len(old_parent.code) :])
    # Descendants first share the old prefix; rewrite them in one statement.
    Unit.objects.filter(code__startswith=old_code).exclude(pk=unit.pk).update(
        code=Concat(Value(new_code), Substr(F("code"), len(old_code) + 1))
    )
    unit.code = new_code
    unit.parent = new_parent
    unit.save(update_fields=["code", "parent", "updated_at"])
    UnitMove.objects.create(
        unit=unit,
        old_code=old_code,
        new_code=new_code,
        old_parent=old_parent,
        new_parent=new_parent,
        moved_by=by,
        note=note,
    )
    audit_record(
        actor=by,
        action="unit.move",
        obj=unit,
        unit_code=new_code,
        details={
            "old_code": old_code,
            "new_code": new_code,
            "old_parent": old_parent.code,
            "new_parent": new_parent.code,
        },
    )
    return unit


def read_units_csv(data: bytes) -> list[dict[str, str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV")
    reader = csv.DictReader(io.StringIO(text))
    headers = {h.strip().lower() for h in (reader.fieldnames or [])}
    aliases = {"代码": "code", "名称": "name", "层级": "kind"}
    rows = []
    for row in reader:
        clean = {}
        for key, value in row.items():
            if key is None:
                continue
            key = aliases.get(key.strip(), key.strip().lower())
            clean[key] = (value or "").strip()
        rows.append(clean)
    if not {"code", "name"} <= {aliases.get(h, h) for h in headers}:
        raise ValidationError("CSV 第一行应为表头：code,name,kind（或 代码,名称,层级）")
    return rows


KIND_ALIASES = {label: value for value, label in Kind.choices} | {
    "县": Kind.COUNTY,
    "区": Kind.COUNTY,
    "乡镇": Kind.TOWNSHIP,
    "乡": Kind.TOWNSHIP,
    "镇": Kind.TOWNSHIP,
    "街道": Kind.TOWNSHIP,
    "村": Kind.VILLAGE,
    "行政村": Kind.VILLAGE,
    "社区": Kind.VILLAGE,
    "自然村": Kind.HAMLET,
    "村民小组": Kind.HAMLET,
}


@transaction.atomic
def units_import_csv(*, by, data: bytes, dry_run: bool = False) -> dict:
    """Load units from CSV (code, name, kind). All rows or none; errors name the row."""
    rows = read_units_csv(data)
    errors: list[str] = []
    planned: dict[str, tuple[str, str]] = {}
    existing = {}
    for lineno, row in enumerate(rows, start=2):
        code, name = row.get("code", ""), row.get("name", "")
        kind = row.get("kind", "") or KIND_BY_LENGTH.get(len(code), "")
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in CODE_LENGTH:
            errors.append(f"第 {lineno} 行：无法识别层级“{row.get('kind', '')}”")
            continue
        if not name:
            errors.append(f"第 {lineno} 行：缺少名称")
            continue
        if code in planned:
            errors.append(f"第 {lineno} 行：代码 {code} 在文件中重复")
            continue
        try:
            check_code(code, kind, None)
        except ValidationError as e:
            errors.append(f"第 {lineno} 行：" + "；".join(e.messages))
            continue
        planned[code] = (name, kind)
    created = updated = 0
    for code, (name, kind) in sorted(planned.items(), key=lambda kv: len(kv[0])):
        parent_len = max((n for n in CODE_LENGTH.values() if n < len(code)), default=0)
        parent_code = code[:parent_len]
        parent = existing.get(parent_code) or Unit.objects.filter(code=parent_code).first()
        try:
            if parent is None:
                raise ValidationError(f"找不到上级单位 {parent_code or '（无）'}")
            _check_manage(by, parent.code)
            check_code(code, kind, parent)
        except ValidationError as e:
            errors.append(f"代码 {code}：" + "；".join(e.messages))
            continue
        except PermissionDenied as e:
            errors.append(f"代码 {code}：{e}")
            continue
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit = Unit(code=code, name=name, kind=kind, parent=parent)
            created += 1
        elif unit.name != name:
            unit.name = name
            updated += 1
        existing[code] = unit
        if not dry_run and not errors:
            unit.save()
    if errors:
        transaction.set_rollback(True)
        return {"ok": False, "errors": errors, "created": 0, "updated": 0}
    if dry_run:
        transaction.set_rollback(True)
    else:
        audit_record(
            actor=by,
            action="unit.import",
            details={"rows": len(rows), "created": created, "updated": updated},
        )
    return {"ok": True, "errors": [], "created": created, "updated": updated}
