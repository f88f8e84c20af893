from django.urls import path

from zhicun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("posts/<int:pk>/revoke/", views.post_revoke, name="post_revoke"),
]
