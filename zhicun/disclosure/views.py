"""Staff pages of 三务公开: publications and their review, the ledger, 民情日志, comments and
the completion of each village's disclosures. Reads go through `in_scope`, writes through
services."""

import datetime as dt

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.disclosure import services
from zhicun.disclosure.forms import (
    GenerateForm,
    LedgerEntryForm,
    LogEntryForm,
    PublicationForm,
    SettingsForm,
)
from zhicun.disclosure.models import (
    Attachment,
    Comment,
    CommentStatus,
    DisclosureSettings,
    Kind,
    LedgerEntry,
    LogEntry,
    Publication,
    Status,
)
from zhicun.lib.forms import add_service_errors
from zhicun.units.models import Kind as UnitKind
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user


def _villages_for(user, perm: str):
    codes = [u.code for u in user.units_for(perm)]
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code__startswith=code)
    return Unit.objects.filter(q, kind=UnitKind.VILLAGE).order_by("code")


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(m for msgs in error.message_dict.values() for m in msgs)
    return "；".join(error.messages)


def get_publication_for_user(user, pk: int) -> Publication:
    return get_for_user(Publication.objects.select_related("unit"), user, pk=pk)


@require_perm("business.view")
def publication_list(request):
    qs = Publication.objects.in_scope(request.user).select_related("unit")
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    waiting = (
        Publication.objects.in_scope(request.user)
        .filter(status=Status.REVIEW)
        .select_related("unit")
    )
    waiting = [p for p in waiting if request.user.can(p.review_perm, p.unit.code)]
    return render(
        request,
        "disclosure/list.html",
        {
            "page": page,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "kind": kind,
            "status": status,
            "waiting": waiting,
            "may_draft": request.user.can("disclosure.draft"),
        },
    )


@require_perm("disclosure.draft")
def publication_new(request):
    units = _villages_for(request.user, "disclosure.draft")
    form = PublicationForm(
        request.POST or None,
        units=units,
        initial={"unit": units.first(), "kind": request.GET.get("kind", Kind.AFFAIRS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pub = services.publication_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "草稿已保存")
            return redirect("disclosure:detail", pub.pk)
    return render(request, "disclosure/form.html", {"form": form, "title": "新建公开事项"})


@require_perm("disclosure.draft")
def publication_edit(request, pk: int):
    pub = get_publication_for_user(request.user, pk)
    if pub.status != Status.DRAFT:
        messages.error(request, "只有草稿可以修改；已公开的内容请发起更正")
        return redirect("disclosure:detail", pub.pk)
    initial = {
        "title": pub.title,
        "body": pub.body,
        "period_start": pub.period_start,
        "period_end": pub.period_end,
    }
    form = PublicationForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_update(by=request.user, publication=pub, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, "草稿已保存")
            return redirect("disclosure:detail", pub.pk)
    return render(
        request, "disclosure/form.html", {"form": form, "title": f"修改：{pub.title}", "pub": pub}
    )


@require_perm("business.view")
def publication_detail(request, pk: int):
    pub = get_publication_for_user(request.user, pk)
    user = request.user
    code = pub.unit.code
    actions = {
        "edit": pub.status == Status.DRAFT and user.can("disclosure.draft", code),
        "submit": pub.status == Status.DRAFT and user.can("disclosure.draft", code),
        "review": pub.status == Status.REVIEW and user.can(pub.review_perm, code),
        "withdraw": pub.status == Status.PUBLISHED and user.can("disclosure.withdraw", code),
        "correct": pub.status == Status.PUBLISHED and user.can("disclosure.draft", code),
    }
    comments = (
        Comment.objects.filter(series=pub.series, parent__isnull=True)
        .select_related("author")
        .prefetch_related("replies")
    )
    return render(
        request,
        "disclosure/detail.html",
        {
            "pub": pub,
            "actions": actions,
            "events": pub.events.select_related("actor"),
            "versions": pub.versions(),
            "comments": comments,
            "may_moderate": user.can("disclosure.moderate", code),
        },
    )


ACTIONS = {
    "submit": lambda by, pub, note: services.publication_submit(by=by, publication=pub),
    "approve": lambda by, pub, note: services.publication_approve(
        by=by, publication=pub, note=note
    ),
    "reject": lambda by, pub, note: services.publication_reject(by=by, publication=pub, note=note),
    "withdraw": lambda by, pub, note: services.publication_withdraw(
        by=by, publication=pub, reason=note
    ),
    "correct": lambda by, pub, note: services.publication_correct(
        by=by, publication=pub, note=note
    ),
}
DONE = {
    "submit": "已提交审核",
    "approve": "已发布",
    "reject": "已退回修改",
    "withdraw": "已撤回",
    "correct": "已创建更正版本草稿",
}


@require_POST
@require_perm("business.view")
def publication_act(request, pk: int):
    pub = get_publication_for_user(request.user, pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    try:
        result = ACTIONS[action](request.user, pub, request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("disclosure:detail", pub.pk)
    except PermissionDenied as error:
        messages.error(request, str(error) or "您的岗位无权执行此操作")
        return redirect("disclosure:detail", pub.pk)
    messages.success(request, DONE[action])
    return redirect("disclosure:detail", result.pk)


@require_POST
@require_perm("disclosure.draft")
def attachment_upload(request, pk: int):
    pub = get_publication_for_user(request.user, pk)
    uploads = request.FILES.getlist("files")
    if not uploads:
        messages.error(request, "请选择文件")
    for upload in uploads:
        try:
            services.attachment_add(by=request.user, publication=pub, upload=upload)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except PermissionDenied as error:
            messages.error(request, str(error))
    return redirect("disclosure:detail", pub.pk)


@require_POST
@require_perm("disclosure.draft")
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(
        Attachment.objects.filter(
            publication__in=Publication.objects.in_scope(request.user)
        ).select_related("publication__unit"),
        pk=pk,
    )
    try:
        services.attachment_remove(by=request.user, attachment=attachment)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request, _error_text(error) if isinstance(error, ValidationError) else str(error)
        )
    return redirect("disclosure:detail", attachment.publication_id)


def attachment_file(request, pk: int):
    """Anyone may fetch the files of a published item; staff in scope also other versions'."""
    attachment = get_object_or_404(Attachment.objects.select_related("publication"), pk=pk)
    pub = attachment.publication
    # A withdrawn item keeps its title and reason in public, not its files.
    if not pub.is_public or pub.status == Status.WITHDRAWN:
        get_publication_for_user(request.user, pub.pk)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Ledger.


def _village_from(request, perm: str = "business.view") -> Unit:
    """The village chosen by ?unit=, defaulting to the first one the user may see."""
    villages = services.villages_in_scope(request.user)
    code = request.GET.get("unit") or request.POST.get("unit")
    if code:
        return get_object_or_404(villages, code=code)
    first = villages.first()
    if first is None:
        raise Http404
    return first


@require_perm("business.view")
def ledger(request):
    village = _village_from(request)
    entries = (
        LedgerEntry.objects.in_scope(request.user)
        .filter(unit=village)
        .select_related("reverses")
        .prefetch_related("attachments")
    )
    month = request.GET.get("month", "")
    if month:
        try:
            start = dt.date.fromisoformat(month + "-01")
        except ValueError:
            start = None
        if start:
            entries = entries.filter(date__gte=start, date__lt=services.add_months(start, 1))
    may_edit = request.user.can("ledger.edit", village.code)
    form = LedgerEntryForm(request.POST or None, initial={"date": dt.date.today()})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("您的岗位无权记账")
        if form.is_valid():
            try:
                services.ledger_entry_add(
                    by=request.user,
                    unit=village,
                    uploads=request.FILES.getlist("files"),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已记账")
                return redirect(f"{request.path}?unit={village.code}")
    reversed_ids = set(
        LedgerEntry.objects.filter(unit=village, reverses__isnull=False).values_list(
            "reverses_id", flat=True
        )
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/ledger.html",
        {
            "village": village,
            "villages": services.villages_in_scope(request.user),
            "page": page,
            "form": form,
            "generate": GenerateForm(),
            "may_edit": may_edit,
            "may_draft": request.user.can("disclosure.draft", village.code),
            "closed": services.disclosed_until(village),
            "reversed_ids": reversed_ids,
            "month": month,
        },
    )


@require_POST
@require_perm("ledger.edit")
def ledger_reverse(request, pk: int):
    entry = get_for_user(LedgerEntry.objects.select_related("unit"), request.user, pk=pk)
    try:
        services.ledger_entry_reverse(
            by=request.user, entry=entry, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已登记冲销分录")
    return redirect(f"{reverse('disclosure:ledger')}?unit={entry.unit.code}")


@require_POST
@require_perm("disclosure.draft")
def ledger_generate(request):
    village = _village_from(request)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择年度和期间")
        return redirect(f"{reverse('disclosure:ledger')}?unit={village.code}")
    period = form.cleaned_data["period"]
    number = int(period[1:])
    try:
        pub = services.finance_disclosure_generate(
            by=request.user,
            unit=village,
            year=form.cleaned_data["year"],
            month=number if period[0] == "m" else None,
            quarter=number if period[0] == "q" else None,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(f"{reverse('disclosure:ledger')}?unit={village.code}")
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('disclosure:ledger')}?unit={village.code}")
    messages.success(request, "已生成财务公开草稿，请核对后提交监督员审核")
    return redirect("disclosure:detail", pub.pk)


# ---------------------------------------------------------------------------------------------
# 民情日志.


@require_perm("business.view")
def log_list(request):
    units = _villages_for(request.user, "disclosure.draft")
    form = LogEntryForm(request.POST or None, units=units, initial={"unit": units.first()})
    if request.method == "POST":
        if not units.exists():
            raise PermissionDenied("您的岗位无权记录民情日志")
        if form.is_valid():
            try:
                services.log_entry_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已记录")
                return redirect("disclosure:log")
    entries = LogEntry.objects.in_scope(request.user).select_related(
        "unit", "author", "publication"
    )
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    categories = []
    if apps.is_installed("zhicun.cases"):
        from zhicun.cases.models import Category

        categories = Category.objects.filter(active=True, parent__isnull=False).select_related(
            "parent"
        )
    return render(
        request,
        "disclosure/log.html",
        {"form": form, "page": page, "may_write": units.exists(), "categories": categories},
    )


@require_POST
@require_perm("disclosure.draft")
def log_publish(request, pk: int):
    entry = get_for_user(LogEntry.objects.all(), request.user, pk=pk)
    try:
        pub = services.log_entry_publish(by=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("disclosure:log")
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("disclosure:log")
    messages.success(request, "已提交审核，审核通过后在村务公开栏显示")
    return redirect("disclosure:detail", pub.pk)


@require_POST
@require_perm("case.report")
def log_case(request, pk: int):
    entry = get_for_user(LogEntry.objects.select_related("unit"), request.user, pk=pk)
    from zhicun.cases.models import Category

    category = get_object_or_404(Category, pk=request.POST.get("category") or 0, active=True)
    title = request.POST.get("title", "").strip() or (entry.raised or entry.happened)[:40]
    try:
        case = services.log_entry_open_case(
            by=request.user, entry=entry, title=title, category=category
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("disclosure:log")
    messages.success(request, f"已生成事件 {case.number}")
    return redirect("cases:detail", case.number)


# ---------------------------------------------------------------------------------------------
# Comments.


@require_perm("disclosure.moderate")
def comment_queue(request):
    qs = Comment.objects.in_scope(request.user).select_related("author", "publication__unit")
    waiting = qs.filter(
        Q(status=CommentStatus.PENDING) | Q(awaiting_review=True), by_staff=False
    ).order_by("created_at")
    recent = qs.filter(by_staff=False, status=CommentStatus.VISIBLE, replies__isnull=True).order_by(
        "-created_at"
    )[:30]
    return render(request, "disclosure/comments.html", {"waiting": waiting, "recent": recent})


@require_POST
@require_perm("disclosure.moderate")
def comment_act(request, pk: int):
    comment = get_for_user(Comment.objects.select_related("publication__unit"), request.user, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "reply":
            services.comment_reply(
                by=request.user, comment=comment, body=request.POST.get("body", "")
            )
        else:
            services.comment_moderate(
                by=request.user,
                comment=comment,
                action=action,
                reason=request.POST.get("reason", ""),
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已处理")
    return redirect(request.POST.get("next") or "disclosure:comments")


# ---------------------------------------------------------------------------------------------
# Completion and settings.


@require_perm("business.view")
def completion(request):
    result = services.completion_in_scope(request.user)
    settable = {u.code for u in _villages_for(request.user, "disclosure.settings")}
    return render(request, "disclosure/completion.html", {"result": result, "settable": settable})


@require_perm("disclosure.settings")
def village_settings(request, code: str):
    village = get_object_or_404(_villages_for(request.user, "disclosure.settings"), code=code)
    rule = DisclosureSettings.for_unit(village)
    initial = {
        f: getattr(rule, f)
        for f in (
            "affairs_months",
            "finance_months",
            "report_threshold",
            "office_phone",
            "premoderation",
        )
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(by=request.user, unit=village, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "设置已保存")
            return redirect("disclosure:settings", village.code)
    return render(request, "disclosure/settings.html", {"form": form, "village": village})
