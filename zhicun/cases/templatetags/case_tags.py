"""Per-row pieces of the case tables, each a dictionary lookup or a string operation: the
`{% url %}` tag, the `date` filter and `get_state_display` cost tens of microseconds a row,
which on a page of thirty rows is more than the rest of the table."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from zhicun.cases.models import State
from zhicun.lib import lights
from zhicun.lib.urls import row_url

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


@register.filter
def case_url(number: str) -> str:
    return row_url("cases:detail", number)


@register.filter
def month_day_time(value) -> str:
    """`value|date:"m-d H:i"|default:"—"` in local time."""
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else "—"
