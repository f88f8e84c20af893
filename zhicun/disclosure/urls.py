from django.urls import path

from zhicun.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.publication_list, name="list"),
    path("new/", views.publication_new, name="new"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/edit/", views.publication_edit, name="edit"),
    path("<int:pk>/act/", views.publication_act, name="act"),
    path("<int:pk>/attach/", views.attachment_upload, name="attach"),
    path("files/<int:pk>/", views.attachment_file, name="file"),
    path("files/<int:pk>/delete/", views.attachment_delete, name="file_delete"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/generate/", views.ledger_generate, name="generate"),
    path("ledger/<int:pk>/reverse/", views.ledger_reverse, name="reverse"),
    path("log/", views.log_list, name="log"),
    path("log/<int:pk>/publish/", views.log_publish, name="log_publish"),
    path("log/<int:pk>/case/", views.log_case, name="log_case"),
    path("comments/", views.comment_queue, name="comments"),
    path("comments/<int:pk>/act/", views.comment_act, name="comment_act"),
    path("completion/", views.completion, name="completion"),
    path("settings/<str:code>/", views.village_settings, name="settings"),
]
