from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import Client

from zhicun.accounts.models import User
from zhicun.disclosure.models import Comment, Kind, LedgerEntry, Publication, Status


def test_the_demo_seeds_publications_villagers_and_is_idempotent(db, client):
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    published = Publication.objects.filter(unit__code="150902200201", status=Status.PUBLISHED)
    assert set(published.values_list("kind", flat=True)) == set(Kind.values)
    finance = published.get(kind=Kind.FINANCE)
    assert finance.data["ledger"] and finance.reviewed_by.username == "jiandu"
    villager1 = User.objects.get(username="villager1")
    assert villager1.is_villager and villager1.check_password(settings.DEMO_PASSWORD)
    assert villager1.villager.village.code == "150902200201"
    counts = (Publication.objects.count(), LedgerEntry.objects.count(), Comment.objects.count())
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert counts == (
        Publication.objects.count(),
        LedgerEntry.objects.count(),
        Comment.objects.count(),
    )
    assert client.get("/p/150902200201/").status_code == 200
    # As the README says: by username, or by the demo mobile number.
    for typed in ("villager1", "13904749001"):
        fresh = Client()
        r = fresh.post("/accounts/login/", {"username": typed, "password": settings.DEMO_PASSWORD})
        assert r.status_code == 302 and int(fresh.session["_auth_user_id"]) == villager1.pk
