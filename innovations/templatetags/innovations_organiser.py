"""Template tags of the organiser's pages: the call to action of an empty installation."""

from django import template

from innovations.selectors import first_edition_url

register = template.Library()


@register.simple_tag
def first_edition_call():
    """The "new edition" page's address while there is no edition yet, else None."""
    return first_edition_url()
