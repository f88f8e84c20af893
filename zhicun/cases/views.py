"""Case pages: report, list and board, detail with its timeline and actions, indicators,
instructions. Every page reads through `Case.objects.in_scope` and writes through services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.cases import indicators, services
from zhicun.cases.forms import CaseFilterForm, CaseReportForm, InstructionForm
from zhicun.cases.home import _handled_q
from zhicun.cases.models import (
    OPEN,
    Case,
    CasePhoto,
    Category,
    Holiday,
    Instruction,
    Rating,
    ReplyMethod,
    SupervisionNotice,
    Urgency,
    case_light,
)
from zhicun.lib.versioning import ConflictError
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user


def get_case_for_user(user, number: str) -> Case:
    return get_for_user(
        Case.objects.select_related(
            "category__parent", "urgency", "responsible_unit", "origin_unit", "assignee"
        ),
        user,
        number=number,
    )


def _filtered(request, qs):
    """Apply the list filters; returns (queryset, form, title of a metric list or "")."""
    form = CaseFilterForm(request.GET or None)
    now = timezone.now()
    title = ""
    metric = request.GET.get("metric", "")
    if metric:
        unit_code, start, end = _period(request)
        if metric not in indicators.LABELS and metric != "resolved":
            raise Http404
        qs = qs & indicators.metric_cases(request.user, unit_code, start, end, metric, now)
        title = indicators.LABELS.get(metric, "已办结")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(title__contains=data["q"]) | Q(number__contains=data["q"]))
        if data["state"] == "open":
            qs = qs.open()
        elif data["state"]:
            qs = qs.filter(state=data["state"])
        if data["light"] == "red":
            qs = qs.red(now)
        elif data["light"] == "yellow":
            qs = qs.yellow(now)
        elif data["light"] == "green":
            qs = qs.green(now)
        if data["unit"] and not metric:
            qs = qs.below(data["unit"])
        if data["category"]:
            qs = qs.filter(Q(category=data["category"]) | Q(category__parent=data["category"]))
        if data["urgency"]:
            qs = qs.filter(urgency=data["urgency"])
    if request.GET.get("mine"):
        qs = qs.filter(_handled_q(request.user))
    return qs, form, title


def _table_rows(qs, *annotations: str):
    """What a row of cases/_table.html shows, as plain values (a page of model instances with
    their category and unit costs more to build and to read in the template than it shows).
    The unit's name is looked up for the rows of the page only: joining the units would have
    PostgreSQL hash every unit of the city first."""
    unit_name = Unit.objects.filter(pk=OuterRef("responsible_unit_id")).order_by().values("name")
    return qs.values(
        *annotations,
        "number",
        "title",
        "state",
        "deadline",
        "yellow_at",
        "extension_pending",
        category_name=F("category__name"),
        unit_name=Subquery(unit_name),
    )


def _lit(rows: list[dict], now: dt.datetime) -> list[dict]:
    """The rows of a page with their light, from each row's own columns (as `with_light` would
    have the database work out for every row before paging)."""
    for row in rows:
        row["light_now"] = case_light(row["state"], row["deadline"], row["yellow_at"], now)
    return rows


PAGE_SIZE = 30
# Past this page the rows' offset would not fit the database's 64-bit integers.
LAST_PAGE = (2**63 - 1) // PAGE_SIZE
LIGHT_COUNTS = ("total", "red", "yellow")


def _page(request, qs, count: int | None = None):
    """Page 30 rows; `count`, when the caller has already counted `qs`, spares a COUNT query."""
    paginator = Paginator(qs, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def _table_page(request, rows, count: int, now: dt.datetime):
    page = _page(request, rows, count)
    page.object_list = _lit(list(page.object_list), now)
    return page


@require_perm("business.view")
def case_list(request):
    qs = Case.objects.in_scope(request.user)
    qs, form, title = _filtered(request, qs)
    total = qs.count()
    page = _table_page(request, _table_rows(qs), total, timezone.now())
    return render(
        request,
        "cases/list.html",
        {"page": page, "form": form, "total": total, "metric_title": title},
    )


@require_perm("case.supervise")
def board(request):
    """Open cases in scope with their lights; the counts are computed by the database."""
    now = timezone.now()
    qs = Case.objects.in_scope(request.user).open()
    qs, form, _title = _filtered(request, qs)
    page, counts = _counted_page(request, qs, now)
    return render(
        request,
        "cases/board.html",
        {"page": page, "form": form, "counts": counts, "total": counts["total"]},
    )


def _counted_page(request, qs, now: dt.datetime):
    """The board's page of rows and its light counts. The page's rows carry the counts (window
    aggregates), so one query does for both; only an empty page needs the counts on their own."""
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    counted = _table_rows(qs.with_light_counts(now), *LIGHT_COUNTS)
    counted = counted.order_by("deadline", "-reported_at")
    if 1 <= number <= LAST_PAGE:
        found = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
        if found:
            counts = {name: found[0][name] for name in LIGHT_COUNTS}
            paginator = Paginator(counted, PAGE_SIZE)
            paginator.count = counts["total"]
            return Page(_lit(found, now), number, paginator), counts
    # Past the last page, or nothing at all: the paginator's usual answer.
    counts = qs.light_counts(now)
    rows = _table_rows(qs).order_by("deadline", "-reported_at")
    return _table_page(request, rows, counts["total"], now), counts


@require_perm("case.report")
def case_new(request):
    form = CaseReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_report(
                by=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                urgency=data["urgency"],
                origin_unit=data["origin_unit"],
                source=data["source"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                persons=data["persons"],
                address=data["address"],
                photos=request.FILES.getlist("photos"),
                idempotency_key=data["idempotency_key"],
            )
        except services.CaseError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"事件已上报，编号 {case.number}")
            return redirect("cases:detail", case.number)
    if not form.is_bound:
        units = form.fields["origin_unit"].queryset
        form.initial = {
            "idempotency_key": services.new_idempotency_key(),
            "origin_unit": units.first() if units.count() == 1 else None,
        }
    return render(request, "cases/new.html", {"form": form})


@require_perm("business.view")
def case_detail(request, number: str):
    case = get_case_for_user(request.user, number)
    actions = services.allowed_actions(request.user, case)
    context = {
        "case": case,
        "light": case.current_light(),
        "events": case.events.select_related("actor"),
        "photos": case.photos.all(),
        "notices": case.notices.select_related("issued_by", "acknowledged_by"),
        "persons": case.persons.all(),
        "actions": [(a, services.TRANSITIONS[a]) for a in actions],
        "urgencies": Urgency.objects.all(),
        "reply_methods": ReplyMethod.choices,
        "ratings": Rating.choices,
        "children": Unit.objects.filter(code__startswith=case.responsible_code)
        .exclude(code=case.responsible_code)
        .filter(kind__in=["township", "village", "grid"])
        .order_by("code"),
        "can_ack": request.user.can("case.handle", case.responsible_code)
        or case.assignee_id == request.user.pk,
    }
    return render(request, "cases/detail.html", context)


@require_POST
@require_perm("business.view")
def case_act(request, number: str):
    case = get_case_for_user(request.user, number)
    action = request.POST.get("action", "")
    extra = {}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        if action == "accept" and request.POST.get("urgency"):
            extra["urgency"] = get_object_or_404(Urgency, pk=request.POST["urgency"])
        elif action == "assign":
            code = request.POST.get("unit", "")
            extra["unit"] = Unit.objects.filter(code=code).first()
        elif action == "request_extension":
            try:
                amount = int(request.POST.get("amount", "0"))
            except ValueError:
                amount = 0
            extra["extension"] = services.extension_from_form(case, amount)
        elif action == "resolve":
            extra["result"] = request.POST.get("result", "")
            extra["photos"] = request.FILES.getlist("photos")
        elif action == "reply":
            extra["method"] = request.POST.get("method", "")
        elif action == "rate":
            extra["rating"] = request.POST.get("rating", "")
        services.case_transition(
            case=case,
            action=action,
            by=request.user,
            note=request.POST.get("note", ""),
            version=version,
            **extra,
        )
    except (services.CaseError, ConflictError) as e:
        messages.error(request, e.message)
    else:
        label = services.TRANSITIONS[action].label
        messages.success(request, f"已{label}")
    return redirect("cases:detail", case.number)


@login_required
def case_photo(request, pk: int):
    photo = get_object_or_404(CasePhoto.objects.select_related("case"), pk=pk)
    get_case_for_user(request.user, photo.case.number)
    return FileResponse(photo.image.open("rb"), content_type=photo.content_type)


@require_POST
@login_required
def notice_ack(request, pk: int):
    notice = get_object_or_404(SupervisionNotice.objects.select_related("case"), pk=pk)
    get_case_for_user(request.user, notice.case.number)
    try:
        services.notice_acknowledge(notice=notice, by=request.user)
    except services.CaseError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已签收督办")
    return redirect(request.POST.get("next") or reverse("cases:detail", args=[notice.case.number]))


def _period(request) -> tuple[str, dt.date, dt.date]:
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = end.replace(day=1) - dt.timedelta(days=365 - 31)
        start = start.replace(day=1)
    codes = request.user.scope_codes
    unit_code = request.GET.get("unit") or (codes[0] if codes else "")
    if not any(unit_code.startswith(c) for c in codes):
        raise Http404
    return unit_code, start, end


@require_perm("business.view")
def indicator_page(request):
    unit_code, start, end = _period(request)
    unit = get_object_or_404(Unit, code=unit_code)
    now = timezone.now()
    total = indicators.case_indicators(
        user=request.user, unit_code=unit_code, start=start, end=end, now=now
    )
    by_unit = indicators.case_indicators(
        user=request.user, unit_code=unit_code, start=start, end=end, group="unit", now=now
    )
    by_category = indicators.case_indicators(
        user=request.user, unit_code=unit_code, start=start, end=end, group="category", now=now
    )
    return render(
        request,
        "cases/indicators.html",
        {
            "unit": unit,
            "start": start,
            "end": end,
            "total": total[0],
            "by_unit": by_unit,
            "by_category": by_category,
            "rates": indicators.RATES,
            "measures": indicators.MEASURES,
            "scope_units": Unit.objects.in_scope(request.user)
            .filter(kind__in=["county", "township", "village"])
            .order_by("code"),
        },
    )


@require_perm("case.instruct")
def instruction_new(request):
    form = InstructionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instruction = services.instruction_issue(
                by=request.user,
                title=data["title"],
                content=data["content"],
                unit=data["unit"],
                deadline=data["deadline"],
                category=Category.objects.get(parent=None, name="上级交办"),
                target_units=data["target_units"],
                target_users=data["target_users"],
            )
        except services.CaseError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "工作指令已下达")
            return redirect("cases:instruction", instruction.pk)
    return render(request, "cases/instruction_new.html", {"form": form})


@require_perm("business.view")
def instruction_list(request):
    qs = (
        Instruction.objects.in_scope(request.user)
        .annotate(n=Count("cases"), done=Count("cases", filter=~Q(cases__state__in=OPEN)))
        .order_by("-issued_at")
    )
    return render(request, "cases/instructions.html", {"page": _page(request, qs)})


@require_perm("business.view")
def instruction_detail(request, pk: int):
    instruction = get_for_user(Instruction.objects.all(), request.user, pk=pk)
    cases = (
        Case.objects.in_scope(request.user)
        .filter(instruction=instruction)
        .with_light()
        .select_related("responsible_unit", "assignee")
        .order_by("responsible_code")
    )
    return render(request, "cases/instruction.html", {"instruction": instruction, "cases": cases})


@require_perm("case.admin")
def settings_page(request):
    if request.method == "POST":
        _settings_post(request)
        return redirect("cases:settings")
    return render(
        request,
        "cases/settings.html",
        {
            "urgencies": Urgency.objects.all(),
            "categories": Category.objects.select_related("parent", "default_urgency").order_by(
                "parent__order", "parent_id", "order", "id"
            ),
            "roots": Category.objects.filter(parent=None),
            "holidays": Holiday.objects.filter(
                date__gte=timezone.localdate().replace(month=1, day=1)
            ),
        },
    )


def _settings_post(request) -> None:
    post = request.POST
    what = post.get("what")
    try:
        if what == "urgency":
            services.urgency_update(
                by=request.user,
                urgency=get_object_or_404(Urgency, pk=post.get("pk")),
                limit_value=int(post.get("limit_value", "0")),
                limit_unit=post.get("limit_unit", ""),
            )
        elif what == "category":
            category = Category.objects.filter(pk=post.get("pk") or None).first()
            parent = Category.objects.filter(pk=post.get("parent") or None).first()
            services.category_save(
                by=request.user,
                category=category,
                name=post.get("name", ""),
                parent=parent if category is None else category.parent,
                default_urgency=get_object_or_404(Urgency, pk=post.get("default_urgency")),
                active=post.get("active", "on") == "on",
            )
        elif what == "holiday":
            services.holiday_set(
                by=request.user,
                date=dt.date.fromisoformat(post.get("date", "")),
                is_workday=post.get("is_workday") == "1",
                name=post.get("name", ""),
            )
        elif what == "holiday_delete":
            services.holiday_delete(
                by=request.user, holiday=get_object_or_404(Holiday, pk=post.get("pk"))
            )
        else:
            raise services.CaseError("未知的操作")
    except services.CaseError as e:
        messages.error(request, e.message)
    except ValueError:
        messages.error(request, "请填写正确的数字或日期")
    else:
        messages.success(request, "已保存")
