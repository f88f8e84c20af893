"""The links beside the figures: a list's URL with its parameters, written as urlencode would."""

import datetime as dt
from urllib.parse import urlencode

from zhicun.dashboard.data import url


def test_it_writes_plain_values_as_they_are():
    link = url("cases:list", unit="150902", metric="overdue_open", start=dt.date(2026, 1, 1))
    assert link == "/cases/?unit=150902&metric=overdue_open&start=2026-01-01"


def test_it_repeats_a_parameter_for_a_list_and_leaves_out_empty_values():
    link = url("registry:search", unit="150902", residence=["resident", "inflow"], q="", sex=None)
    assert link == "/registry/search/?unit=150902&residence=resident&residence=inflow"
    assert url("registry:search") == "/registry/search/"


def test_it_quotes_everything_else_as_urlencode_does():
    values = {"q": "王 秀英&a=1", "group": "a+b/c?", "n": 3, "x": "~._-"}
    assert url("registry:search", **values) == "/registry/search/?" + urlencode(values)
