"""Verified villagers for tests: a household in a hamlet, its head, and an account."""

import itertools

from zhicun.accounts.models import User
from zhicun.portal.models import Villager
from zhicun.registry.tests import factories
from zhicun.units.models import Unit

_seq = itertools.count(1)


def villager(hamlet: Unit, username: str | None = None, name: str | None = None) -> User:
    n = next(_seq)
    household = factories.household(hamlet, head_name=name or f"村民{n}")
    person = household.head
    user = User.objects.create_user(
        username=username or f"1390000{n:04d}", full_name=person.name, password="x"
    )
    village = next(u for u in hamlet.ancestors() if u.kind == "village")
    Villager.objects.create(user=user, person=person, village=village, phone=user.username)
    return User.objects.get(pk=user.pk)
