"""Template filters for common.formats: `{{ value|number }}` (two decimals, `|number:1` for one),
`{{ date|day }}`, `{{ time|moment }}`; "—" for a missing number is the template's own choice."""

from django import template

from common import formats

register = template.Library()


@register.filter
def number(value, places=2):
    return formats.number(value, int(places)) or ""


@register.filter
def day(value):
    return formats.day(value)


@register.filter
def moment(value):
    return formats.moment(value)
