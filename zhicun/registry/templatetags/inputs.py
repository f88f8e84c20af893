"""`{{ field }}` for a text, number or date input, built in Python: the widget's own rendering
goes through two templates, which for the few inputs of a form shown on every page costs as much
as the rest of the form."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def input_tag(bound_field) -> str:
    """The same <input> the field's widget renders (its type, name, value and attributes)."""
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attributes(context["attrs"]),
    )


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: in order, True as a bare name, False
    left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )
