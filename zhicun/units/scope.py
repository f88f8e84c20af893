"""Data scope (SPEC §2): the one place that decides which rows a user may see.

Every list, detail, count and export goes through `ScopedQuerySet.in_scope(user)` or
`get_for_user()`. A model opts in by naming the path to its unit code (`scope_path`) and,
where villagers may see their own rows, the path to the villager's user (`villager_path`).
"""

from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404

NOTHING = Q(pk__in=[])


def scope_codes(user) -> tuple[str, ...]:
    """Unit codes whose subtrees the user sees, through posts with a business role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    return user.scope_codes


def covers(user, code: str) -> bool:
    """Whether the unit with this code lies within the user's scope, and so everything below it."""
    return any(code.startswith(c) for c in scope_codes(user))


def scope_q(user, code_path: str) -> Q:
    codes = scope_codes(user)
    if not codes:
        return NOTHING
    q = Q()
    for code in codes:
        q |= Q(**{f"{code_path}__startswith": code})
    return q


class ScopedQuerySet(models.QuerySet):
    def in_scope(self, user) -> "ScopedQuerySet":
        q = scope_q(user, self.model.scope_path)
        villager_path = getattr(self.model, "villager_path", None)
        if villager_path and getattr(user, "is_authenticated", False) and user.is_villager:
            q = q | Q(**{villager_path: user}) if q is not NOTHING else Q(**{villager_path: user})
        return self.filter(q)

    def below(self, code: str) -> "ScopedQuerySet":
        return self.filter(**{f"{self.model.scope_path}__startswith": code})

    def in_scope_below(self, user, code: str) -> "ScopedQuerySet":
        """The rows of `in_scope(user).below(code)`. When the unit lies within the user's scope,
        being below it already means being in scope, and the scope condition is left out:
        PostgreSQL, taking the two for independent, would expect far fewer rows than match
        and choose plans for those few."""
        return self.below(code) if covers(user, code) else self.in_scope(user).below(code)


def get_for_user(queryset, user, **lookup):
    """The object if the user may see it, else 404 — never 403, so outsiders learn nothing."""
    return get_object_or_404(queryset.in_scope(user), **lookup)
