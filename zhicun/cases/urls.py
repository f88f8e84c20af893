from django.urls import path

from zhicun.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("board/", views.board, name="board"),
    path("new/", views.case_new, name="new"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("settings/", views.settings_page, name="settings"),
    path("instructions/", views.instruction_list, name="instructions"),
    path("instructions/new/", views.instruction_new, name="instruction_new"),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction"),
    path("photos/<int:pk>/", views.case_photo, name="photo"),
    path("notices/<int:pk>/ack/", views.notice_ack, name="notice_ack"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/act/", views.case_act, name="act"),
]
