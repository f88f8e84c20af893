"""Jobs pages: employers and openings, matching with reasons, one-click outcomes, statistics."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhicun.accounts.decorators import check_perm, require_perm
from zhicun.jobs import services
from zhicun.jobs.forms import EmployerForm, EndForm, EventForm, OpeningForm, PlacementForm
from zhicun.jobs.matching import candidates
from zhicun.jobs.models import Employer, JobEvent, Opening, Placement
from zhicun.jobs.stats import statistics
from zhicun.lib.fields import normalise_tags
from zhicun.lib.forms import add_service_errors
from zhicun.registry.models import Person
from zhicun.support.models import yuan
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

VIEW = "business.view"
EDIT = "jobs.edit"


def get_opening_for_user(user, pk: int) -> Opening:
    """An opening the user may see (its employer hangs in or above the user's scope), or 404."""
    return get_object_or_404(
        Opening.objects.visible_to(user).select_related("employer__unit", "place_unit"), pk=pk
    )


def _messages_from(request, e: ValidationError) -> None:
    messages.error(request, "；".join(e.messages))


@require_perm(VIEW)
def opening_list(request):
    user = request.user
    show = request.GET.get("show", "open")
    qs = Opening.objects.visible_to(user).select_related("employer", "place_unit")
    if show == "open":
        qs = qs.filter(is_open=True)
    placed = dict(
        Placement.objects.in_scope(user)
        .values_list("opening_id")
        .annotate(n=Count("id"))
        .values_list("opening_id", "n")
    )
    rows = [{"o": o, "placed": placed.get(o.pk, 0)} for o in qs[:200]]
    return render(
        request,
        "jobs/openings.html",
        {"rows": rows, "show": show, "can_edit": user.can(EDIT)},
    )


@require_perm(EDIT)
def employer_new(request):
    units = [u for u in request.user.units_for(EDIT)]
    form = EmployerForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.get(code=data.pop("unit"))
        try:
            employer = services.employer_create(by=request.user, unit=unit, **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已登记用工单位 {employer.name}")
            return redirect("jobs:opening_new")
    return render(request, "jobs/form.html", {"form": form, "title": "登记用工单位"})


@require_perm(EDIT)
def opening_new(request):
    employers = Employer.objects.visible_to(request.user).order_by("name")
    form = OpeningForm(request.POST or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employer = employers.get(pk=data.pop("employer"))
        data["skills"] = normalise_tags(data["skills"])
        try:
            opening = services.opening_create(by=request.user, employer=employer, **data)
        except ValidationError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, f"已发布岗位 {opening}")
            return redirect("jobs:opening", opening.pk)
    return render(
        request,
        "jobs/form.html",
        {"form": form, "title": "发布招聘岗位", "employer_link": True},
    )


@require_perm(VIEW)
def opening_detail(request, pk: int):
    user = request.user
    opening = get_opening_for_user(user, pk)
    today = timezone.localdate()
    ranked = candidates(opening, user, today=today, limit=60)
    start = max(today, opening.season_start)
    place_initial = {
        "start_date": start,
        "end_date": opening.season_end,
        "monthly_income": f"{opening.wage / 100:.2f}",
    }
    events = (
        JobEvent.objects.in_scope(user)
        .filter(opening=opening)
        .select_related("person", "by")
        .order_by("-date", "-id")[:100]
    )
    placements = (
        Placement.objects.in_scope(user)
        .filter(opening=opening)
        .select_related("person__hamlet")
        .order_by("-start_date")[:200]
    )
    return render(
        request,
        "jobs/opening.html",
        {
            "o": opening,
            "ranked": ranked,
            "events": events,
            "placements": placements,
            "place_initial": place_initial,
            "can_edit": user.can(EDIT),
            # The contact's phone is masked; roles that may reveal see it, audited.
            "can_reveal": opening.employer.may_reveal(user),
            "today": today,
            "wage": yuan(opening.wage),
        },
    )


def _person(user, pk) -> Person:
    return get_for_user(Person.objects.select_related("hamlet"), user, pk=pk)


@require_POST
@require_perm(EDIT)
def event_new(request, pk: int, person_pk: int):
    opening = get_opening_for_user(request.user, pk)
    person = _person(request.user, person_pk)
    check_perm(request.user, EDIT, person.hamlet.code)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            services.event_record(
                by=request.user,
                opening=opening,
                person=person,
                date=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as e:
            _messages_from(request, e)
        else:
            messages.success(request, f"已记录：{person.name}")
    return redirect("jobs:opening", opening.pk)


@require_POST
@require_perm(EDIT)
def placement_new(request, pk: int, person_pk: int):
    opening = get_opening_for_user(request.user, pk)
    person = _person(request.user, person_pk)
    check_perm(request.user, EDIT, person.hamlet.code)
    form = PlacementForm(request.POST)
    if form.is_valid():
        try:
            services.placement_create(
                by=request.user, opening=opening, person=person, **form.cleaned_data
            )
        except ValidationError as e:
            _messages_from(request, e)
        else:
            messages.success(request, f"{person.name} 已上岗：{opening}")
    else:
        messages.error(request, "请填写上岗日期和月收入")
    return redirect("jobs:opening", opening.pk)


@require_POST
@require_perm(EDIT)
def placement_end(request, pk: int):
    placement = get_for_user(
        Placement.objects.select_related("person__hamlet", "opening__employer"),
        request.user,
        pk=pk,
    )
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.placement_end(by=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as e:
            _messages_from(request, e)
        else:
            messages.success(request, f"已记录 {placement.person.name} 离岗")
    else:
        messages.error(request, "请填写离岗日期")
    return redirect("jobs:opening", placement.opening_id)


@require_POST
@require_perm(EDIT)
def opening_close(request, pk: int):
    opening = get_opening_for_user(request.user, pk)
    services.opening_close(by=request.user, opening=opening)
    messages.success(request, "岗位已停止招聘")
    return redirect("jobs:opening", opening.pk)


# --- statistics ---------------------------------------------------------------------------------


@require_perm(VIEW)
def stats(request):
    today = timezone.localdate()
    try:
        since = datetime.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = datetime.date(2019, 1, 1)
    unit_code = request.GET.get("unit", "").strip()
    unit_code = unit_code if unit_code.isdigit() else ""
    data = statistics(request.user, since=since, today=today, unit_code=unit_code)
    return render(
        request,
        "jobs/stats.html",
        {"d": data, "since": since, "today": today, "unit_code": unit_code},
    )
