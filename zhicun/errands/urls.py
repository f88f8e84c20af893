from django.urls import path

from zhicun.errands import views

app_name = "errands"

urlpatterns = [
    path("", views.errand_list, name="list"),
    path("new/", views.errand_new, name="new"),
    path("pension/", views.pension, name="pension"),
    path("stats/", views.stats_page, name="stats"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.catalogue_edit, name="catalogue_new"),
    path("catalogue/<int:pk>/", views.catalogue_edit, name="catalogue_edit"),
    path("<int:pk>/", views.errand_detail, name="detail"),
    path("<int:pk>/act/", views.errand_act, name="act"),
]
