"""The template filters that render the search form's inputs and choices without widget
templates give what the widgets themselves render."""

import re

import pytest
from django import forms
from django.http import QueryDict

from zhicun.registry.search import PersonFilterForm
from zhicun.registry.templatetags.choices import choice_states
from zhicun.registry.templatetags.inputs import input_tag


class Sample(forms.Form):
    name = forms.CharField(max_length=10)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    off = forms.CharField(required=False, disabled=True)


@pytest.mark.parametrize(
    "data",
    ["", "q=张三&age_min=5&land_min=1.5&moved_since=2026-01-02", "age_min=x&land_max=-1"],
)
def test_input_tag_renders_what_the_widget_renders(data):
    form = PersonFilterForm(QueryDict(data) if data else None)
    if data:
        form.is_valid()
    for name in ("q", "age_min", "skill", "land_min", "land_max", "moved_since", "moved_days"):
        assert input_tag(form[name]) == str(form[name]), name


def test_input_tag_keeps_required_disabled_and_invalid_attributes():
    form = Sample({"name": "<b>x</b>", "when": "bad"})
    form.is_valid()
    for name in ("name", "when", "off"):
        assert input_tag(form[name]) == str(form[name]), name
    assert "aria-invalid" in input_tag(form["when"]) and " disabled" in input_tag(form["off"])


def _options(html: str) -> list[tuple[str, str, bool]]:
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    return [(value, label, bool(chosen)) for value, chosen, label in found]


@pytest.mark.parametrize("data", [None, "sex=2", "ethnicity=01&ethnicity=03", "sex=9"])
def test_choice_states_marks_what_the_select_marks(data):
    form = PersonFilterForm(QueryDict(data) if data else None)
    for name in ("sex", "ethnicity", "disability"):
        states = [(v, str(label), chosen) for v, label, chosen in choice_states(form[name])]
        assert states == _options(str(form[name])), name


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, "category=1", "urgency=999"])
def test_choice_states_lists_model_choices_as_the_select_does(data):
    from zhicun.cases.forms import CaseFilterForm

    form = CaseFilterForm(QueryDict(data) if data else None)
    for name in ("category", "urgency"):
        states = [(v, str(label), chosen) for v, label, chosen in choice_states(form[name])]
        assert len(states) > 1 and states == _options(str(form[name])), name
