"""The answer to a locked-out login: a page for people, JSON for the API."""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试或联系安全管理员"


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=429)
    return render(request, "accounts/lockout.html", status=429)


def client_username(request, credentials=None):
    """The username a login attempt names, for lockouts; a villager's mobile number counts
    against their account (zhicun.accounts.logins). A malformed request body (a multipart type
    without a boundary, say) names none, rather than failing the request."""
    from django.http.multipartparser import MultiPartParserError

    from zhicun.accounts.logins import login_username

    if credentials and "username" in credentials:
        return login_username(credentials.get("username"))
    try:
        return login_username(request.POST.get("username"))
    except MultiPartParserError:
        return None
