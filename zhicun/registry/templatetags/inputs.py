"""The search form's fields built in Python. A widget's own rendering goes through two templates
per input (and one per option), and even a template loop over a field's options resolves and
escapes every value through the template language: for the fields shown on every search page
that cost more than the rest of the form. Values are escaped as `{{ value }}` escapes them."""

from django import template
from django.utils.safestring import mark_safe

from zhicun.lib.markup import attributes, escaped
from zhicun.registry.templatetags.choices import choice_states

register = template.Library()

MULTIPLE = ' size="6" multiple'
MULTIPLE_HELP = '<div class="form-text">按住 Ctrl 或长按可多选</div>'


@register.filter
def input_tag(bound_field) -> str:
    """The same <input> the field's widget renders (its type, name, value and attributes)."""
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    value = context["value"]
    shown = f' value="{escaped(value)}"' if value is not None else ""
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every value is escaped
        f'<input type="{escaped(context["type"])}" name="{escaped(context["name"])}"'
        f"{shown}{attributes(context['attrs'])}>"
    )


@register.simple_tag
def search_field(field) -> str:
    """One field of the search form with its label and errors: a row of checkboxes, a select
    (a list for the long code tables) or an input."""
    kind = field.widget_type
    name, id_ = escaped(field.html_name), escaped(field.auto_id)
    label = escaped(field.label)
    if kind == "checkboxselectmultiple":
        boxes = "".join(
            f'<div class="form-check form-check-inline"><input type="checkbox" name="{name}"'
            f' value="{escaped(value)}" class="form-check-input" id="{id_}_{i}"'
            f'{" checked" if chosen else ""}><label class="form-check-label"'
            f' for="{id_}_{i}">{escaped(text)}</label></div>'
            for i, (value, text, chosen) in enumerate(choice_states(field))
        )
        html = (
            f'\n<fieldset class="col-12">\n  <legend class="form-label small fw-semibold mb-1">'
            f"{label}</legend>\n  {boxes}\n</fieldset>\n"
        )
    else:
        many = kind == "selectmultiple"
        if kind in ("select", "selectmultiple"):
            options = "".join(
                f'<option value="{escaped(value)}"{" selected" if chosen else ""}>'
                f"{escaped(text)}</option>"
                for value, text, chosen in choice_states(field)
            )
            control = (
                f'<select name="{name}" class="form-select form-select-sm" id="{id_}"'
                f"{MULTIPLE if many else ''}>{options}</select>"
            )
        elif getattr(field.field.widget, "input_type", None):
            control = input_tag(field)
        else:
            control = str(field)  # the widget's own rendering, already safe HTML
        html = (
            f'\n<div class="{"col-12 col-md-4" if many else "col-6 col-md-3"}">\n'
            f'  <label class="form-label small fw-semibold mb-1"'
            f' for="{escaped(field.id_for_label)}">{label}</label>\n  {control}\n  '
            f"{MULTIPLE_HELP if many else ''}\n</div>\n"
        )
    errors = "".join(
        f'<div class="col-12 text-danger small">{label}：{escaped(error)}</div>'
        for error in field.errors
    )
    return mark_safe(f"{html}\n{errors}\n")  # noqa: S308  # nosec B308 B703 - values escaped
