"""HTML written in Python where a template loop would cost more than the page's own queries
(a search's twenty rows shown twice, a form's options): values escaped as `{{ value }}` escapes
them, without the template language's lookups and lazy-string wrappers."""

import html

from django.utils.safestring import SafeData


def escaped(value) -> str:
    """`value` as `{{ value }}` writes it: safe strings pass unchanged, anything else is
    HTML-escaped (the standard library's escape gives the same five entities as Django's)."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


def attributes(attrs: dict) -> str:
    """HTML attributes as django/forms/widgets/attrs.html writes them: in order, each with a
    leading space, True as a bare name, False left out."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
