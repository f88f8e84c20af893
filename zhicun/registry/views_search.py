"""Person search, saved filters, floating population, visit coverage and statistics pages."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F
from django.db.models.functions import Substr
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.audit.services import audit_record
from zhicun.lib.masking import mask_id_number, mask_phone
from zhicun.lib.paging import page_and_total
from zhicun.lib.urls import row_urls
from zhicun.registry import coverage, stats
from zhicun.registry.choices import MoveKind
from zhicun.registry.excel.export import EXPORT
from zhicun.registry.models import Household, Move, Person, age_on
from zhicun.registry.search import (
    BASIC_FIELDS,
    LookupForm,
    PersonFilterForm,
    condition_labels,
    filter_persons,
    lookup_persons,
    query_string,
    saved_filter_create,
    saved_filter_delete,
    saved_filters_for,
    share_units,
    unit_choices,
)
from zhicun.units.models import CODE_LENGTH, Kind, Unit, child_kind
from zhicun.units.scope import get_for_user, scope_codes

VIEW = "business.view"
PER_PAGE = 20


def _unit(user, code: str | None) -> Unit | None:
    """The unit a page is about: `?unit=` (404 outside the scope), else the user's only one."""
    if code:
        if not code.isdigit() or len(code) > 18:
            raise Http404("区域代码有误")
        return get_for_user(Unit.objects.all(), user, code=code)
    codes = scope_codes(user)
    if len(codes) == 1:
        return Unit.objects.filter(code=codes[0]).first()
    return None


def _children(user, unit: Unit | None) -> tuple[int | None, list[Unit]]:
    """(code prefix length, units) to break a page's figures down by."""
    if unit is None:
        codes = scope_codes(user)
        if not codes:
            return None, []
        return min(len(c) for c in codes), list(Unit.objects.filter(code__in=codes))
    kind = child_kind(unit.kind)
    if kind is None:
        return None, []
    return CODE_LENGTH[kind], list(unit.children.order_by("code"))


def _named_rows(units: list[Unit], counts: dict[str, dict]) -> list[dict]:
    """Rows for a per-unit table, named; counts under codes outside `units` are dropped."""
    return [{"unit": u, **counts[u.code]} for u in units if u.code in counts]


class DaysForm(forms.Form):
    days = forms.IntegerField(required=False, min_value=1, max_value=3650, label="天数")


def _days(request, default: int) -> tuple[int, str]:
    form = DaysForm(request.GET)
    if not form.is_valid():
        return default, "天数应为 1 到 3650 之间的整数，已按默认值显示"
    return form.cleaned_data["days"] or default, ""


def _page(request, qs, param: str = "page", *, counted=None):
    """One COUNT and one page query: the paginator caches its count for the whole page.

    `counted`: the same rows as `qs` without the joins only its columns need. The page and the
    total are then read in one statement (zhicun.lib.paging); a page number past the end gives
    the last page, as Paginator.get_page does.
    """
    paginator = Paginator(qs, PER_PAGE)
    if counted is None:
        return paginator.get_page(request.GET.get(param))
    try:
        number = int(request.GET.get(param) or 1)
    except ValueError:
        number = 1
    if number >= 1:
        paginator.count, rows = page_and_total(counted, qs, (number - 1) * PER_PAGE, PER_PAGE)
        if rows or number == 1:
            return Page(rows, number, paginator)
    return paginator.get_page(number)


# Search and lookup ---------------------------------------------------------------------------


@require_perm(VIEW)
def search(request):
    user = request.user
    qs, form = filter_persons(user, request.GET)
    unit = None
    page = None
    if form.is_valid():
        if form.cleaned_data.get("unit"):
            unit = _unit(user, form.cleaned_data["unit"])
        rows = qs.values(*RESULT_FIELDS, **RESULT_JOINED)
        rows = rows.order_by("hamlet__code", "household__number", "relation", "birth_date", "pk")
        page = _page(request, rows, counted=qs)
    context = {
        "form": form,
        "page": page,
        "rows": _result_rows(page) if page is not None else [],
        "unit": unit,
        "query": query_string(form),
        "conditions": condition_labels(form, unit=unit) if form.is_valid() else [],
        # The export page takes the same conditions and applies them to what it exports.
        "may_export": user.can(EXPORT),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "registry/search/_results.html", context)
    advanced_open = any(name in request.GET for name in _advanced_names(form))
    context.update(
        units=unit_choices(user),
        basic=[form[name] for name in BASIC_FIELDS if name != "unit"],
        advanced=[form[name] for name in _advanced_names(form)] if advanced_open else [],
        advanced_open=advanced_open,
        saved=list(saved_filters_for(user).values("name", "query", "shared")),
        share_units=share_units(user),
        lookup_form=LookupForm(),
    )
    return render(request, "registry/search/search.html", context)


# The columns a row of the results shows, read as plain values (no model instances): the
# person's own and, from the joins, the hamlet's name and the household's number.
RESULT_FIELDS = (
    "pk",
    "household_id",
    "name",
    "sex",
    "birth_date",
    "relation",
    "residence",
    "id_number",
    "phone",
)
RESULT_JOINED = {"hamlet_name": F("hamlet__name"), "household_number": F("household__number")}


def _result_rows(page) -> list[dict]:
    """What each result row shows, worked out once: a row is shown twice (a card on a phone, a
    table row on a desk), and labels, ages and links cost more read off the model in a template."""
    today = timezone.localdate()
    sex = dict(Person._meta.get_field("sex").flatchoices)
    residence = dict(Person._meta.get_field("residence").flatchoices)
    person_url, household_url = row_urls("registry:person"), row_urls("registry:household")
    return [
        {
            "url": person_url(p["pk"]),
            "household_url": household_url(p["household_id"]),
            "name": p["name"],
            "is_head": p["relation"] == "02",  # 户主
            "sex": sex.get(p["sex"], p["sex"]),
            "age": age_on(p["birth_date"], today),
            "masked_id": mask_id_number(p["id_number"]),
            "masked_phone": mask_phone(p["phone"]),
            "hamlet": p["hamlet_name"],
            "household": p["household_number"],
            "residence": residence.get(p["residence"], p["residence"]),
        }
        for p in page
    ]


def _advanced_names(form) -> list[str]:
    return [name for name in form.fields if name not in BASIC_FIELDS]


@require_perm(VIEW)
def search_conditions(request):
    """The "more conditions" fields, fetched when the panel is first opened: most searches never
    open it, and its two hundred options would otherwise be rendered on every page."""
    form = PersonFilterForm(request.GET or None)
    return render(
        request,
        "registry/search/_advanced.html",
        {"advanced": [form[name] for name in _advanced_names(form)]},
    )


@require_perm(VIEW)
def lookup(request):
    """Exact ID number or phone lookup: the number travels in a POST body, never in a URL."""
    form = LookupForm(request.POST or None)
    persons = None
    if request.method == "POST" and form.is_valid():
        kind, value, masked = (
            form.cleaned_data["kind"],
            form.cleaned_data["value"],
            form.cleaned_data["masked"],
        )
        persons = list(lookup_persons(request.user, kind, value))
        audit_record(
            actor=request.user,
            action="lookup",
            details={"kind": kind, "value": masked, "found": len(persons)},
        )
    template = "registry/search/_lookup.html" if request.htmx else "registry/search/lookup.html"
    return render(request, template, {"lookup_form": form, "persons": persons})


# Saved filters -------------------------------------------------------------------------------


@require_POST
@require_perm(VIEW)
def saved_filter_new(request):
    query = QueryDict(request.POST.get("query", "")).urlencode()
    try:
        saved = saved_filter_create(
            by=request.user,
            name=request.POST.get("name", ""),
            query=query,
            shared=request.POST.get("shared") == "1",
            unit_code=request.POST.get("unit", ""),
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect(f"{reverse('registry:search')}?{query}" if query else "registry:search")
    messages.success(request, f"已保存筛选“{saved.name}”" + ("并共享" if saved.shared else ""))
    return redirect(f"{reverse('registry:search')}?{saved.query}")


@require_POST
@require_perm(VIEW)
def saved_filter_remove(request, pk: int):
    saved = get_object_or_404(saved_filters_for(request.user), pk=pk, owner=request.user)
    saved_filter_delete(by=request.user, saved_filter=saved)
    messages.success(request, f"已删除筛选“{saved.name}”")
    return redirect("registry:saved_filters")


@require_perm(VIEW)
def saved_filters(request):
    return render(
        request,
        "registry/search/saved_filters.html",
        {"saved": saved_filters_for(request.user), "search_url": reverse("registry:search")},
    )


# Floating population -------------------------------------------------------------------------


@require_perm(VIEW)
def floating(request):
    user = request.user
    unit = _unit(user, request.GET.get("unit"))
    days, error = _days(request, 14)
    today = timezone.localdate()
    start = coverage.since(today, days)
    moves = Move.objects.in_scope(user).filter(date__gte=start)
    if unit:
        moves = moves.filter(person__hamlet__code__startswith=unit.code)
    kinds = list(MoveKind)
    totals = {
        r["kind"]: r["n"]
        for r in moves.order_by().values("kind").annotate(n=Count("person", distinct=True))
    }
    prefix, units = _children(user, unit)
    per_unit: dict[str, dict] = {}
    if prefix:
        rows = (
            moves.order_by()
            .annotate(unit_code=Substr("person__hamlet__code", 1, prefix))
            .values("unit_code", "kind")
            .annotate(n=Count("person", distinct=True))
        )
        for r in rows:
            per_unit.setdefault(r["unit_code"], {k.value: 0 for k in kinds})[r["kind"]] = r["n"]
    kind = request.GET.get("kind", "")
    listed = moves.filter(kind=kind) if kind in MoveKind.values else moves
    listed = listed.select_related("person", "person__hamlet", "person__household").order_by(
        "-date", "-id"
    )
    context = {
        "unit": unit,
        "units": unit_choices(user),
        "days": days,
        "error": error,
        "start": start,
        "kind": kind if kind in MoveKind.values else "",
        "kinds": [(k.value, k.label, totals.get(k, 0)) for k in kinds],
        "per_unit": [
            {"unit": u, "counts": [per_unit[u.code].get(k.value, 0) for k in kinds]}
            for u in units
            if u.code in per_unit
        ],
        "page": _page(request, listed),
    }
    return render(request, "registry/search/floating.html", context)


# Visit coverage ------------------------------------------------------------------------------


@require_perm(VIEW)
def coverage_page(request):
    user = request.user
    unit = _unit(user, request.GET.get("unit"))
    days, error = _days(request, coverage.DEFAULT_DAYS)
    today = timezone.localdate()
    day = coverage.since(today, days)
    households = coverage.households(user, unit.code if unit else None)
    by_hamlet = coverage.coverage_by(households, CODE_LENGTH[Kind.HAMLET], day)
    by_grid = coverage.coverage_by(households, CODE_LENGTH[Kind.GRID], day)
    names = dict(Unit.objects.filter(code__in=[*by_hamlet, *by_grid]).values_list("code", "name"))
    grids = []
    for code, c in sorted(by_grid.items()):
        grids.append(
            {
                "code": code,
                "name": names.get(code, code),
                **c,
                "missing": c["total"] - c["visited"],
                "rate": coverage.rate(c["visited"], c["total"]),
            }
        )
    collectors = coverage.coverage_by_collector(by_hamlet)
    for row in collectors:
        row["hamlet_names"] = [names.get(c, c) for c in sorted(row["hamlets"])]
    total = sum(c["total"] for c in by_grid.values())
    visited = sum(c["visited"] for c in by_grid.values())
    rules = coverage.visit_rules()
    show = request.GET.get("list", "missing")
    if show == "must":
        listed = coverage.due_list(households, rules, today)
    else:
        show = "missing"
        listed = (
            coverage.not_visited(households, day)
            .select_related("hamlet", "head")
            .order_by(F("last_visited_on").asc(nulls_first=True), "number")
        )
    page = _page(request, listed)
    rows = [
        {"household": h, **(coverage.describe(h, rules, today) if show == "must" else {})}
        for h in page
    ]
    context = {
        "unit": unit,
        "units": unit_choices(user),
        "days": days,
        "error": error,
        "since": day,
        "summary": {
            "total": total,
            "visited": visited,
            "missing": total - visited,
            "rate": coverage.rate(visited, total),
        },
        "grids": grids,
        "collectors": collectors,
        "must": coverage.must_visit_counts(households, rules, today),
        "due_soon_days": coverage.DUE_SOON_DAYS,
        "show": show,
        "page": page,
        "rows": rows,
    }
    return render(request, "registry/search/coverage.html", context)


# Statistics ----------------------------------------------------------------------------------


@require_perm(VIEW)
def stats_page(request):
    user = request.user
    unit = _unit(user, request.GET.get("unit"))
    params = request.GET.copy()
    if unit and not params.get("unit"):
        params["unit"] = unit.code
    persons, form = filter_persons(user, params)
    context = {"unit": unit, "units": unit_choices(user), "form": form}
    if not form.is_valid():
        return render(request, "registry/search/stats.html", context)
    today = timezone.localdate()
    conditions = condition_labels(form, exclude=("unit",))
    if conditions:
        households = Household.objects.in_scope(user).filter(
            pk__in=persons.order_by().values("household_id")
        )
    else:
        households = Household.objects.in_scope(user)
        if unit:
            households = households.below(unit.code)
    prefix, units = _children(user, unit)
    data = {
        "totals": stats.totals(persons, households),
        "pyramid": stats.age_pyramid(persons, today),
        "ethnicity": stats.by_ethnicity(persons),
        "education": stats.by_education(persons),
        "labour": stats.by_labour(persons),
        "employment": stats.labour_employment(persons),
        "groups": stats.by_group(persons),
        "floating": stats.floating(persons, today, 14),
        "coverage": stats.visit_coverage(households, today, coverage.DEFAULT_DAYS),
    }
    children = _named_rows(units, stats.by_child(persons, households, prefix)) if prefix else []
    chart = {
        "pyramid": {
            "labels": [r["label"] for r in data["pyramid"]],
            "male": [r["male"] for r in data["pyramid"]],
            "female": [r["female"] for r in data["pyramid"]],
        },
        **{
            key: [{"name": r["label"], "value": r["total"]} for r in data[key]]
            for key in ("ethnicity", "education", "labour", "employment", "groups", "floating")
        },
    }
    context.update(
        data,
        conditions=conditions,
        query=query_string(form),
        children=children,
        chart=chart,
        floating_days=14,
        coverage_days=coverage.DEFAULT_DAYS,
    )
    return render(request, "registry/search/stats.html", context)


urls = [
    path("search/", search, name="search"),
    path("search/conditions/", search_conditions, name="search_conditions"),
    path("lookup/", lookup, name="lookup"),
    path("filters/", saved_filters, name="saved_filters"),
    path("filters/new/", saved_filter_new, name="saved_filter_new"),
    path("filters/<int:pk>/delete/", saved_filter_remove, name="saved_filter_delete"),
    path("floating/", floating, name="floating"),
    path("coverage/", coverage_page, name="coverage"),
    path("stats/", stats_page, name="stats"),
]
