"""The JSON API (SPEC §10): /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Endpoints reach data only through the scope mechanism and the apps' service functions, so the
API sees, masks and audits exactly what the web pages do.
"""

from ninja import NinjaAPI

from zhicun.api import errors
from zhicun.api.auth import BearerToken
from zhicun.api.renderers import Utf8JSONRenderer
from zhicun.api.routers import auth, cases, errands, publications, registry, units

DESCRIPTION = """智村数据接口。

1. `POST /api/v1/auth/token` 以用户名和密码换取令牌；
2. 之后每个请求带上请求头 `Authorization: Bearer <令牌>`。

数据范围、脱敏和审计与网页端相同：管辖范围之外的记录一律返回 404。
列表接口均支持 `limit`/`offset` 分页，返回 `{"count": 总数, "items": [...]}`，
并可用 `unit`（单位代码，含其下级）筛选。
"""

api = NinjaAPI(
    title="智村 API",
    version="1",
    description=DESCRIPTION,
    auth=BearerToken(),
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/", units.router)
api.add_router("/", registry.router)
api.add_router("/", cases.router)
api.add_router("/", errands.router)
api.add_router("/", publications.router)
