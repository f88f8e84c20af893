"""Template filters of the villagers' pages."""

from django import template

register = template.Library()


@register.filter
def case_state(code: str) -> str:
    """The Chinese name of a case state, for a villager's timeline."""
    from zhicun.cases.models import State

    try:
        return State(code).label
    except ValueError:
        return code
