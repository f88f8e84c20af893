"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2) over cases.

GET needs no key and shows only requests submitted through Open311, with personal data masked;
POST needs an `api_key` issued to a registered application.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from zhicun.api.open311 import services
from zhicun.api.open311.render import error, iso, respond
from zhicun.api.services import open311_app_for_key

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+08:00"
MAX_RESULTS = 1000
DEFAULT_DAYS = 90


def refuse_nul(view):
    """PostgreSQL cannot hold a NUL character; a request carrying one is refused first."""

    @wraps(view)
    def wrapped(request, fmt, **kwargs):
        values = [*request.GET.values(), *kwargs.values()]
        if request.method == "POST":
            values.extend(request.POST.values())
        if any("\x00" in v for v in values):
            return error(fmt, 400, "参数不能包含空字符")
        return view(request, fmt, **kwargs)

    return wrapped


def _jurisdiction(request, fmt):
    code = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    county = services.jurisdiction_for(code.strip())
    if county is None:
        if code:
            return None, error(fmt, 404, f"未知的 jurisdiction_id：{code[:20]}")
        return None, error(fmt, 400, "请提供 jurisdiction_id（区县代码）")
    return county, None


@require_GET
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:root"))
    counties = [u.code for u in services.jurisdictions()]
    body = {
        "changeset": CHANGESET,
        "contact": "请联系本区县智村平台系统管理员",
        "key_service": "API 密钥由区县系统管理员为登记的第三方应用签发",
        "jurisdictions": counties,
        "endpoints": [
            {
                "specification": SPEC,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", body)


def _service(category) -> dict:
    root = category.parent.name if category.parent_id else category.name
    return {
        "service_code": str(category.pk),
        "service_name": category.name,
        "description": f"{root} / {category.name}" if category.parent_id else category.name,
        "metadata": False,
        "type": "realtime",
        "keywords": root,
        "group": root,
    }


@require_GET
@refuse_nul
def service_list(request, fmt):
    _county, refusal = _jurisdiction(request, fmt)
    if refusal:
        return refusal
    return respond(fmt, "services", [_service(c) for c in services.services_qs()])


@require_GET
@refuse_nul
def service_definition(request, fmt, service_code):
    _county, refusal = _jurisdiction(request, fmt)
    if refusal:
        return refusal
    category = services.service_for_code(service_code)
    if category is None:
        return error(fmt, 404, f"没有这个服务：{service_code[:20]}")
    return respond(fmt, "service_definition", {"service_code": str(category.pk), "attributes": []})


def _request_out(item) -> dict:
    case = item.case
    return {
        "service_request_id": case.number,
        "status": services.status_of(case),
        "status_notes": services.status_notes(case),
        "service_name": case.category.name,
        "service_code": str(case.category_id),
        "description": services.scrub(case.description),
        "agency_responsible": case.responsible_unit.name,
        "service_notice": "",
        "requested_datetime": iso(case.reported_at),
        "updated_datetime": iso(case.updated_at),
        "expected_datetime": iso(case.deadline),
        "address": services.scrub(case.address),
        "address_id": "",
        "zipcode": "",
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": "",
    }


def _parse_when(value: str):
    when = parse_datetime(value.strip().replace(" ", "+")) if value else None
    if value and when is None:
        raise ValueError(f"时间格式应为 ISO 8601：{value[:40]}")
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


@csrf_exempt
@require_http_methods(["GET", "POST"])
@refuse_nul
def request_list(request, fmt):
    if request.method == "POST":
        return _submit(request, fmt)
    county, refusal = _jurisdiction(request, fmt)
    if refusal:
        return refusal
    qs = services.public_requests().filter(case__origin_code__startswith=county.code)
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        qs = qs.filter(case__number__in=ids[:MAX_RESULTS])
    else:
        try:
            start = _parse_when(request.GET.get("start_date", ""))
            end = _parse_when(request.GET.get("end_date", ""))
        except ValueError as e:
            return error(fmt, 400, str(e))
        if start is None and end is None:
            start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            qs = qs.filter(case__reported_at__gte=start)
        if end is not None:
            qs = qs.filter(case__reported_at__lte=end)
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            if not all(c.isdigit() and len(c) <= 12 for c in codes):
                return error(fmt, 400, "service_code 有误")
            qs = qs.filter(case__category_id__in=[int(c) for c in codes])
        wanted = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if wanted - {"open", "closed"}:
            return error(fmt, 400, "status 只能是 open 或 closed")
        if wanted == {"open"}:
            qs = qs.filter(case__state__in=services.OPEN)
        elif wanted == {"closed"}:
            qs = qs.exclude(case__state__in=services.OPEN)
    items = [_request_out(item) for item in qs[:MAX_RESULTS]]
    return respond(fmt, "service_requests", items)


@require_GET
@refuse_nul
def request_detail(request, fmt, service_request_id):
    county, refusal = _jurisdiction(request, fmt)
    if refusal:
        return refusal
    item = (
        services.public_requests()
        .filter(case__number=service_request_id, case__origin_code__startswith=county.code)
        .first()
    )
    if item is None:
        return error(fmt, 404, f"没有这个诉求：{service_request_id[:40]}")
    return respond(fmt, "service_requests", [_request_out(item)])


@require_GET
@refuse_nul
def token_detail(request, fmt, token):
    county, refusal = _jurisdiction(request, fmt)
    if refusal:
        return refusal
    item = services.public_requests().filter(token=token).first()
    if item is None:
        return error(fmt, 404, "没有这个令牌")
    return respond(
        fmt, "service_requests", [{"service_request_id": item.case.number, "token": item.token}]
    )


def _decimal(value: str, low: int, high: int) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        return None
    if not number.is_finite() or not low <= number <= high:
        return None
    return number.quantize(Decimal("0.000001"))


def _submit(request, fmt):
    data = request.POST
    app = open311_app_for_key(data.get("api_key", ""))
    if app is None:
        return error(fmt, 403, "api_key 无效或已停用")
    county, refusal = _jurisdiction(request, fmt)
    if refusal:
        return refusal
    category = services.service_for_code(data.get("service_code", "").strip())
    if category is None:
        return error(fmt, 400, "service_code 无效：请先查询 services 列表")
    lat_raw, lon_raw = data.get("lat", "").strip(), data.get("long", "").strip()
    lat = _decimal(lat_raw, -90, 90) if lat_raw else None
    lon = _decimal(lon_raw, -180, 180) if lon_raw else None
    if (lat_raw and lat is None) or (lon_raw and lon is None) or ((lat is None) != (lon is None)):
        return error(fmt, 400, "lat 和 long 须同时提供有效的经纬度")
    address = data.get("address_string", "").strip()
    if lat is None and not address and not data.get("address_id", "").strip():
        return error(fmt, 400, "请提供位置：lat 与 long，或 address_string")
    try:
        submitted = services.request_submit(
            app=app,
            county=county,
            category=category,
            description=data.get("description", ""),
            address=address,
            lat=lat,
            lon=lon,
            first_name=data.get("first_name", "")[:20],
            last_name=data.get("last_name", "")[:20],
            phone=data.get("phone", "")[:20],
            email=data.get("email", "")[:100],
        )
    except ValidationError as e:
        return error(fmt, 400, "；".join(e.messages))
    notice = (
        f"已受理登记，编号 {submitted.case.number}，由{submitted.case.responsible_unit.name}办理"
    )
    body = [
        {
            "service_request_id": submitted.case.number,
            "token": submitted.token,
            "service_notice": notice,
            "account_id": None,
        }
    ]
    return respond(fmt, "service_requests", body)


def root(request):
    return discovery(request, "json")
