"""Command-centre pages: a unit's dashboard, its big-screen mode and the JSON they both read."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from zhicun.accounts.decorators import require_perm
from zhicun.dashboard.data import dashboard_data, default_code
from zhicun.replica import replica_reads
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

VIEW = "business.view"
REFRESH_SECONDS = 60


def get_unit_for_user(user, code: str) -> Unit:
    """The unit if it lies in the user's scope, else 404 (never 403: outsiders learn nothing)."""
    if not code.isdigit() or len(code) > 18:
        raise Http404("单位代码有误")
    return get_for_user(Unit.objects.all(), user, code=code)


def figures(user, unit: Unit) -> dict:
    """The dashboard's figures, read from the replica when there is one."""
    with replica_reads():
        return dashboard_data(user, unit)


@require_perm(VIEW)
def home(request):
    code = default_code(request.user)
    if code is None:
        raise Http404("没有可查看的单位")
    return redirect("dashboard:unit", code)


@require_perm(VIEW)
def unit_page(request, code: str):
    unit = get_unit_for_user(request.user, code)
    data = figures(request.user, unit)
    return render(request, "dashboard/dashboard.html", {"unit": unit, "d": data})


@require_perm(VIEW)
def screen(request, code: str):
    unit = get_unit_for_user(request.user, code)
    data = figures(request.user, unit)
    return render(
        request,
        "dashboard/screen.html",
        {"unit": unit, "d": data, "refresh_seconds": REFRESH_SECONDS},
    )


@never_cache
@require_perm(VIEW)
def data_json(request, code: str):
    unit = get_unit_for_user(request.user, code)
    return JsonResponse(figures(request.user, unit), json_dumps_params={"ensure_ascii": False})
