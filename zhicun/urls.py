from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhicun import views
from zhicun.accounts import views as account_views
from zhicun.api.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("zhicun.accounts.urls")),
    path("units/", include("zhicun.units.urls")),
    path("registry/", include("zhicun.registry.urls")),
    path("exports/", include("zhicun.exports.urls")),
    path("support/", include("zhicun.support.urls")),
    path("jobs/", include("zhicun.jobs.urls")),
    path("audit/", include("zhicun.audit.urls")),
    path("cases/", include("zhicun.cases.urls")),
    path("errands/", include("zhicun.errands.urls")),
    path("notify/", include("zhicun.notify.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("zhicun.api.open311.urls")),
    path("disclosure/", include("zhicun.disclosure.urls")),
    path("p/", include("zhicun.portal.urls")),
    path("dashboard/", include("zhicun.dashboard.urls")),
    path("django-admin/", admin.site.urls),
]
