"""The person search's result rows and area options, written in one pass in Python.

A page shows each of its twenty persons twice (a card on a phone, a table row on a desk) and
offers every unit of the user's scope in the area picker; the template language spends tens of
microseconds resolving and escaping the values of each, which made the page's rows cost more
than its queries. Every value is escaped as `{{ value }}` would escape it (zhicun.lib.markup).
"""

from django import template
from django.utils.safestring import mark_safe

from zhicun.lib.markup import escaped

register = template.Library()

HEAD = ' <span class="badge text-bg-light border">户主</span>'
CARD = (
    '<a class="list-group-item list-group-item-action" href="{household_url}">\n'
    '    <div class="d-flex justify-content-between align-items-baseline">\n'
    '      <span class="fw-semibold">{name}{head}</span>\n'
    '      <span class="small text-muted">{residence}</span>\n'
    "    </div>\n"
    '    <div class="small text-muted">{sex} · {age}岁 · {hamlet} · '
    '<span class="font-monospace">{masked_id}</span></div>\n'
    "  </a>\n"
).format
ROW = (
    "<tr>\n"
    '    <td><a href="{url}">{name}</a>{head}</td>\n'
    "    <td>{sex}</td>\n"
    "    <td>{age}</td>\n"
    '    <td class="d-none d-md-table-cell font-monospace small">{masked_id}</td>\n'
    '    <td class="d-none d-md-table-cell font-monospace small">{masked_phone}</td>\n'
    "    <td>{hamlet}</td>\n"
    '    <td><a href="{household_url}">{household}</a></td>\n'
    "    <td>{residence}</td>\n"
    "  </tr>\n"
).format
NO_CARDS = '<div class="list-group-item text-muted">没有符合条件的人员</div>'
NO_ROWS = '<tr><td colspan="8" class="text-muted">没有符合条件的人员</td></tr>'
# Grids and hamlets are indented under their village in the area picker.
INDENT = {"grid": "　", "hamlet": "　　"}


def _fields(row: dict) -> dict:
    fields = {
        key: escaped(row[key])
        for key in (
            "url",
            "household_url",
            "name",
            "sex",
            "age",
            "masked_id",
            "masked_phone",
            "hamlet",
            "household",
            "residence",
        )
    }
    fields["head"] = HEAD if row["is_head"] else ""
    return fields


@register.filter
def person_cards(rows) -> str:
    """The phone's list: one card per result row (dicts of `views_search._result_rows`)."""
    if not rows:
        return mark_safe(NO_CARDS)  # noqa: S308  # nosec B308 B703
    # Every value is escaped by _fields; the rest is the constant markup above.
    return mark_safe("".join(CARD(**_fields(r)) for r in rows))  # noqa: S308  # nosec B308 B703


@register.filter
def person_table_rows(rows) -> str:
    """The desk's table: one <tr> per result row."""
    if not rows:
        return mark_safe(NO_ROWS)  # noqa: S308  # nosec B308 B703
    return mark_safe("".join(ROW(**_fields(r)) for r in rows))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def unit_options(units, chosen=None) -> str:
    """An <option> per unit of the area picker (dicts with code, name and kind), indented by
    level, the one whose code is `chosen` selected."""
    chosen = str(chosen) if chosen else None
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            f'<option value="{escaped(u["code"])}"'
            f"{' selected' if u['code'] == chosen else ''}>"
            f"{INDENT.get(u['kind'], '')}{escaped(u['name'])}</option>"
            for u in units
        )
    )
