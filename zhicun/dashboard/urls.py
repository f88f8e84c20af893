from django.urls import path

from zhicun.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.unit_page, name="unit"),
    path("<str:code>/screen/", views.screen, name="screen"),
    path("<str:code>/data.json", views.data_json, name="data"),
]
