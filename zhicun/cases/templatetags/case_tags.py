"""Per-row pieces of the case tables, each a dictionary lookup or a string operation: the
`{% url %}` tag, the `date` filter and `get_state_display` cost tens of microseconds a row,
which on a page of thirty rows is more than the rest of the table. The rows themselves are
written by `case_rows` in one pass: the template language spends about eighty microseconds a
row resolving and escaping its ten values, more than the board's own query."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from zhicun.cases.models import State
from zhicun.lib import lights
from zhicun.lib.markup import escaped
from zhicun.lib.urls import row_urls

register = template.Library()


def _badge(colour: str, title: str, label: str) -> str:
    title_attr = format_html(' title="{}"', title) if title else ""
    return format_html(
        '<span class="badge text-bg-{}"{}><i class="bi bi-circle-fill"></i> {}</span>',
        colour,
        title_attr,
        label,
    )


BADGES = {
    lights.RED: _badge("danger", "已超期", lights.LABELS[lights.RED]),
    lights.YELLOW: _badge("warning", "即将超期", lights.LABELS[lights.YELLOW]),
    lights.GREEN: _badge("success", "", lights.LABELS[lights.GREEN]),
}
STATE_LABELS = dict(State.choices)


@register.filter
def light_badge(light: str) -> str:
    """The badge for a light ("red", "yellow", "green"); nothing for no light."""
    return BADGES.get(light, "")


@register.filter
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


ROW = (
    '<tr><td class="text-nowrap small"><a href="{}">{}</a></td><td>{}{}</td>'
    '<td class="small">{}</td><td class="small text-nowrap">{}</td><td>{}</td>'
    '<td class="small d-none d-md-table-cell">{}</td>'
    '<td class="small text-nowrap d-none d-md-table-cell">{}</td></tr>\n'
).format
PENDING = ' <span class="badge text-bg-info">延期待批</span>'
NO_ROWS = mark_safe(  # noqa: S308  # nosec B308
    '<tr><td colspan="7" class="text-muted">没有符合条件的事件</td></tr>'
)


@register.filter
def case_rows(rows) -> str:
    """The <tr> of each row of cases/_table.html (a dict of `views._table_rows` with its
    `light_now`), every value escaped as the template would."""
    if not rows:
        return NO_ROWS
    # The URL configuration and the time zone (context-local look-ups) are read once a page.
    detail_url = row_urls("cases:detail")
    zone = timezone.get_current_timezone()

    def deadline(value) -> str:  # `value|date:"m-d H:i"|default:"—"` in local time
        return value.astimezone(zone).strftime("%m-%d %H:%M") if value else "—"

    # Every value below is escaped or one of the constants above.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            ROW(
                escaped(detail_url(row["number"])),
                escaped(row["number"]),
                escaped(row["title"]),
                PENDING if row["extension_pending"] else "",
                escaped(row["category_name"]),
                escaped(state_label(row["state"])),
                light_badge(row["light_now"]),
                escaped(row["unit_name"]),
                escaped(deadline(row["deadline"])),
            )
            for row in rows
        )
    )
