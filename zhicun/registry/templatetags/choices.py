"""Options of a choice field as plain data, so a long form renders its choices in one template
loop instead of one widget template per option (the search form has about two hundred)."""

from django import template

register = template.Library()


@register.filter
def choice_states(bound_field) -> list[tuple[str, str, bool]]:
    """(value, label, chosen) for each choice of the field, in order."""
    value = bound_field.value()
    if value is None:
        chosen = set()
    elif isinstance(value, (list, tuple)):
        chosen = {str(v) for v in value}
    else:
        chosen = {str(value)}
    return [(str(v), label, str(v) in chosen) for v, label in bound_field.field.choices]
