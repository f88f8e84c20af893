"""The formatting publications may use: a tiny Markdown subset rendered from escaped text.

Everything is HTML-escaped first, so no markup from the author survives; then headings
(`# `, `## `), list items (`- `), **bold** and blank-line paragraphs become tags.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def render(source: str) -> SafeString:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in (source or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            out.append(f'<h3 class="h6">{_inline(line[3:])}</h3>')
        elif line.startswith("# "):
            flush()
            out.append(f'<h2 class="h5">{_inline(line[2:])}</h2>')
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(_inline(line[2:]))
        else:
            if items:
                flush()
            paragraph.append(_inline(line))
    flush()
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703
