"""Password change, the second factor (TOTP with recovery codes), and the security
administrator's page (locked accounts, sessions, disabling accounts)."""

import base64
import secrets
from urllib.parse import urlencode

import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicun.accounts import services
from zhicun.accounts.decorators import require_perm
from zhicun.accounts.logins import is_villager_username, user_search
from zhicun.accounts.models import User
from zhicun.audit.services import audit_record

RECOVERY_CODES = 10


@login_required
def password_change(request):
    errors: dict = {}
    if request.method == "POST":
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            errors = {"new_password2": ["两次输入的新密码不一致"]}
        else:
            try:
                services.password_change(
                    user=request.user,
                    old_password=request.POST.get("old_password", ""),
                    new_password=new,
                    session_key=request.session.session_key,
                )
            except ValidationError as e:
                errors = (
                    e.message_dict if hasattr(e, "error_dict") else {"new_password": e.messages}
                )
            else:
                from django.contrib.auth import update_session_auth_hash

                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改，其他设备上的登录已退出")
                return redirect("home")
    return render(request, "accounts/password_change.html", {"errors": errors})


def _qr_data_uri(device: TOTPDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
def otp_setup(request):
    """Enrol a TOTP authenticator: scan, confirm with a code, receive recovery codes once."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, "已绑定动态口令")
        return redirect("home")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            static, _ = StaticDevice.objects.get_or_create(user=user, name="恢复码")
            static.token_set.all().delete()
            codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
            for code in codes:
                StaticToken.objects.create(device=static, token=code)
            otp_login(request, device)
            audit_record(actor=user, action="otp.enroll", obj=user)
            return render(request, "accounts/otp_codes.html", {"codes": codes})
        error = "动态口令不正确，请核对手机时间后重试"
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/otp_setup.html",
        {"qr": _qr_data_uri(device), "secret": secret, "error": error},
    )


@login_required
def otp_verify(request):
    error = ""
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("token", "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(request.GET.get("next") or "home")
        audit_record(actor=request.user, action="otp.verify_failed", success=False)
        error = "动态口令或恢复码不正确"
    return render(request, "accounts/otp_verify.html", {"error": error})


@require_perm("security.manage")
def security(request):
    limit = settings.AXES_FAILURE_LIMIT
    locked = AccessAttempt.objects.filter(failures_since_start__gte=limit).order_by("-attempt_time")
    locked = list(locked[:100])
    _show_villagers(locked)
    q = request.GET.get("q", "").strip()
    users = User.objects.none()
    if q:
        users = User.objects.filter(user_search(q))[:50]
    return render(request, "accounts/security.html", {"locked": locked, "users": users, "q": q})


def _show_villagers(attempts) -> None:
    """Villagers' usernames are keyed hashes: show the masked number they sign in with."""
    hashed = {a.username for a in attempts if is_villager_username(a.username)}
    shown = {u.username: u.shown_username for u in User.objects.filter(username__in=hashed)}
    for a in attempts:
        a.shown_username = (
            shown.get(a.username, "未注册的手机号") if a.username in hashed else a.username
        )


@require_POST
@require_perm("security.manage")
def security_action(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "unlock":
            services.user_unlock(by=request.user, username=user.username)
            messages.success(request, f"已解除 {user.shown_username} 的锁定")
        elif action == "end_sessions":
            n = services.user_end_sessions(by=request.user, user=user)
            messages.success(request, f"已强制 {user.shown_username} 下线（{n} 个会话）")
        elif action in ("disable", "enable"):
            services.user_set_active(by=request.user, user=user, active=action == "enable")
            messages.success(
                request, f"已{'启用' if action == 'enable' else '停用'} {user.shown_username}"
            )
        else:
            messages.error(request, "未知操作")
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    return redirect(reverse("accounts:security") + "?" + urlencode({"q": user.username}))


@require_POST
@require_perm("security.manage")
def unlock_username(request):
    username = request.POST.get("username", "").strip()[:150]
    if username:
        services.user_unlock(by=request.user, username=username)
        messages.success(request, f"已解除 {username} 的锁定")
    return redirect("accounts:security")
