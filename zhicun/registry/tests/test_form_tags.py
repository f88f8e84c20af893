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


def _boxes(html: str) -> list[tuple[str, str, bool]]:
    box = r'<input type="checkbox" name="(\w+)" value="([^"]*)"[^>]*?( checked)?>'
    found = re.findall(box, html)
    return [(name, value, bool(chosen)) for name, value, chosen in found]


@pytest.mark.parametrize(
    "data", [None, "residence=dead&group=disabled&group=wubao", "ethnicity=01&ethnicity=03&sex=2"]
)
def test_search_field_offers_what_each_widget_offers(data):
    from zhicun.registry.templatetags.inputs import search_field

    form = PersonFilterForm(QueryDict(data) if data else None)
    for name, field in form.fields.items():
        html = search_field(form[name])
        assert f">{field.label}</" in html, name
        widget = str(form[name])
        if form[name].widget_type == "checkboxselectmultiple":
            assert _boxes(html) == _boxes(widget) and _boxes(html), name
        elif form[name].widget_type in ("select", "selectmultiple"):
            assert _options(html) == _options(widget) and _options(html), name
        else:
            assert input_tag(form[name]) in html, name


def test_search_field_escapes_values_and_lists_errors():
    from zhicun.registry.templatetags.inputs import search_field

    form = PersonFilterForm(QueryDict("q=<b>&age_min=x&ethnicity=zz"))
    assert not form.is_valid()
    assert 'value="&lt;b&gt;"' in search_field(form["q"])
    assert "最小年龄：" in search_field(form["age_min"])
    assert "text-danger" in search_field(form["ethnicity"])
    assert "text-danger" not in search_field(form["sex"])


def test_rows_and_area_options_are_escaped():
    from zhicun.registry.templatetags.search_rows import (
        person_cards,
        person_table_rows,
        unit_options,
    )

    row = {
        "url": "/registry/persons/1/",
        "household_url": "/registry/households/2/",
        "name": '<b>"王&五"</b>',
        "is_head": True,
        "sex": "男",
        "age": 36,
        "masked_id": "150902********1234",
        "masked_phone": "138****5678",
        "hamlet": "一组",
        "household": "0001",
        "residence": "常住",
    }
    for html in (person_cards([row]), person_table_rows([row])):
        assert "&lt;b&gt;&quot;王&amp;五&quot;&lt;/b&gt;" in html and "<b>" not in html
        assert "户主" in html and "150902********1234" in html
    assert '<a href="/registry/persons/1/">' in person_table_rows([row])
    none = "没有符合条件的人员"
    assert none in person_cards([]) and none in person_table_rows([])
    units = [
        {"code": "150902200201", "name": "大十号村", "kind": "village"},
        {"code": "150902200201001", "name": "<一>网格", "kind": "grid"},
        {"code": "150902200201001001", "name": "一组", "kind": "hamlet"},
    ]
    options = unit_options(units, "150902200201001")
    assert '<option value="150902200201">大十号村</option>' in options
    assert '<option value="150902200201001" selected>　&lt;一&gt;网格</option>' in options
    assert '<option value="150902200201001001">　　一组</option>' in options
    assert " selected" not in unit_options(units, None)


def test_link_gives_what_the_url_tag_gives():
    from django.template import Context, Template

    source = "{% load links %}{% link 'registry:lookup' %} {% url 'registry:lookup' %}"
    ours, django_s = Template(source).render(Context()).split()
    assert ours == django_s == "/registry/lookup/"
