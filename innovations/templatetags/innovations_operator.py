"""Template tags of the operator's pages: the summary card on the shared dashboard."""

from django import template

from innovations.selectors import operator_summary

register = template.Library()


@register.simple_tag
def operator_summary_for(user):
    """The operator's standing in the open edition (see selectors.operator_summary)."""
    return operator_summary(user)
