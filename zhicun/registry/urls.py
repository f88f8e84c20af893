from zhicun.registry import views, views_excel, views_search

app_name = "registry"
urlpatterns = views.urls + views_search.urls + views_excel.urls
