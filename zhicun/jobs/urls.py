"""URLs of the jobs pages."""

from django.urls import path

from zhicun.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.opening_list, name="openings"),
    path("employers/new/", views.employer_new, name="employer_new"),
    path("openings/new/", views.opening_new, name="opening_new"),
    path("openings/<int:pk>/", views.opening_detail, name="opening"),
    path("openings/<int:pk>/close/", views.opening_close, name="opening_close"),
    path("openings/<int:pk>/people/<int:person_pk>/event/", views.event_new, name="event"),
    path("openings/<int:pk>/people/<int:person_pk>/place/", views.placement_new, name="place"),
    path("placements/<int:pk>/end/", views.placement_end, name="placement_end"),
    path("stats/", views.stats, name="stats"),
]
