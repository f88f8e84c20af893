"""URLs of the support pages."""

from django.urls import path

from zhicun.support.views import (
    cadre_assign,
    card_page,
    card_pdf,
    income_card,
    measure_new,
    review_decide,
    review_open,
    review_queue,
    supported_detail,
    supported_edit,
    supported_list,
    supported_new,
    thresholds,
    village_cards,
    village_pdf,
)

app_name = "support"
urlpatterns = [
    path("", supported_list, name="list"),
    path("new/", supported_new, name="new"),
    path("reviews/", review_queue, name="reviews"),
    path("thresholds/", thresholds, name="thresholds"),
    path("<int:pk>/", supported_detail, name="detail"),
    path("<int:pk>/edit/", supported_edit, name="edit"),
    path("<int:pk>/cadre/", cadre_assign, name="cadre"),
    path("<int:pk>/review/", review_open, name="review_open"),
    path("<int:pk>/income/<int:year>/", income_card, name="income"),
    path("<int:pk>/measures/new/", measure_new, name="measure_new"),
    path("<int:pk>/card/", card_page, name="card"),
    path("<int:pk>/card.pdf", card_pdf, name="card_pdf"),
    path("reviews/<int:pk>/decide/", review_decide, name="decide"),
    path("village/<str:code>/cards/", village_cards, name="village_cards"),
    path("village/<str:code>/cards.pdf", village_pdf, name="village_pdf"),
]
