"""Errand pages: register, list, detail with custody, payments and timeline, the pension
certification batch, statistics and the catalogue. Reads go through `in_scope`; writes through
services."""

import datetime as dt
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.errands import services, stats
from zhicun.errands.forms import ErrandFilterForm, ErrandRegisterForm, ErrandTypeForm
from zhicun.errands.models import OPEN, Errand, ErrandType, Payment, ReplyMethod, yuan
from zhicun.lib.versioning import ConflictError
from zhicun.registry.models import Person
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user


def get_errand_for_user(user, pk: int) -> Errand:
    return get_for_user(
        Errand.objects.select_related("person", "type", "unit", "registered_by", "handler"),
        user,
        pk=pk,
    )


@require_perm("business.view")
def errand_list(request):
    qs = Errand.objects.in_scope(request.user)
    form = ErrandFilterForm(request.GET or None)
    now = timezone.now()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(person__name__contains=data["q"].strip())
        if data["state"] == "open":
            qs = qs.open()
        elif data["state"]:
            qs = qs.filter(state=data["state"])
        if data["type"]:
            qs = qs.filter(type=data["type"])
        if data["light"] == "red":
            qs = qs.red(now)
        elif data["light"] == "yellow":
            qs = qs.yellow(now)
    if request.GET.get("mine"):
        qs = qs.handled_by(request.user)
    qs = qs.select_related("person", "type", "unit")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    for errand in page:
        errand.light_now = errand.current_light(now)
    return render(request, "errands/list.html", {"page": page, "form": form, "total": qs.count()})


def _preselected(request) -> Person | None:
    """The villager named by `?person=` (from the person page), only if the user may register
    an errand for them; anyone else, like an unknown number, is simply not preselected."""
    pk = _int(request.GET.get("person"))
    if pk is None:
        return None
    person = Person.objects.in_scope(request.user).active().select_related("hamlet")
    person = person.filter(pk=pk).first()
    if person is None or not request.user.can("errand.handle", person.hamlet.code):
        messages.warning(request, "找不到该村民，请在下方选择")
        return None
    return person


@require_perm("errand.handle")
def errand_new(request):
    q = request.GET.get("q", "").strip()
    person = _preselected(request) if request.method == "GET" else None
    form = ErrandRegisterForm(request.POST or None, user=request.user, q=q, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            errand = services.errand_register(
                by=request.user,
                person=data["person"],
                type=data["type"],
                need=data["need"],
                channel=data["channel"],
                documents_required=data["documents"],
                idempotency_key=data["idempotency_key"],
            )
        except services.ErrandError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"代办已登记，编号 {errand.number}")
            return redirect("errands:detail", errand.pk)
    if not form.is_bound:
        form.initial = {"idempotency_key": uuid.uuid4().hex, "person": person}
    return render(request, "errands/new.html", {"form": form, "q": q, "person": person})


@require_perm("business.view")
def errand_detail(request, pk: int):
    errand = get_errand_for_user(request.user, pk)
    payments = list(errand.payments.select_related("paid_by").order_by("paid_at", "id"))
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    context = {
        "errand": errand,
        "light": errand.current_light(),
        "custody": errand.custody.select_related("received_by", "returned_by"),
        "payments": payments,
        "reversed_ids": reversed_ids,
        "paid_total": yuan(sum(p.amount_fen for p in payments)),
        "events": errand.events.select_related("actor"),
        "can_handle": services.may_handle(request.user, errand) and errand.state in OPEN,
        "reply_methods": ReplyMethod.choices,
        "today": timezone.localdate(),
    }
    return render(request, "errands/detail.html", context)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _fen(text: str) -> int:
    """'12.50' yuan → 1250 分, or a Chinese error."""
    from decimal import Decimal, InvalidOperation

    try:
        amount = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise services.ErrandError("金额格式不正确，例如 120.50") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise services.ErrandError("金额最多保留两位小数")
    return int(amount * 100)


@require_POST
@require_perm("business.view")
def errand_act(request, pk: int):
    errand = get_errand_for_user(request.user, pk)
    post = request.POST
    action = post.get("action", "")
    version = _int(post.get("version"))
    note = post.get("note", "")
    try:
        if action == "receive":
            services.custody_receive(
                errand=errand,
                by=request.user,
                name=post.get("name", ""),
                original=post.get("original") == "1",
                version=version,
            )
        elif action == "give_back":
            item = get_object_or_404(errand.custody, pk=_int(post.get("item")))
            services.custody_return(
                item=item,
                by=request.user,
                returned_to=post.get("returned_to", ""),
                villager_confirmed=post.get("confirmed") == "1",
                version=version,
            )
        elif action == "start":
            services.errand_start(
                errand=errand,
                by=request.user,
                office=post.get("office", ""),
                note=note,
                version=version,
            )
        elif action == "note":
            services.errand_note(
                errand=errand,
                by=request.user,
                note=note,
                office=post.get("office", ""),
                version=version,
            )
        elif action == "pay":
            services.payment_record(
                errand=errand,
                by=request.user,
                amount_fen=_fen(post.get("amount", "")),
                receipt_no=post.get("receipt_no", ""),
                note=note,
                version=version,
            )
        elif action == "reverse":
            payment = get_object_or_404(Payment, pk=_int(post.get("payment")), errand=errand)
            services.payment_reverse(payment=payment, by=request.user, note=note, version=version)
        elif action == "reply":
            certified_on = None
            if post.get("certified_on"):
                try:
                    certified_on = dt.date.fromisoformat(post["certified_on"])
                except ValueError:
                    raise services.ErrandError("认证日期格式不正确") from None
            services.errand_reply(
                errand=errand,
                by=request.user,
                result=post.get("result", ""),
                method=post.get("method", ""),
                certified_on=certified_on,
                version=version,
            )
        elif action == "close":
            services.errand_close(
                errand=errand,
                by=request.user,
                confirmed=post.get("confirmed") == "1",
                note=note,
                version=version,
            )
        elif action == "cancel":
            services.errand_cancel(errand=errand, by=request.user, reason=note, version=version)
        elif action == "fail":
            services.errand_fail(
                errand=errand,
                by=request.user,
                reason=note,
                informed=post.get("informed") == "1",
                version=version,
            )
        else:
            raise services.ErrandError("未知的操作")
    except (services.ErrandError, ConflictError) as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已{services.EVENT_LABEL[action]}")
    return redirect("errands:detail", errand.pk)


@require_perm("errand.handle")
def pension(request):
    within = _int(request.GET.get("days") or request.POST.get("days")) or 30
    within = max(0, min(within, 366))
    if request.method == "POST":
        try:
            opened = services.pension_open(
                by=request.user,
                within_days=within,
                persons=[p for p in request.POST.getlist("person") if p.isdigit()],
            )
        except services.ErrandError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已为 {len(opened)} 位村民开启养老金资格认证代办")
        return redirect(f"{request.path}?days={within}")
    today = timezone.localdate()
    due = services.pension_due(request.user, within_days=within, today=today)
    rows = [{"person": p, "due_on": services.pension_due_on(p, today)} for p in due[:500]]
    return render(
        request,
        "errands/pension.html",
        {"rows": rows, "total": due.count(), "days": within, "today": today},
    )


@require_perm("business.view")
def stats_page(request):
    codes = request.user.scope_codes
    unit_code = request.GET.get("unit") or (codes[0] if codes else "")
    if not any(unit_code.startswith(c) for c in codes):
        raise Http404
    unit = get_object_or_404(Unit, code=unit_code)
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = stats.DEFAULT_SINCE
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    data = stats.errand_stats(user=request.user, unit_code=unit_code, start=start, end=end)
    names = dict(
        Unit.objects.filter(code__in=[r["child"] for r in data["by_unit"]]).values_list(
            "code", "name"
        )
    )
    for row in data["by_unit"]:
        row["name"] = names.get(row["child"], row["child"])
    money = {row["month"]: row["fen"] for row in data["money_by_month"]}
    months = [
        {**row, "yuan": yuan(money.get(row["month"]) or 0)} for row in reversed(data["by_month"])
    ]
    average = data["average_to_result"]
    return render(
        request,
        "errands/stats.html",
        {
            "unit": unit,
            "data": data,
            "months": months,
            "money_total": yuan(data["money_total_fen"]),
            "money_by_type": [
                {**row, "yuan": yuan(row["fen"] or 0)} for row in data["money_by_type"]
            ],
            "average_days": f"{average.total_seconds() / 86400:.1f}" if average else "—",
            "scope_units": Unit.objects.in_scope(request.user)
            .filter(kind__in=["county", "township", "village", "grid"])
            .order_by("code"),
        },
    )


@require_perm("errand.admin")
def catalogue(request):
    return render(request, "errands/catalogue.html", {"types": ErrandType.objects.all()})


@require_perm("errand.admin")
def catalogue_edit(request, pk: int | None = None):
    instance = get_object_or_404(ErrandType, pk=pk) if pk else ErrandType()
    form = ErrandTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        documents = [
            line.strip()
            for line in form.cleaned_data["documents_text"].splitlines()
            if line.strip()
        ]
        try:
            services.errand_type_save(
                by=request.user, errand_type=form.instance, documents=documents
            )
        except services.ErrandError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "代办事项已保存")
            return redirect("errands:catalogue")
    return render(request, "errands/catalogue_edit.html", {"form": form, "instance": instance})
