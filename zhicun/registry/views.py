"""Households and persons: list, detail, create, edit, and the explicit actions
(add a member, change the head, split, transfer, death / move-away, moves, visits, reveal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import check_perm, require_perm
from zhicun.audit.services import audit_record
from zhicun.jobs.models import Employer, Opening
from zhicun.lib import codes
from zhicun.lib.forms import add_service_errors
from zhicun.lib.pinyin import normalise_query
from zhicun.lib.versioning import ConflictError
from zhicun.registry import services
from zhicun.registry.choices import HouseholdResidence, Religion
from zhicun.registry.forms import (
    EndForm,
    HouseholdForm,
    MoveForm,
    PersonForm,
    RevealForm,
    TransferForm,
    VisitForm,
    household_form_data,
)
from zhicun.registry.history import timeline
from zhicun.registry.models import Household, Person
from zhicun.support.models import CadreAssignment
from zhicun.units.models import Kind, Unit
from zhicun.units.scope import get_for_user

PAGE_SIZE = 20
REVEAL = "registry.reveal"


def get_household_for_user(user, pk: int) -> Household:
    return get_for_user(Household.objects.select_related("hamlet", "head"), user, pk=pk)


def get_person_for_user(user, pk: int) -> Person:
    return get_for_user(
        Person.objects.select_related("household", "hamlet", "household__head"), user, pk=pk
    )


def editable_hamlets(user):
    q = Q(pk__in=[])
    for unit in user.units_for("registry.edit"):
        q |= Q(code__startswith=unit.code)
    return Unit.objects.filter(q, kind=Kind.HAMLET).order_by("code")


def _conflict(request, e: ConflictError):
    messages.error(request, e.message)


# --- households -------------------------------------------------------------------------------


@require_perm("business.view")
def household_list(request):
    qs = Household.objects.in_scope(request.user).select_related("hamlet", "head")
    unit_code = request.GET.get("unit", "").strip()
    q = request.GET.get("q", "").strip()
    residence = request.GET.get("residence", "")
    if unit_code:
        qs = qs.filter(hamlet__code__startswith=unit_code)
    if residence in HouseholdResidence.values:
        qs = qs.filter(residence=residence)
    if q:
        latin = normalise_query(q)
        if latin and latin == q.lower().replace(" ", ""):
            qs = qs.filter(
                Q(head__name_initials__contains=" " + latin)
                | Q(head__name_pinyin__contains=" " + latin)
            )
        elif q.isdigit():
            qs = qs.filter(number__contains=q)
        else:
            qs = qs.filter(Q(head__name__contains=q) | Q(address__contains=q))
    qs = qs.annotate(n_members=Count("members", filter=Q(members__residence__in=services.ACTIVE)))
    page = Paginator(qs.order_by("number"), PAGE_SIZE).get_page(request.GET.get("page"))
    units = Unit.objects.in_scope(request.user).filter(kind__in=[Kind.GRID, Kind.HAMLET])
    context = {
        "page": page,
        "q": q,
        "unit_code": unit_code,
        "residence": residence,
        "residences": HouseholdResidence.choices,
        "units": units.order_by("code")[:300],
        "can_create": request.user.can("registry.edit"),
    }
    template = "registry/households/_list.html" if request.htmx else "registry/households/list.html"
    return render(request, template, context)


@require_perm("registry.edit")
def household_new(request):
    hamlets = editable_hamlets(request.user)
    form = HouseholdForm(request.POST or None, prefix="h")
    head_form = PersonForm(request.POST or None, prefix="p", head=True)
    hamlet_code = request.POST.get("hamlet", "") or request.GET.get("hamlet", "")
    if request.method == "POST" and form.is_valid() & head_form.is_valid():
        hamlet = hamlets.filter(code=hamlet_code).first()
        if hamlet is None:
            form.add_error(None, "请选择您负责的自然村")
        else:
            try:
                household = services.household_create(
                    by=request.user,
                    hamlet=hamlet,
                    head=head_form.service_data(),
                    **household_form_data(form),
                )
            except ValidationError as e:
                if hasattr(e, "error_dict") and set(e.error_dict) & set(head_form.fields):
                    add_service_errors(head_form, e)
                else:
                    add_service_errors(form, e)
            else:
                messages.success(request, f"已登记户 {household.number}")
                return redirect("registry:household", household.pk)
    return render(
        request,
        "registry/households/new.html",
        {"form": form, "head_form": head_form, "hamlets": hamlets, "hamlet_code": hamlet_code},
    )


@require_perm("business.view")
def household_detail(request, pk: int):
    household = get_household_for_user(request.user, pk)
    members = list(household.members.select_related("hamlet").order_by("-residence", "relation"))
    active = [m for m in members if m.is_active]
    ended = [m for m in members if not m.is_active]
    can_edit = request.user.can("registry.edit", household.hamlet.code)
    context = {
        "h": household,
        "active_members": active,
        "ended_members": ended,
        "moves": services.Move.objects.filter(person__household=household)
        .select_related("person")
        .order_by("-date")[:20],
        "visits": household.visits.select_related("visitor")[:20],
        "history": timeline(household),
        "can_edit": can_edit,
        "can_reveal": request.user.can(REVEAL, household.hamlet.code),
        "visit_form": VisitForm() if can_edit else None,
        "path": household.hamlet.path_names(),
    }
    return render(request, "registry/households/detail.html", context)


@require_perm("registry.edit")
def household_edit(request, pk: int):
    household = get_household_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", household.hamlet.code)
    form = HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                by=request.user,
                household=Household.objects.get(pk=household.pk),
                version=form.cleaned_data.get("version"),
                **household_form_data(form),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        except ConflictError as e:
            _conflict(request, e)
            return redirect("registry:household", household.pk)
        else:
            messages.success(request, "户信息已保存")
            return redirect("registry:household", household.pk)
    return render(request, "registry/households/edit.html", {"form": form, "h": household})


@require_perm("registry.edit")
def member_new(request, pk: int):
    household = get_household_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", household.hamlet.code)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(
                by=request.user, household=household, **form.service_data()
            )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已添加成员 {person.name}")
            return redirect("registry:household", household.pk)
    return render(request, "registry/persons/new.html", {"form": form, "h": household})


@require_POST
@require_perm("registry.edit")
def visit_new(request, pk: int):
    household = get_household_for_user(request.user, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.visit_record(by=request.user, household=household, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "走访已记录")
            return redirect("registry:household", household.pk)
    for error in form.errors.values():
        for message in error:
            messages.error(request, message)
    return redirect("registry:household", household.pk)


@require_perm("registry.edit")
def set_head(request, pk: int):
    household = get_household_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", household.hamlet.code)
    members = household.members.active().exclude(pk=household.head_id)
    if request.method == "POST":
        person = members.filter(pk=request.POST.get("person") or 0).first()
        if person is None:
            messages.error(request, "请选择新户主")
        else:
            try:
                review = services.household_set_head(
                    by=request.user,
                    household=household,
                    person=person,
                    rederive=request.POST.get("rederive") == "1",
                )
            except ValidationError as e:
                for m in e.messages:
                    messages.error(request, m)
            else:
                messages.success(request, f"户主已变更为 {person.name}")
                if review:
                    names = "、".join(p.name for p in review)
                    messages.warning(
                        request, f"以下成员的关系无法自动推算，已设为“其他亲属”，请核对：{names}"
                    )
                return redirect("registry:household", household.pk)
    return render(
        request, "registry/households/set_head.html", {"h": household, "members": members}
    )


@require_perm("registry.edit")
def split(request, pk: int):
    household = get_household_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", household.hamlet.code)
    members = household.members.active().exclude(pk=household.head_id)
    if request.method == "POST":
        chosen = list(members.filter(pk__in=request.POST.getlist("members")))
        head = next((m for m in chosen if str(m.pk) == request.POST.get("head")), None)
        if not chosen or head is None:
            messages.error(request, "请选择要分出的成员，并指定新户户主")
        else:
            try:
                new = services.household_split(
                    by=request.user,
                    household=household,
                    members=chosen,
                    head=head,
                    address=request.POST.get("address", "").strip(),
                )
            except ValidationError as e:
                for m in e.messages:
                    messages.error(request, m)
            else:
                messages.success(request, f"已分户，新户编号 {new.number}")
                return redirect("registry:household", new.pk)
    return render(request, "registry/households/split.html", {"h": household, "members": members})


# --- persons ----------------------------------------------------------------------------------


@require_perm("business.view")
def person_detail(request, pk: int):
    person = get_person_for_user(request.user, pk)
    code = person.hamlet.code
    return render(
        request,
        "registry/persons/detail.html",
        {
            "p": person,
            "h": person.household,
            "history": timeline(person),
            "moves": person.moves.all()[:20],
            "can_edit": request.user.can("registry.edit", code) and person.is_active,
            "can_reveal": request.user.can(REVEAL, code),
            # The errand registration page checks the same again for `?person=`.
            "can_register_errand": request.user.can("errand.handle", code) and person.is_active,
            "move_form": MoveForm(),
            "reveal_form": RevealForm(),
        },
    )


@require_perm("registry.edit")
def person_edit(request, pk: int):
    person = get_person_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", person.hamlet.code)
    if not person.is_active:
        raise PermissionDenied("此人已不在册，不能修改")
    form = PersonForm(request.POST or None, instance=person, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                by=request.user,
                person=Person.objects.select_related("household", "hamlet").get(pk=person.pk),
                version=form.cleaned_data.get("version"),
                **form.service_data(),
            )
        except ValidationError as e:
            add_service_errors(form, e)
        except ConflictError as e:
            _conflict(request, e)
            return redirect("registry:person", person.pk)
        else:
            messages.success(request, "人员信息已保存")
            return redirect("registry:person", person.pk)
    return render(request, "registry/persons/edit.html", {"form": form, "p": person})


@require_perm("registry.edit")
def move_new(request, pk: int):
    person = get_person_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", person.hamlet.code)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_record(by=request.user, person=person, **form.cleaned_data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, "流动情况已登记")
            return redirect("registry:person", person.pk)
    return render(request, "registry/persons/move.html", {"form": form, "p": person})


@require_perm("registry.edit")
def transfer(request, pk: int):
    person = get_person_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", person.hamlet.code)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = (
            Household.objects.in_scope(request.user)
            .filter(number=form.cleaned_data["to_number"].strip())
            .first()
        )
        if target is None:
            form.add_error("to_number", "在您的管辖范围内找不到该户编号")
        else:
            try:
                services.person_transfer(
                    by=request.user,
                    person=person,
                    to_household=target,
                    relation=form.cleaned_data["relation"],
                )
            except (ValidationError, PermissionDenied) as e:
                for m in e.messages if isinstance(e, ValidationError) else [str(e)]:
                    form.add_error(None, m)
            else:
                messages.success(request, f"{person.name} 已转入户 {target.number}")
                return redirect("registry:household", target.pk)
    return render(request, "registry/persons/transfer.html", {"form": form, "p": person})


@require_perm("registry.edit")
def person_end(request, pk: int):
    person = get_person_for_user(request.user, pk)
    check_perm(request.user, "registry.edit", person.hamlet.code)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["what"] == "dead":
                services.person_mark_dead(
                    by=request.user, person=person, date=data["date"], note=data["note"]
                )
            else:
                services.person_mark_moved_out(
                    by=request.user,
                    person=person,
                    date=data["date"],
                    to_place=data["to_place"],
                    note=data["note"],
                )
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(
                request, f"已登记 {person.name} {dict(form.fields['what'].choices)[data['what']]}"
            )
            return redirect("registry:household", person.household_id)
    return render(request, "registry/persons/end.html", {"form": form, "p": person})


PERSON_FIELDS = {f: f for f in ("id_number", "phone", "religion", "health")}


def _reveal_target(user, kind: str, pk: int):
    """(record, its unit code, revealable form field → attribute, may this user reveal it);
    404 for a kind that has none or a record the user does not see."""
    if kind == "person":
        obj = get_person_for_user(user, pk)
        return obj, obj.hamlet.code, PERSON_FIELDS, user.can(REVEAL, obj.hamlet.code)
    if kind == "household":
        obj = get_household_for_user(user, pk)
        return obj, obj.hamlet.code, {"phone": "phone"}, user.can(REVEAL, obj.hamlet.code)
    if kind == "cadre":  # a supported household's 帮扶责任人
        qs = CadreAssignment.objects.select_related("supported__household__hamlet")
        obj = get_for_user(qs, user, pk=pk)
        code = obj.supported.household.hamlet.code
        return obj, code, {"phone": "phone"}, user.can(REVEAL, code)
    if kind == "employer":
        obj = get_object_or_404(Employer.objects.visible_to(user).select_related("unit"), pk=pk)
        return obj, obj.unit.code, {"phone": "contact_phone"}, obj.may_reveal(user)
    if kind == "opening":
        qs = Opening.objects.visible_to(user).select_related("employer__unit")
        obj = get_object_or_404(qs, pk=pk)
        code = obj.employer.unit.code
        return obj, code, {"phone": "contact_phone"}, obj.employer.may_reveal(user)
    raise Http404


def _revealed_value(obj, attribute: str) -> str:
    if attribute == "religion":
        return Religion(obj.religion).label if obj.religion else "（空）"
    if attribute == "health":
        parts = [codes.label("health", obj.health)]
        if obj.disability_category:
            parts.append(
                f"{codes.label('disability_category', obj.disability_category)}"
                f"{codes.label('disability_grade', obj.disability_grade)}"
            )
        if obj.disability_cert:
            parts.append(f"残疾证 {obj.disability_cert}")
        return "，".join(p for p in parts if p) or "（空）"
    return getattr(obj, attribute) or "（空）"


@require_POST
@login_required
def reveal(request, kind: str, pk: int):
    """Show one sensitive value of one record (a person, a household, a support cadre, a jobs
    contact), to a role that may, with the purpose audited."""
    obj, code, fields, may = _reveal_target(request.user, kind, pk)
    form = RevealForm(request.POST)
    if not may:
        raise PermissionDenied("您的岗位不能查看完整的敏感信息")
    if not form.is_valid():
        return HttpResponse(
            format_html('<span class="text-danger small">{}</span>', "请填写查看用途"), status=400
        )
    field = form.cleaned_data["field"]
    if field not in fields:
        raise Http404
    audit_record(
        actor=request.user,
        action="reveal",
        obj=obj,
        unit_code=code,
        details={"field": field, "purpose": form.cleaned_data["purpose"]},
    )
    return HttpResponse(
        format_html('<span class="font-monospace">{}</span>', _revealed_value(obj, fields[field]))
    )


urls = [
    path("households/", household_list, name="households"),
    path("households/new/", household_new, name="household_new"),
    path("households/<int:pk>/", household_detail, name="household"),
    path("households/<int:pk>/edit/", household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", member_new, name="member_new"),
    path("households/<int:pk>/visits/new/", visit_new, name="visit_new"),
    path("households/<int:pk>/head/", set_head, name="set_head"),
    path("households/<int:pk>/split/", split, name="split"),
    path("persons/<int:pk>/", person_detail, name="person"),
    path("persons/<int:pk>/edit/", person_edit, name="person_edit"),
    path("persons/<int:pk>/moves/new/", move_new, name="move_new"),
    path("persons/<int:pk>/transfer/", transfer, name="transfer"),
    path("persons/<int:pk>/end/", person_end, name="person_end"),
    path("reveal/<str:kind>/<int:pk>/", reveal, name="reveal"),
]
