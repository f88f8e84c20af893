"""The filter bar of the case list and board: its <option>s written by `option_tags`."""

import pytest

from zhicun.cases.forms import CaseFilterForm
from zhicun.cases.models import Category, Urgency
from zhicun.registry.templatetags.choices import option_tags

pytestmark = pytest.mark.django_db


def test_it_marks_the_chosen_option_and_else_the_empty_one():
    form = CaseFilterForm({"light": "red"})
    assert form.is_valid()
    light = option_tags(form["light"])
    assert '<option value="red" selected>红灯</option>' in light
    assert '<option value="">全部</option>' in light and light.count(" selected") == 1
    assert option_tags(CaseFilterForm()["state"]).startswith(
        '<option value="" selected>全部</option>'
    )


def test_it_lists_the_top_categories_with_their_names_escaped():
    urgency = Urgency.objects.first()
    top = Category.objects.create(name="水<电>&路", order=99, default_urgency=urgency)
    Category.objects.create(name="子类", parent=top, default_urgency=urgency)
    html = option_tags(CaseFilterForm({"category": str(top.pk)})["category"])
    assert f'<option value="{top.pk}" selected>水&lt;电&gt;&amp;路</option>' in html
    assert "子类" not in html
