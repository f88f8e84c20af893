import pytest
import time_machine

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-28 10:00 +0800", tick=False)
def test_it_counts_open_openings_and_idle_villagers_in_scope(
    login, dashihao, xiaoshihao, opening, villagers, outsider
):
    r = login(dashihao).get("/")
    panel = next(p for p in r.context["panels"] if p["title"] == "就业帮扶")
    assert [link["count"] for link in panel["links"]] == [1, 4]
    r = login(xiaoshihao).get("/")
    panel = next(p for p in r.context["panels"] if p["title"] == "就业帮扶")
    assert [link["count"] for link in panel["links"]] == [1, 1]
