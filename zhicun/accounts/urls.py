from django.urls import path

from zhicun.accounts import security_views, views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("posts/<int:pk>/revoke/", views.post_revoke, name="post_revoke"),
    path("password/", security_views.password_change, name="password_change"),
    path("otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("otp/verify/", security_views.otp_verify, name="otp_verify"),
    path("security/", security_views.security, name="security"),
    path("security/unlock/", security_views.unlock_username, name="unlock"),
    path("security/users/<int:pk>/", security_views.security_action, name="security_action"),
]
