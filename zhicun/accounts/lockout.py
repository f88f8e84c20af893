"""The answer to a locked-out login: a page for people, JSON for the API."""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试或联系安全管理员"


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=429)
    return render(request, "accounts/lockout.html", status=429)
