"""Open311 GeoReport v2 endpoints; each answers in JSON or XML by its extension."""

from django.urls import path, re_path

from zhicun.api.open311 import views

FMT = r"\.(?P<fmt>json|xml)$"

app_name = "open311"
urlpatterns = [
    path("", views.root, name="root"),
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[^/]{1,40})" + FMT, views.service_definition),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]{1,40})" + FMT, views.request_detail),
    re_path(r"^tokens/(?P<token>[^/]{1,60})" + FMT, views.token_detail),
]
