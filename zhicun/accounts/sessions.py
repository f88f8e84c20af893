"""Session policy: idle timeout, absolute lifetime, password age and the second factor, in one
middleware; and ending all of a user's sessions (and API tokens) at once."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.dispatch import Signal
from django.shortcuts import redirect
from django.utils import timezone

from zhicun.accounts.models import UserSession

# Sent when all of a user's sessions end; the API app revokes the user's tokens on it.
sessions_ended = Signal()

LOGIN_AT = "zhicun_login_at"
SEEN_AT = "zhicun_seen_at"

# Paths a signed-in user may reach while the policy asks something of them.
EXEMPT = (
    "/accounts/logout/",
    "/accounts/password/",
    "/accounts/otp/",
    "/static/",
    "/healthz",
    "/api/",
    "/open311/",
)


def end_user_sessions(user, *, except_key: str | None = None) -> int:
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=except_key or "")
        .values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    sessions_ended.send(sender=type(user), user=user)
    return len(keys)


def password_expired(user) -> bool:
    days = settings.ZHICUN_PASSWORD_MAX_AGE_DAYS
    if not days or user.is_villager:
        return False
    changed = user.password_changed_at
    return changed is None or (timezone.now() - changed).days >= days


def needs_second_factor(user) -> bool:
    """Staff with a confirmed device, or all staff when 2FA is required."""
    if user.is_villager:
        return False
    from django_otp import user_has_device

    return settings.ZHICUN_REQUIRE_2FA or user_has_device(user)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.enforce(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def enforce(self, request, user):
        session = request.session
        now = time.time()
        login_at = session.get(LOGIN_AT, now)
        seen_at = session.get(SEEN_AT, now)
        if now - seen_at > settings.ZHICUN_IDLE_TIMEOUT_SECONDS:
            return self._expire(request, "长时间未操作，已自动退出，请重新登录")
        if now - login_at > settings.ZHICUN_SESSION_MAX_SECONDS:
            return self._expire(request, "登录已超过最长时限，请重新登录")
        if LOGIN_AT not in session:
            session[LOGIN_AT] = now
        if now - seen_at > 60 or SEEN_AT not in session:
            session[SEEN_AT] = now  # written at most once a minute
        if request.path.startswith(EXEMPT):
            return None
        if needs_second_factor(user) and not user.is_verified():
            from django_otp import user_has_device

            return redirect(
                "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
            )
        if password_expired(user):
            messages.warning(request, "密码已超过有效期，请先修改密码")
            return redirect("accounts:password_change")
        return None

    def _expire(self, request, message: str):
        UserSession.objects.filter(session_key=request.session.session_key).delete()
        logout(request)
        messages.info(request, message)
        return redirect(settings.LOGIN_URL)
