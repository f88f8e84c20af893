"""Every API error is JSON with a Chinese `detail` and the status a client can act on."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from zhicun.cases.services import CaseError
from zhicun.errands.services import ErrandError
from zhicun.lib.versioning import ConflictError

NOT_FOUND = "未找到该记录，或不在您的管辖范围内"


class ApiError(Exception):
    """A refusal with a status and a Chinese message, raised by endpoints."""

    def __init__(self, status: int, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors


def field_errors(exc: ValidationError) -> tuple[str, dict]:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(errors.values()), ["输入有误"])[0]
        return first, errors
    messages = [str(m) for m in exc.messages]
    return (messages[0] if messages else "输入有误"), {"__all__": messages}


def _schema_errors(errors: list) -> dict:
    out: dict[str, list[str]] = {}
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "payload")]
        out.setdefault(".".join(loc) or "__all__", []).append(str(e.get("msg", "")))
    return out


def install(api: NinjaAPI) -> None:
    def respond(request, status: int, detail: str, errors: dict | None = None):
        body = {"detail": detail}
        if errors:
            body["errors"] = errors
        return api.create_response(request, body, status=status)

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.detail, exc.errors)

    @api.exception_handler(ValidationError)
    def on_validation(request, exc: ValidationError):
        detail, errors = field_errors(exc)
        return respond(request, 400, detail, errors)

    @api.exception_handler(SchemaError)
    def on_schema(request, exc: SchemaError):
        return respond(request, 422, "请求格式或参数有误", _schema_errors(exc.errors))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return respond(request, 401, "未认证：请提供有效的访问令牌（Authorization: Bearer …）")

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc: PermissionDenied):
        return respond(request, 403, str(exc) or "您的岗位没有此项权限")

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, NOT_FOUND)

    @api.exception_handler(CaseError)
    def on_case_error(request, exc: CaseError):
        return respond(request, 400, exc.message)

    @api.exception_handler(ErrandError)
    def on_errand_error(request, exc: ErrandError):
        return respond(request, 400, exc.message)

    @api.exception_handler(ConflictError)
    def on_conflict(request, exc: ConflictError):
        return respond(request, 409, exc.message)

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
            return respond(request, 400, "请求体无法解析：应为 UTF-8 编码的 JSON")
        return respond(request, exc.status_code, str(exc.message))
