"""Login names. A villager signs in with their mobile number, but the number is not their
username: the account is named by a keyed hash of it ("v" + 24 hex digits), so that the number
stays out of the accounts, lockout and audit tables. `login_username` turns what someone typed
into the username to authenticate (and to count failures against)."""

import re

from django.apps import apps
from django.db.models import Q

from zhicun.lib.crypto import blind_index

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_VILLAGER_USERNAME = re.compile(r"^v[0-9a-f]{24}$")


def as_mobile(text: str | None) -> str | None:
    """The 11-digit mobile number written in `text` (spaces, dashes, +86 allowed), else None."""
    phone = re.sub(r"[\s-]", "", text or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    return phone if _MOBILE.match(phone) else None


def villager_username(phone: str) -> str:
    return "v" + blind_index(phone)[:24]


def is_villager_username(username: str | None) -> bool:
    return bool(username and _VILLAGER_USERNAME.match(username))


def login_username(typed: str | None) -> str | None:
    """The account a login names. A mobile number names the villager registered with it (found
    by the keyed hash, so this keeps working after the index key is changed); an unknown number
    becomes the name a villager with it would have, so failures are counted without storing the
    number. A staff account whose username happens to be digits keeps working."""
    phone = as_mobile(typed)
    if phone is None:
        return typed
    from zhicun.accounts.models import User

    if User.objects.filter(username=typed.strip()).exists():
        return typed.strip()
    if apps.is_installed("zhicun.portal"):
        from zhicun.portal.models import Villager

        username = (
            Villager.objects.filter(phone=phone).values_list("user__username", flat=True).first()
        )
        if username:
            return username
    return villager_username(phone)


def user_search(q: str) -> Q:
    """Accounts whose username or name contains `q`; a mobile number finds its account."""
    found = Q(username__icontains=q) | Q(full_name__icontains=q)
    phone = as_mobile(q)
    if phone:
        found |= Q(phone=phone) | Q(username=login_username(q))
    return found
