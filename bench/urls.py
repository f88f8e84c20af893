"""The platform's URLs plus the trivial views the benchmarks compare against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.urls import path

from zhicun.api.services import token_user
from zhicun.urls import urlpatterns as platform


@login_required
def trivial_page(request):
    return HttpResponse("ok", content_type="text/plain")


def trivial_api(request):
    """What every API call pays: the middleware and the bearer-token lookup."""
    header = request.headers.get("Authorization", "")
    user = token_user(header.removeprefix("Bearer ").strip()) if header else None
    if user is None:
        return JsonResponse({"detail": "未登录"}, status=401)
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/trivial/", trivial_page),
    path("bench/trivial-api/", trivial_api),
    *platform,
]
