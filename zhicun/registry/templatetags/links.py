"""`{% link "app:name" %}`: what `{% url "app:name" %}` gives for a URL without arguments, reversed
once per URL configuration and script prefix (zhicun.lib.urls.fixed_url) instead of on every
page; `{% url %}` costs tens of microseconds a call, and the search page has a dozen."""

from django import template

from zhicun.lib.urls import fixed_url

register = template.Library()


@register.simple_tag
def link(name: str) -> str:
    return fixed_url(name)
