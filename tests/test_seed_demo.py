from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhicun.accounts.models import Post, User
from zhicun.units.models import Unit


def counts():
    return Unit.objects.count(), User.objects.count(), Post.objects.count()


def test_it_is_idempotent_and_prints_the_accounts(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    text = out.getvalue()
    assert "Zhicun@2026" in text and "collector1" in text and "baocun" in text
    assert Unit.objects.get(code="150902200201").name == "大十号村"
    assert Unit.objects.filter(parent__code="150902200201").count() == 2
    assert User.objects.get(username="baocun").posts.count() == 2


def test_it_refuses_production_mode(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
