"""Open311 GeoReport v2 over cases: which categories are services, where a request lands, and
how a request is submitted as a case of source Open311.

A request is placed in the hamlet or village named in its address, else in the hamlet whose
registered households lie nearest its coordinates, else in the county's intake queue.
"""

import re
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from zhicun.api.models import Open311Application, Open311Request
from zhicun.audit.services import audit_record
from zhicun.cases import services as case_services
from zhicun.cases.defaults import INSTRUCTION_CATEGORY
from zhicun.cases.models import OPEN, Case, Category, Source, State
from zhicun.lib.masking import mask_id_number, mask_phone
from zhicun.lib.pii import ID_KIND, find_personal_data
from zhicun.registry.models import Household
from zhicun.units.models import Kind, Unit

# Place names a member of the public writes: not grids, which are an internal arrangement.
PLACE_KINDS = (Kind.TOWNSHIP, Kind.VILLAGE, Kind.HAMLET)
# How far (in degrees, about 1.5 km) a point may be from the nearest household of a hamlet.
NEAR = Decimal("0.015")


def services_qs():
    """Categories villagers may report: active leaves, not the instructions from above."""
    return (
        Category.objects.filter(active=True)
        .exclude(name=INSTRUCTION_CATEGORY, parent__isnull=True)
        .exclude(parent__name=INSTRUCTION_CATEGORY)
        .exclude(children__active=True)
        .select_related("parent", "default_urgency")
        .distinct()
        .order_by("parent__order", "parent_id", "order", "id")
    )


def service_for_code(code: str) -> Category | None:
    if not code.isdigit() or len(code) > 12:
        return None
    return services_qs().filter(pk=int(code)).first()


def jurisdictions():
    return Unit.objects.of_kind(Kind.COUNTY).order_by("code")


def jurisdiction_for(jurisdiction_id: str | None) -> Unit | None:
    """The county asked for, or the only one there is when none is named."""
    if jurisdiction_id:
        return jurisdictions().filter(code=jurisdiction_id).first()
    counties = list(jurisdictions()[:2])
    return counties[0] if len(counties) == 1 else None


# --- where a request lands ---------------------------------------------------------------------


def place_from_address(county: Unit, address: str) -> Unit | None:
    """The most specific township, village or hamlet named in the address, if unambiguous.

    Longer names are matched first and blanked out, so "大十号村" is the village and does not
    also count as the hamlet "大十号".
    """
    text = re.sub(r"\s+", "", address or "")
    if not text:
        return None
    units = list(county.subtree().filter(kind__in=PLACE_KINDS).only("code", "name", "kind"))
    units.sort(key=lambda u: len(u.name), reverse=True)
    found: list[Unit] = []
    for unit in units:
        if len(unit.name) >= 2 and unit.name in text:
            found.append(unit)
            text = text.replace(unit.name, "\0" * len(unit.name))
    if not found:
        return None

    def support(unit: Unit) -> int:
        return sum(1 for other in found if unit.code.startswith(other.code))

    best = max(support(u) for u in found)
    ranked = [u for u in found if support(u) == best]
    deepest = max(len(u.code) for u in ranked)
    ranked = [u for u in ranked if len(u.code) == deepest]
    return ranked[0] if len(ranked) == 1 else None


def place_from_point(county: Unit, lat: Decimal, lon: Decimal) -> Unit | None:
    """The hamlet of the registered household nearest the point, if one is near enough."""
    near = (
        Household.objects.below(county.code)
        .filter(
            latitude__range=(lat - NEAR, lat + NEAR),
            longitude__range=(lon - NEAR, lon + NEAR),
        )
        .values_list("latitude", "longitude", "hamlet_id")[:2000]
    )
    best = min(
        near,
        key=lambda row: (row[0] - lat) ** 2 + (row[1] - lon) ** 2,
        default=None,
    )
    return Unit.objects.get(pk=best[2]) if best else None


def locate(county: Unit, address: str, lat: Decimal | None, lon: Decimal | None) -> Unit:
    place = place_from_address(county, address)
    if place is None and lat is not None and lon is not None:
        place = place_from_point(county, lat, lon)
    return place or county


# --- submitting --------------------------------------------------------------------------------


def _submitter(first_name: str, last_name: str) -> str:
    return f"{last_name.strip()}{first_name.strip()}"[:40]


def _title(category: Category, description: str) -> str:
    first = (description.strip().splitlines() or [""])[0]
    return (f"{category.name}：{first}" if first else category.name)[:100]


def request_submit(
    *,
    app: Open311Application,
    county: Unit,
    category: Category,
    description: str = "",
    address: str = "",
    lat: Decimal | None = None,
    lon: Decimal | None = None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    email: str = "",
) -> Open311Request:
    """A request from a third-party application becomes a case of source Open311, written by
    the case services' public `case_report_external`."""
    description = (description or "").strip()
    errors = {}
    if len(description) > 4000:
        errors["description"] = "描述不能超过 4000 字"
    if len(address) > 200:
        errors["address_string"] = "地址不能超过 200 字"
    if errors:
        raise ValidationError(errors)
    origin = locate(county, address, lat, lon)
    contact = phone.strip() or email.strip()
    try:
        with transaction.atomic():
            case = case_services.case_report_external(
                source=Source.OPEN311,
                via=app.name,
                title=_title(category, description),
                description=description or category.name,
                category=category,
                origin_unit=origin,
                reporter_name=_submitter(first_name, last_name),
                reporter_phone=contact[:20],
                address=address,
                latitude=lat,
                longitude=lon,
            )
            request = Open311Request.objects.create(
                application=app,
                case=case,
                token=secrets.token_urlsafe(16),
                submitted_at=case.reported_at,
            )
            Open311Application.objects.filter(pk=app.pk).update(
                requests_made=F("requests_made") + 1
            )
            audit_record(
                actor=None,
                actor_name=f"open311:{app.name}"[:150],
                action="open311.submit",
                obj=case,
                details={"application": app.name, "number": case.number, "placed": origin.code},
            )
    except case_services.CaseError as e:
        raise ValidationError(e.message) from None
    return request


# --- what a request shows the public -----------------------------------------------------------


def scrub(text: str) -> str:
    """Mask ID numbers and mobile numbers in free text before it leaves the platform."""
    findings = find_personal_data(text or "")
    for f in reversed(findings):
        if f.kind == ID_KIND:
            raw = text[f.offset : f.offset + 18]
            text = text[: f.offset] + mask_id_number(raw) + text[f.offset + 18 :]
        else:
            m = re.match(r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}", text[f.offset :])
            if m:
                digits = re.sub(r"\D", "", m.group())[-11:]
                text = text[: f.offset] + mask_phone(digits) + text[f.offset + m.end() :]
    return text


def status_of(case: Case) -> str:
    return "open" if case.state in OPEN else "closed"


def status_notes(case: Case) -> str:
    notes = case.get_state_display()
    if case.state not in OPEN and case.result:
        notes += "：" + case.result
    elif case.state == State.PARKED and case.park_reason:
        notes += "：" + case.park_reason
    return scrub(notes)[:500]


def public_requests():
    """Only requests that came in through Open311 are public; staff cases stay internal."""
    return Open311Request.objects.select_related(
        "case__category__parent", "case__responsible_unit"
    ).order_by("-submitted_at", "-id")
