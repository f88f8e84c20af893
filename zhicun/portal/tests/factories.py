"""Verified villagers for tests: a household in a hamlet, its head, and an account named, as
sign-up names it, by a keyed hash of the phone."""

import itertools

from zhicun.accounts.logins import villager_username
from zhicun.accounts.models import User
from zhicun.portal.models import Villager
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

_seq = itertools.count(1)


def villager(
    hamlet: Unit, username: str | None = None, name: str | None = None, phone: str | None = None
) -> User:
    n = next(_seq)
    household = factories.household(hamlet, head_name=name or f"村民{n}")
    person = household.head
    phone = phone or f"1390000{n:04d}"
    user = User.objects.create_user(
        username=username or villager_username(phone),
        full_name=person.name,
        phone=phone,
        password="x",
    )
    village = next(u for u in hamlet.ancestors() if u.kind == "village")
    Villager.objects.create(user=user, person=person, village=village, phone=phone)
    return User.objects.get(pk=user.pk)
