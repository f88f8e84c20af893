"""Browsing the unit tree (everyone in scope) and managing it (sysadmins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.units import services
from zhicun.units.models import Kind, Unit, child_kind


def visible_units(user):
    """Units a user may browse: their business scope, plus the subtrees they administer."""
    codes = list(user.scope_codes) + [u.code for u in user.units_for("units.manage")]
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code__startswith=code)
    return Unit.objects.filter(q)


def get_unit_for_user(user, code: str) -> Unit:
    return get_object_or_404(visible_units(user), code=code)


def _roots(user):
    units = list(visible_units(user).order_by("code"))
    codes = {u.code for u in units}
    return [u for u in units if not any(u.code.startswith(c) and u.code != c for c in codes)]


@login_required
def tree(request):
    roots = _roots(request.user)
    if len(roots) == 1:
        return redirect("units:detail", roots[0].code)
    if not roots:
        raise PermissionDenied("您的岗位没有可查看的单位")
    return render(request, "units/tree.html", {"roots": roots})


@login_required
def detail(request, code: str):
    unit = get_unit_for_user(request.user, code)
    children = unit.children.annotate(n_children=Count("children")).order_by("code")
    visible = visible_units(request.user)
    ancestors = [a for a in unit.ancestors() if visible.filter(pk=a.pk).exists()]
    can_manage = request.user.can("units.manage", unit.code)
    move_targets = []
    if can_manage and unit.parent_id and unit.kind in (Kind.HAMLET, Kind.GRID):
        move_targets = (
            visible.filter(kind=unit.parent.kind, code__startswith=unit.parent.parent.code)
            .exclude(pk=unit.parent_id)
            .order_by("code")
        )
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "children": children,
            "ancestors": ancestors,
            "can_manage": can_manage,
            "child_kind": child_kind(unit.kind),
            "child_kind_label": Kind(child_kind(unit.kind)).label if child_kind(unit.kind) else "",
            "move_targets": move_targets,
            "moves": unit.moves.select_related("old_parent", "new_parent", "moved_by")[:20],
        },
    )


def _form_errors(e: ValidationError) -> list[str]:
    return e.messages


@require_POST
@require_perm("units.manage")
def child_new(request, code: str):
    parent = get_unit_for_user(request.user, code)
    kind = child_kind(parent.kind)
    try:
        unit = services.unit_create(
            by=request.user,
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
            kind=kind or "",
            parent=parent,
        )
    except (ValidationError, PermissionDenied) as e:
        for msg in e.messages if isinstance(e, ValidationError) else [str(e)]:
            messages.error(request, msg)
        return redirect("units:detail", parent.code)
    messages.success(request, f"已新增 {unit.name}（{unit.code}）")
    return redirect("units:detail", parent.code)


@require_POST
@require_perm("units.manage")
def rename(request, code: str):
    unit = get_unit_for_user(request.user, code)
    try:
        services.unit_rename(by=request.user, unit=unit, name=request.POST.get("name", ""))
    except ValidationError as e:
        for msg in e.messages:
            messages.error(request, msg)
    else:
        messages.success(request, "名称已修改")
    return redirect("units:detail", unit.code)


@require_POST
@require_perm("units.manage")
def move(request, code: str):
    unit = get_unit_for_user(request.user, code)
    target = get_unit_for_user(request.user, request.POST.get("new_parent", ""))
    try:
        services.unit_move(
            by=request.user, unit=unit, new_parent=target, note=request.POST.get("note", "")
        )
    except ValidationError as e:
        for msg in e.messages:
            messages.error(request, msg)
        return redirect("units:detail", unit.code)
    messages.success(request, f"{unit.name} 已调整到 {target.name}，新代码 {unit.code}")
    return redirect("units:detail", unit.code)


MAX_CSV_BYTES = 2 * 1024 * 1024


@require_perm("units.manage")
def import_csv(request):
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 CSV 文件")
        elif upload.size > MAX_CSV_BYTES:
            messages.error(request, "文件过大（上限 2 MB）")
        else:
            try:
                result = services.units_import_csv(
                    by=request.user,
                    data=upload.read(),
                    dry_run=request.POST.get("commit") != "1",
                )
                result["committed"] = request.POST.get("commit") == "1" and result["ok"]
            except ValidationError as e:
                result = {"ok": False, "errors": e.messages}
    return render(request, "units/import.html", {"result": result})
