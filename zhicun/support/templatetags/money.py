"""{{ amount|yuan }}: an integer number of 分 shown in 元."""

from django import template

from zhicun.support.models import yuan as to_yuan

register = template.Library()


@register.filter
def yuan(fen):
    return to_yuan(fen)
