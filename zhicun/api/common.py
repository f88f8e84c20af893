"""Helpers shared by the API's routers: documented error codes, paging, the `unit` filter."""

from django.db.models import QuerySet
from ninja import Query

from zhicun.api.schemas import ErrorOut
from zhicun.units.models import Unit
from zhicun.units.scope import get_for_user

# Text query parameters: PostgreSQL cannot hold a NUL character, so it is refused up front.
NO_NUL = r"^[^\x00]*$"
LIMIT = Query(50, ge=1, le=200, description="每页条数")
OFFSET = Query(0, ge=0, le=10**9, description="跳过条数")
UNIT = Query(None, pattern=r"^[0-9]{1,18}$", description="单位代码：该单位及其下级")


def responses(ok: dict, *codes: int) -> dict:
    """Success shapes plus the error codes an endpoint documents (401 and 422 always)."""
    out = dict(ok)
    for code in (401, 422, *codes):
        out[code] = ErrorOut
    return out


def scoped_unit(user, code: str | None) -> Unit | None:
    """The unit named by a `unit` filter, or 404 when it is outside the user's scope."""
    if not code:
        return None
    return get_for_user(Unit.objects.all(), user, code=code)


def paged(qs: QuerySet, limit: int, offset: int, serialize) -> dict:
    return {"count": qs.count(), "items": [serialize(o) for o in qs[offset : offset + limit]]}
