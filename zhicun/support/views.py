"""Support pages: the list, a household's record, income cards, measures, reviews and 明白卡."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import check_perm, require_perm
from zhicun.audit.services import audit_record
from zhicun.lib.forms import add_service_errors
from zhicun.lib.versioning import ConflictError
from zhicun.registry.choices import ACTIVE
from zhicun.registry.models import Household
from zhicun.support import mingbaika, services
from zhicun.support.forms import (
    CadreForm,
    DecideForm,
    IncomeCardForm,
    MeasureForm,
    ReviewForm,
    SupportedEditForm,
    SupportedForm,
    ThresholdForm,
    fen_to_yuan_input,
)
from zhicun.support.models import (
    IncomeCard,
    Kind,
    Review,
    Status,
    SupportedHousehold,
    Threshold,
    yuan,
)
from zhicun.units.models import Kind as UnitKind
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

PAGE_SIZE = 30
VIEW = "business.view"


def get_supported_for_user(user, pk: int) -> SupportedHousehold:
    return get_for_user(
        SupportedHousehold.objects.select_related("household__hamlet", "household__head"),
        user,
        pk=pk,
    )


def can_see_income(user, code: str) -> bool:
    """Income is sensitive: shown to those who keep or review the cards."""
    return any(
        user.can(perm, code)
        for perm in ("support.edit", "support.review_village", "support.review_township")
    ) or user.can("support.review_county", code[:6])


# --- list ---------------------------------------------------------------------------------------


@require_perm(VIEW)
def supported_list(request):
    user = request.user
    year = timezone.localdate().year
    qs = SupportedHousehold.objects.in_scope(user).select_related(
        "household__hamlet", "household__head"
    )
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    flagged_only = request.GET.get("flagged") == "1"
    unit_code = request.GET.get("unit", "").strip()
    if unit_code.isdigit():
        # Dashboards link here narrowed to one unit; scope still applies on top.
        qs = qs.below(unit_code)
    if status in Status.values:
        qs = qs.filter(status=status)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(household__number__contains=q) | Q(household__head__name__contains=q))
    flags = {
        c.household_id: c for c in IncomeCard.objects.in_scope(user).filter(year=year).flagged()
    }
    if flagged_only:
        qs = qs.filter(household_id__in=list(flags))
    page = Paginator(qs.order_by("household__number"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"s": s, "flag": flags.get(s.household_id)} for s in page]
    open_reviews = set(
        Review.objects.in_scope(user)
        .filter(state__in=Review.OPEN_STATES, supported__in=[r["s"] for r in rows])
        .values_list("supported_id", flat=True)
    )
    for r in rows:
        r["reviewing"] = r["s"].pk in open_reviews
    villages = Unit.objects.in_scope(user).filter(kind=UnitKind.VILLAGE).order_by("code")
    return render(
        request,
        "support/list.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "status": status,
            "kind": kind,
            "q": q,
            "flagged_only": flagged_only,
            "unit_code": unit_code,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "villages": villages[:50],
            "can_create": user.can("support.edit"),
        },
    )


@require_perm("support.edit")
def supported_new(request):
    household = None
    number = (request.POST.get("number") or request.GET.get("number") or "").strip()
    if number:
        household = Household.objects.in_scope(request.user).filter(number=number).first()
    form = SupportedForm(
        request.POST or None, initial={"year_identified": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        if household is None:
            form.add_error(None, "未找到该户编号，或该户不在您的管辖范围内")
        else:
            try:
                record = services.supported_create(
                    by=request.user, household=household, **form.cleaned_data
                )
            except ValidationError as e:
                add_service_errors(form, e)
            except PermissionDenied as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, f"已将户 {household.number} 登记为{record.type_label}")
                return redirect("support:detail", record.pk)
    return render(
        request, "support/new.html", {"form": form, "number": number, "household": household}
    )


# --- a household's record -------------------------------------------------------------------


@require_perm(VIEW)
def supported_detail(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    code = s.household.hamlet.code
    user = request.user
    reviews = list(s.reviews.prefetch_related("steps__by").select_related("proposed_by"))
    open_review = next((r for r in reviews if r.is_open), None)
    may_decide = bool(open_review and services.may_decide(user, open_review.state, code))
    may_see_income = can_see_income(user, code)
    # Income is masked by default; showing it is a reveal, one household at a time, audited.
    show_income = may_see_income and request.GET.get("reveal") == "income"
    if show_income:
        _audit_view(request, s, "收入明白卡（历年）")
    cards = list(IncomeCard.objects.filter(household=s.household).with_flags().order_by("-year"))
    members = list(s.household.members.filter(residence__in=ACTIVE))
    return render(
        request,
        "support/detail.html",
        {
            "s": s,
            "cadres": list(s.cadres.all()),
            "reviews": reviews,
            "open_review": open_review,
            "may_decide": may_decide,
            "decide_form": DecideForm(),
            "review_form": ReviewForm(),
            "cadre_form": CadreForm(initial={"start_date": timezone.localdate()}),
            "measure_form": MeasureForm(
                members=members, initial={"start_date": timezone.localdate()}
            ),
            "cards": cards,
            "show_income": show_income,
            "may_see_income": may_see_income,
            "measures": list(s.household.support_measures.select_related("person")),
            "can_edit": user.can("support.edit", code),
            # The cadres' phones are masked; roles that may reveal see one at a time, audited.
            "can_reveal": user.can("registry.reveal", code),
            "year": timezone.localdate().year,
        },
    )


@require_perm("support.edit")
def supported_edit(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    check_perm(request.user, "support.edit", s.household.hamlet.code)
    initial = {
        "year_identified": s.year_identified,
        "causes": s.causes,
        "risk_types": s.risk_types,
        "notes": s.notes,
        "version": s.version,
    }
    form = SupportedEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.supported_update(
                by=request.user, supported=s, version=data.pop("version"), **data
            )
        except ValidationError as e:
            add_service_errors(form, e)
        except ConflictError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "已保存")
            return redirect("support:detail", s.pk)
    return render(request, "support/edit.html", {"s": s, "form": form})


def _back(s, anchor=""):
    response = redirect("support:detail", s.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@require_POST
@require_perm("support.edit")
def cadre_assign(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    check_perm(request.user, "support.edit", s.household.hamlet.code)
    form = CadreForm(request.POST)
    if form.is_valid():
        try:
            services.cadre_assign(by=request.user, supported=s, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已更换帮扶责任人")
    else:
        messages.error(request, "请完整填写帮扶责任人信息")
    return _back(s, "cadres")


@require_POST
@require_perm("support.edit")
def review_open(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_open(by=request.user, supported=s, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已提交，等待村级评议")
    else:
        messages.error(request, "请填写申请理由")
    return _back(s, "reviews")


@require_POST
@require_perm(VIEW)
def review_decide(request, pk: int):
    review = get_for_user(Review.objects.select_related("supported"), request.user, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择结论并填写意见")
        return _back(review.supported, "reviews")
    try:
        review = services.review_decide(
            by=request.user,
            review=review,
            step=request.POST.get("step", ""),
            **form.cleaned_data,
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已办理，当前进度：{review.get_state_display()}")
    return _back(review.supported, "reviews")


@require_perm(VIEW)
def review_queue(request):
    """Open reviews waiting for a step this user may decide."""
    user = request.user
    pending = (
        Review.objects.in_scope(user)
        .filter(state__in=Review.OPEN_STATES)
        .select_related("supported__household__hamlet", "supported__household__head")
        .order_by("created_at")
    )
    mine = [
        r for r in pending if services.may_decide(user, r.state, r.supported.household.hamlet.code)
    ]
    return render(request, "support/reviews.html", {"mine": mine, "pending": pending[:200]})


# --- income cards and measures ------------------------------------------------------------------


@require_perm("support.edit")
def income_card(request, pk: int, year: int):
    s = get_supported_for_user(request.user, pk)
    check_perm(request.user, "support.edit", s.household.hamlet.code)
    card = IncomeCard.objects.filter(household=s.household, year=year).first()
    if card is not None:
        initial = {
            "size": card.size,
            "note": card.note,
            "version": card.version,
            **{
                f: fen_to_yuan_input(getattr(card, f))
                for f in ("wage", "production", "property_income", "transfer", "costs")
            },
        }
    else:
        size = s.household.members.filter(residence__in=ACTIVE).count()
        initial = {"size": size or 1}
    form = IncomeCardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.income_card_save(
                by=request.user, household=s.household, year=year, **form.cleaned_data
            )
        except ValidationError as e:
            add_service_errors(form, e)
        except ConflictError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已保存 {year} 年收入明白卡")
            return _back(s, "income")
    return render(
        request, "support/income_card.html", {"s": s, "year": year, "form": form, "card": card}
    )


@require_POST
@require_perm("support.edit")
def measure_new(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    members = list(s.household.members.all())
    form = MeasureForm(request.POST, members=members)
    if form.is_valid():
        data = form.cleaned_data
        person_pk = data.pop("person")
        person = next((m for m in members if m.pk == person_pk), None)
        try:
            services.measure_add(by=request.user, household=s.household, person=person, **data)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, "已登记帮扶措施")
    else:
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label}：{m[0]}" if f in form.fields else m[0]
                for f, m in form.errors.items()
            ),
        )
    return _back(s, "measures")


# --- 明白卡 -------------------------------------------------------------------------------------


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    if not 2013 <= year <= timezone.localdate().year:
        raise Http404
    return year


def _audit_view(request, obj, what: str, unit_code: str = "") -> None:
    # The card shows income and health: reading it is a view of sensitive data.
    audit_record(
        actor=request.user, action="reveal", obj=obj, unit_code=unit_code, details={"what": what}
    )


def _require_income(request, code: str) -> None:
    if not can_see_income(request.user, code):
        raise PermissionDenied("您的岗位无权查看收入信息")


@require_perm(VIEW)
def card_page(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    _require_income(request, s.household.hamlet.code)
    card = mingbaika.build(s, _year(request))
    _audit_view(request, s, "明白卡")
    return render(request, "support/mingbaika.html", {"cards": [card], "title": "明白卡"})


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response


@require_perm(VIEW)
def card_pdf(request, pk: int):
    s = get_supported_for_user(request.user, pk)
    _require_income(request, s.household.hamlet.code)
    card = mingbaika.build(s, _year(request))
    _audit_view(request, s, "明白卡 PDF")
    data = mingbaika.render_pdf([card], f"{s.household.number} 明白卡")
    return _pdf_response(data, f"mingbaika-{s.household.number}-{card.year}.pdf")


def _village_cards(request, code: str):
    village = Unit.objects.in_scope(request.user).filter(code=code, kind=UnitKind.VILLAGE).first()
    if village is None:
        raise Http404
    _require_income(request, village.code)
    year = _year(request)
    records = (
        SupportedHousehold.objects.in_scope(request.user)
        .below(village.code)
        .select_related("household__hamlet", "household__head")
        .order_by("household__number")
    )
    return village, mingbaika.build_many(records, year), year


@require_perm(VIEW)
def village_cards(request, code: str):
    village, cards, year = _village_cards(request, code)
    audit_record(
        actor=request.user,
        action="export",
        unit_code=village.code,
        details={"what": "明白卡（全村）", "count": len(cards), "year": year},
    )
    return render(
        request, "support/mingbaika.html", {"cards": cards, "title": f"{village.name} 明白卡"}
    )


@require_perm(VIEW)
def village_pdf(request, code: str):
    village, cards, year = _village_cards(request, code)
    audit_record(
        actor=request.user,
        action="export",
        unit_code=village.code,
        details={"what": "明白卡 PDF（全村）", "count": len(cards), "year": year},
    )
    data = mingbaika.render_pdf(cards, f"{village.name} {year} 年明白卡")
    return _pdf_response(data, f"mingbaika-{village.code}-{year}.pdf")


# --- thresholds ---------------------------------------------------------------------------------


@require_perm("support.threshold")
def thresholds(request):
    form = ThresholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.threshold_set(by=request.user, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已设置 {t.year} 年监测标准：{yuan(t.amount)} 元")
            return redirect("support:thresholds")
    rows = Threshold.objects.order_by("-year", "region_code")
    return render(request, "support/thresholds.html", {"form": form, "rows": rows})
