"""`reverse()` for what every page or every row of a list links to, each URL reversed once per
URL configuration and script prefix. `reverse()` and `{% url %}` cost tens of microseconds a call
(translation and prefix look-ups every time): on a page of thirty rows more than the rest of it,
and in the menu on every page as much as a small view."""

from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# How Django quotes a reversed URL (django.urls.resolvers.URLResolver._reverse_with_prefix).
_SAFE = "!$&'()*+,;=/~:@"


@cache
def _around(name: str, urlconf: str, script_prefix: str) -> tuple[str, str]:
    """The URL of `name` before and after its one argument."""
    one = reverse(name, args=[1], urlconf=urlconf)
    two = reverse(name, args=[2], urlconf=urlconf)
    at = next(i for i, (a, b) in enumerate(zip(one, two, strict=True)) if a != b)
    head, tail = one[:at], one[at + 1 :]
    if two != f"{head}2{tail}":
        raise ValueError(f"{name} does not take exactly one argument")
    return head, tail


def row_url(name: str, arg) -> str:
    """`reverse(name, args=[arg])` for a URL whose only argument is a number or a code."""
    return row_urls(name)(arg)


def row_urls(name: str):
    """`row_url` for the rows of one page: the URL configuration and script prefix (each a
    context-local look-up) read once, then each row's URL is a string concatenation."""
    head, tail = _around(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return lambda arg: head + quote(str(arg), safe=_SAFE) + tail


@cache
def _fixed(name: str, urlconf: str, script_prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def fixed_url(name: str) -> str:
    """`reverse(name)` for a URL without arguments."""
    return _fixed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
