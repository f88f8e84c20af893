"""Tokens: log in for one, list and revoke them."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from zhicun.api.common import LIMIT, NO_NUL, OFFSET, paged, responses
from zhicun.api.errors import ApiError
from zhicun.api.schemas import MAX_ID, ErrorOut, TokenIn, TokenInfo, TokenOut, TokenPage
from zhicun.api.services import (
    BadCredentials,
    may_manage_tokens,
    token_login,
    token_revoke,
    tokens_visible_to,
)

router = Router(tags=["令牌"])


def token_out(token) -> dict:
    return {
        "id": token.pk,
        "user": token.user.get_username(),
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "status": token.status(),
    }


@router.post(
    "/token",
    auth=None,
    response={
        200: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def issue(request, payload: TokenIn):
    """Exchange a username and password for a bearer token (valid for 30 days by default).

    Five failures lock the account, and the client address, for 15 minutes (429)."""
    if request.content_type != "application/json":
        raise ApiError(415, "请以 JSON（application/json）提交用户名和密码")
    try:
        token, raw = token_login(
            request=request, username=payload.username, password=payload.password, name=payload.name
        )
    except BadCredentials:
        raise ApiError(401, "用户名或密码错误") from None
    return {"token": raw, "expires_at": token.expires_at}


@router.get("/tokens", response=responses({200: TokenPage}))
def tokens(
    request,
    username: str | None = Query(
        None, max_length=150, pattern=NO_NUL, description="（安全管理员）按用户筛选"
    ),
    active: bool | None = Query(None, description="只看有效的（true）或已失效的（false）"),
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """Your own tokens; the security administrator sees everyone's."""
    qs = tokens_visible_to(request.user)
    if username and may_manage_tokens(request.user):
        qs = qs.filter(user__username=username)
    if active is not None:
        usable = qs.model.objects.usable().values("pk")
        qs = qs.filter(pk__in=usable) if active else qs.exclude(pk__in=usable)
    return paged(qs, limit, offset, token_out)


@router.delete("/tokens/{token_id}", response=responses({200: TokenInfo}, 400, 404))
def revoke(request, token_id: int = Path(..., ge=1, le=MAX_ID)):
    """Revoke a token at once (your own; the security administrator may revoke anyone's)."""
    token = get_object_or_404(tokens_visible_to(request.user), pk=token_id)
    try:
        token_revoke(by=request.user, token=token)
    except ValidationError as e:
        raise ApiError(400, e.messages[0]) from None
    return token_out(token)
