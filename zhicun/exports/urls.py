from zhicun.exports import views

app_name = "exports"
urlpatterns = views.urls
