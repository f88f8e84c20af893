"""Issuing, using and revoking API tokens and Open311 application keys; every step is audited.

Token login goes through `django.contrib.auth.authenticate`, the path the web login takes, so
login auditing and any lockout rule attached to it apply to the API as well.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from zhicun.accounts.logins import login_username
from zhicun.accounts.models import Post
from zhicun.api.models import ApiToken, Open311Application, digest, usable_q
from zhicun.audit.services import audit_record

TOKEN_PREFIX = "zc_"
# last_used_at is written at most this often per token, so reads stay reads.
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_days() -> int:
    return int(getattr(settings, "ZHICUN_API_TOKEN_DAYS", 30))


class BadCredentials(Exception):
    """Wrong username or password (or an inactive account): always the same answer."""


def token_login(*, request, username: str, password: str, name: str = ""):
    """(token row, raw token) for a valid username and password, else BadCredentials. A
    villager may give their mobile number, as on the login page."""
    user = authenticate(request, username=login_username(username), password=password)
    if user is None:
        raise BadCredentials
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token_issue(user=user, name=name)


@transaction.atomic
def token_issue(*, user, name: str = "", now: dt.datetime | None = None):
    now = now or timezone.now()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:60],
        prefix=raw[:10],
        key_hash=digest(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=token_days()),
    )
    audit_record(
        actor=user,
        action="token.issue",
        obj=token,
        details={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


def _plausible(raw: str) -> bool:
    return bool(raw) and raw.startswith(TOKEN_PREFIX) and len(raw) <= 100


def _touch(token_pk: int, last_used_at, now: dt.datetime) -> None:
    if last_used_at is None or now - last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)


def token_user(raw: str, *, now: dt.datetime | None = None):
    """The active user a raw bearer token belongs to, or None."""
    if not _plausible(raw):
        return None
    now = now or timezone.now()
    token = ApiToken.objects.usable(now).select_related("user").filter(key_hash=digest(raw)).first()
    if token is None:
        return None
    _touch(token.pk, token.last_used_at, now)
    return token.user


def token_user_with_posts(raw: str, *, now: dt.datetime | None = None):
    """token_user(), with the user's active posts (User.post_list) read in the same query:
    every API call reads the user's scope from them, and one query instead of two is about a
    millisecond less a call. A user without active posts is looked up by token_user()."""
    if not _plausible(raw):
        return None
    now = now or timezone.now()
    token = "user__api_tokens__"  # one filter() call: every condition on the same token
    match = usable_q(now, token=token) & Q(**{f"{token}key_hash": digest(raw)})
    posts = list(
        Post.objects.filter(match, active=True)
        .select_related("user", "unit")
        .annotate(token_pk=F(f"{token}pk"), token_used_at=F(f"{token}last_used_at"))
    )
    if not posts:
        return token_user(raw, now=now)
    user = posts[0].user
    user.remember_posts(posts)
    _touch(posts[0].token_pk, posts[0].token_used_at, now)
    return user


def may_manage_tokens(user) -> bool:
    return user.can("security.manage")


def tokens_visible_to(user):
    """A user sees their own tokens; the security administrator sees everyone's."""
    qs = ApiToken.objects.select_related("user", "revoked_by")
    return qs if may_manage_tokens(user) else qs.filter(user=user)


@transaction.atomic
def token_revoke(*, by, token: ApiToken) -> ApiToken:
    if token.user_id != by.pk and not may_manage_tokens(by):
        raise PermissionDenied("只能吊销自己的令牌")
    if token.revoked_at is not None:
        raise ValidationError("该令牌已吊销")
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=by,
        action="token.revoke",
        obj=token,
        details={"prefix": token.prefix, "owner": token.user.get_username()},
    )
    return token


# --- Open311 applications -----------------------------------------------------------------------


@transaction.atomic
def open311_app_register(
    *, by, name: str, contact: str = "", key: str | None = None
) -> tuple[Open311Application, str]:
    """Register a third-party application; the key is returned once and stored hashed."""
    if not by.can("accounts.manage"):
        raise PermissionDenied("只有系统管理员可以登记第三方应用")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写应用名称"})
    if Open311Application.objects.filter(name=name).exists():
        raise ValidationError({"name": f"应用“{name}”已登记"})
    raw = key or secrets.token_urlsafe(24)
    if Open311Application.objects.filter(key_hash=digest(raw)).exists():
        raise ValidationError({"key": "该密钥已被使用"})
    app = Open311Application.objects.create(
        name=name,
        contact=contact.strip()[:100],
        prefix=raw[:6],
        key_hash=digest(raw),
        created_by=by,
    )
    audit_record(actor=by, action="open311.register", obj=app, details={"name": name})
    return app, raw


@transaction.atomic
def open311_app_revoke(*, by, app: Open311Application) -> Open311Application:
    if not by.can("accounts.manage"):
        raise PermissionDenied("只有系统管理员可以停用第三方应用")
    if app.revoked_at is None:
        app.revoked_at = timezone.now()
        app.save(update_fields=["revoked_at"])
        audit_record(actor=by, action="open311.revoke", obj=app, details={"name": app.name})
    return app


def open311_app_for_key(raw: str) -> Open311Application | None:
    if not raw or len(raw) > 200:
        return None
    return Open311Application.objects.filter(key_hash=digest(raw), revoked_at__isnull=True).first()
