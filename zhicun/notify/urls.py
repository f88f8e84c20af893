from django.urls import path

from zhicun.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.messages_page, name="messages"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
