"""Options of a choice field as plain data, so a long form renders its choices in one template
loop instead of one widget template per option (the search form has about two hundred; the case
filters use it too), or as the <option> tags themselves, written in Python."""

from django import forms, template
from django.utils.safestring import mark_safe

from zhicun.lib.markup import escaped

register = template.Library()


def _options(field) -> list[tuple[object, str]]:
    """The field's (value, label) pairs. A model choice field's rows are read with one plain
    query rather than through its choice iterator, which opens a server-side cursor."""
    if not isinstance(field, forms.ModelChoiceField):
        return list(field.choices)
    head = [] if field.empty_label is None else [("", field.empty_label)]
    return head + [
        (field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset
    ]


@register.filter
def choice_states(bound_field) -> list[tuple[str, str, bool]]:
    """(value, label, chosen) for each choice of the field, in order, chosen as the field's own
    widget would mark it (a single select with no value marks its empty option)."""
    value = bound_field.value()
    if value is None:
        chosen = set() if bound_field.field.widget.allow_multiple_selected else {""}
    elif isinstance(value, (list, tuple)):
        chosen = {str(v) for v in value}
    else:
        chosen = {str(value)}
    return [(str(v), label, str(v) in chosen) for v, label in _options(bound_field.field)]


@register.filter
def option_tags(bound_field) -> str:
    """The field's <option> tags, chosen as `choice_states` marks them, values and labels
    escaped: a template loop over the options resolves and escapes each value through the
    template language, which for a filter bar on every page costs more than writing them."""
    return mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            f'<option value="{escaped(value)}"{" selected" if chosen else ""}>'
            f"{escaped(label)}</option>"
            for value, label, chosen in choice_states(bound_field)
        )
    )
