from django.urls import path

from zhicun.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/", views.signup_confirm, name="signup_confirm"),
    path("me/", views.me, name="me"),
    path("me/household/", views.household, name="household"),
    path("me/cases/new/", views.case_new, name="case_new"),
    path("me/cases/<str:number>/", views.case_page, name="case"),
    path("me/cases/<str:number>/rate/", views.case_rate, name="case_rate"),
    path("corrections/<int:pk>/handle/", views.correction_handle, name="correction_handle"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("<str:code>/", views.village_page, name="village"),
    path("<str:code>/k/<str:kind>/", views.kind_list, name="kind"),
    path("<str:code>/a/<int:pk>/", views.publication_page, name="publication"),
    path("<str:code>/a/<int:pk>/comment/", views.comment_new, name="comment"),
]
