import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from zhicun.lib.urls import fixed_url, row_url, row_urls


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("cases:detail", "150921-20251208-0005"),
        ("registry:person", 7),
        ("registry:household", 12345),
    ],
)
def test_it_gives_what_reverse_gives(name, arg):
    assert row_url(name, arg) == reverse(name, args=[arg])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/zhicun/")
        assert row_url("registry:person", 7) == "/zhicun/registry/persons/7/"
    finally:
        set_script_prefix("/")


def test_it_quotes_the_argument_as_reverse_does():
    assert row_url("cases:detail", "a b") == reverse("cases:detail", args=["a b"])


def test_it_refuses_a_url_without_an_argument():
    with pytest.raises(NoReverseMatch):
        row_url("registry:search", 1)


def test_it_gives_what_reverse_gives_for_a_url_without_arguments():
    assert fixed_url("registry:search") == reverse("registry:search") == "/registry/search/"
    try:
        set_script_prefix("/zhicun/")
        assert fixed_url("registry:search") == "/zhicun/registry/search/"
    finally:
        set_script_prefix("/")


def test_a_page_of_rows_reads_the_prefix_once_and_gives_what_reverse_gives():
    person = row_urls("registry:person")
    assert [person(pk) for pk in (1, 22, 333)] == [
        reverse("registry:person", args=[pk]) for pk in (1, 22, 333)
    ]
