"""Options of a choice field as plain data, so a long form renders its choices in one template
loop instead of one widget template per option (the search form has about two hundred; the case
filters use it too)."""

from django import forms, template

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
