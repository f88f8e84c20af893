"""The villagers' phone pages: each village's public board (no login), sign-up, and a
villager's own household, cases and comments. Public pages show only published items; a
villager sees only their own records (anything else is 404)."""

from functools import wraps

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import require_perm
from zhicun.disclosure import services as disclosure
from zhicun.disclosure.models import (
    Comment,
    CommentStatus,
    DisclosureSettings,
    Kind,
    Publication,
    Status,
)
from zhicun.lib.forms import add_service_errors
from zhicun.lib.masking import mask_phone
from zhicun.portal import services, stats
from zhicun.portal.forms import CaseForm, ConfirmForm, CorrectionForm, SignupForm
from zhicun.portal.models import CorrectionRequest, SignupCode
from zhicun.units.models import Kind as UnitKind
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

LATEST = 3
SIGNUP_SESSION_KEY = "portal_signup"


def _village(code: str) -> Unit:
    return get_object_or_404(Unit, code=code, kind=UnitKind.VILLAGE)


def _public(village: Unit):
    return Publication.objects.public().filter(unit=village)


def index(request):
    villages = Unit.objects.of_kind(UnitKind.VILLAGE).order_by("code")
    return render(request, "portal/index.html", {"villages": villages})


def village_page(request, code: str):
    village = _village(code)
    current = _public(village).filter(status=Status.PUBLISHED).order_by("-published_at")
    sections = []
    for kind, label in Kind.choices:
        items = list(current.filter(kind=kind)[: LATEST + 1])
        sections.append(
            {"kind": kind, "label": label, "items": items[:LATEST], "more": len(items) > LATEST}
        )
    return render(
        request,
        "portal/village.html",
        {
            "village": village,
            "sections": sections,
            "cases": stats.case_figures(village),
            "team": stats.grid_team(village),
            "office_phone": DisclosureSettings.for_unit(village).office_phone,
        },
    )


def kind_list(request, code: str, kind: str):
    village = _village(code)
    if kind not in Kind.values:
        raise Http404
    items = _public(village).filter(kind=kind).exclude(status=Status.SUPERSEDED)
    return render(
        request,
        "portal/kind.html",
        {
            "village": village,
            "label": Kind(kind).label,
            "items": items.order_by("-published_at")[:100],
        },
    )


def publication_page(request, code: str, pk: int):
    village = _village(code)
    pub = get_object_or_404(_public(village), pk=pk)
    user = request.user
    visible = Q(status=CommentStatus.VISIBLE)
    if getattr(user, "is_authenticated", False):
        visible |= Q(author=user)
    comments = (
        Comment.objects.filter(visible, series=pub.series, parent__isnull=True)
        .select_related("author")
        .prefetch_related("replies__author")
        .order_by("created_at")
    )
    villager = getattr(user, "villager", None) if user.is_authenticated else None
    return render(
        request,
        "portal/publication.html",
        {
            "village": village,
            "pub": pub,
            "versions": pub.public_versions(),
            "comments": comments,
            "may_comment": villager is not None
            and villager.village_id == village.pk
            and pub.status == Status.PUBLISHED,
            "is_villager": villager is not None,
        },
    )


@require_POST
@login_required
def comment_new(request, code: str, pk: int):
    village = _village(code)
    pub = get_object_or_404(_public(village), pk=pk)
    try:
        comment = disclosure.comment_add(
            by=request.user, publication=pub, body=request.POST.get("body", "")
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if comment.status == CommentStatus.PENDING:
            messages.success(request, "留言已提交，村委会审核后显示")
        else:
            messages.success(request, "留言已发布")
    return redirect("portal:publication", village.code, pub.pk)


@require_POST
@login_required
def comment_report(request, pk: int):
    comment = get_object_or_404(
        Comment.objects.select_related("publication__unit").filter(
            status=CommentStatus.VISIBLE, publication__status__in=[Status.PUBLISHED]
        ),
        pk=pk,
    )
    try:
        disclosure.comment_report(
            by=request.user, comment=comment, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已收到您的举报")
    pub = comment.publication
    return redirect("portal:publication", pub.unit.code, pub.pk)


# ---------------------------------------------------------------------------------------------
# Sign-up.


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def signup(request):
    if request.user.is_authenticated and request.user.is_villager:
        return redirect("portal:me")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.signup_request_code(**form.cleaned_data, ip=_client_ip(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[SIGNUP_SESSION_KEY] = record.pk
            messages.success(request, "验证码已发送到您的手机，10 分钟内有效")
            return redirect("portal:signup_confirm")
    return render(request, "portal/signup.html", {"form": form})


def signup_confirm(request):
    pk = request.session.get(SIGNUP_SESSION_KEY)
    record = SignupCode.objects.filter(pk=pk, used_at__isnull=True).first() if pk else None
    if record is None:
        return redirect("portal:signup")
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.signup_confirm(
                signup=record,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功")
            return redirect("portal:me")
    return render(
        request, "portal/signup_confirm.html", {"form": form, "phone": mask_phone(record.phone)}
    )


# ---------------------------------------------------------------------------------------------
# The villager's own pages.


def villager_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_villager:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@villager_required
def me(request):
    villager = request.user.villager
    cases = []
    if apps.is_installed("zhicun.cases"):
        from zhicun.cases.models import Case

        cases = Case.objects.in_scope(request.user).filter(reporter_user=request.user)[:20]
    my_comments = (
        Comment.objects.filter(author=request.user)
        .select_related("publication__unit")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "portal/me.html",
        {
            "villager": villager,
            "person": villager.person,
            "cases": cases,
            "cases_enabled": apps.is_installed("zhicun.cases"),
            "errands": _errands(request.user),
            "errands_enabled": apps.is_installed("zhicun.errands"),
            "my_comments": my_comments,
            "corrections": villager.corrections.order_by("-created_at")[:5],
        },
    )


def _errands(user) -> list:
    if not apps.is_installed("zhicun.errands"):
        return []
    try:
        model = apps.get_model("errands", "Errand")
    except LookupError:
        return []
    return list(model.objects.in_scope(user)[:20])


@villager_required
def household(request):
    villager = request.user.villager
    house = villager.person.household
    members = house.members.filter(died_on__isnull=True).order_by("relation", "birth_date")
    form = CorrectionForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_report(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "已提交，信息员核实后会为您更正")
            return redirect("portal:household")
    return render(
        request,
        "portal/household.html",
        {
            "household": house,
            "members": [(m, m.label("relation")) for m in members],
            "form": form,
            "corrections": villager.corrections.order_by("-created_at")[:10],
        },
    )


def _cases_or_404():
    if not apps.is_installed("zhicun.cases"):
        raise Http404


@villager_required
def case_new(request):
    _cases_or_404()
    from zhicun.cases.models import Category, Source
    from zhicun.cases.services import CaseError, case_report, new_idempotency_key

    villager = request.user.villager
    hamlets = Unit.objects.below(villager.village.code).of_kind(UnitKind.HAMLET)
    categories = Category.objects.filter(active=True, parent__isnull=False).select_related("parent")
    form = CaseForm(
        request.POST or None,
        categories=categories,
        hamlets=hamlets,
        initial={"hamlet": villager.person.hamlet_id, "idempotency_key": new_idempotency_key()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_report(
                by=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                origin_unit=data["hamlet"],
                source=Source.PORTAL,
                reporter_name=villager.person.name,
                reporter_phone=villager.phone,
                address=data["address"],
                photos=request.FILES.getlist("photos"),
                idempotency_key=data["idempotency_key"],
            )
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已提交，事件编号 {case.number}")
            return redirect("portal:case", case.number)
    return render(request, "portal/case_new.html", {"form": form})


def _own_case(user, number: str):
    from zhicun.cases.models import Case

    case = get_object_or_404(Case.objects.in_scope(user), number=number)
    if case.reporter_user_id != user.pk:
        raise Http404
    return case


@villager_required
def case_page(request, number: str):
    _cases_or_404()
    from zhicun.cases.models import Rating, State

    case = _own_case(request.user, number)
    return render(
        request,
        "portal/case.html",
        {
            "case": case,
            "events": case.events.all(),
            "photos": case.photos.all(),
            "may_rate": case.state in (State.RESOLVED, State.REPLIED) and not case.rating,
            "ratings": Rating.choices,
        },
    )


@require_POST
@villager_required
def case_rate(request, number: str):
    _cases_or_404()
    from zhicun.cases.services import CaseError, case_transition
    from zhicun.lib.versioning import ConflictError

    case = _own_case(request.user, number)
    try:
        case_transition(
            case=case,
            action="rate",
            by=request.user,
            rating=request.POST.get("rating", ""),
            note=request.POST.get("note", ""),
        )
    except CaseError as error:
        messages.error(request, error.message)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "感谢您的评价")
    return redirect("portal:case", case.number)


@require_POST
@require_perm("registry.edit")
def correction_handle(request, pk: int):
    """The collector closes a villager's correction request from the 工作台 panel."""
    item = get_for_user(
        CorrectionRequest.objects.select_related("household__hamlet"), request.user, pk=pk
    )
    try:
        services.correction_handle(
            by=request.user,
            request=item,
            status=request.POST.get("status", ""),
            reply=request.POST.get("reply", ""),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已处理更正申请")
    return redirect("home")
