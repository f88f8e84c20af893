from unittest import mock

from django.db.utils import OperationalError


def test_it_answers_ok_with_the_database_up(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_it_answers_503_when_the_database_is_unreachable(client, db):
    with mock.patch("zhicun.views.connection.cursor", side_effect=OperationalError("down")):
        r = client.get("/healthz")
    assert r.status_code == 503
