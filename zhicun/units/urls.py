from django.urls import path

from zhicun.units import views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("import/", views.import_csv, name="import"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.child_new, name="child_new"),
    path("<str:code>/rename/", views.rename, name="rename"),
    path("<str:code>/move/", views.move, name="move"),
]
