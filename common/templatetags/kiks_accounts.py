"""`{{ row.by|account }}`: who wrote a row, as the pages show it. The full name, else the username;
"(deleted account)" when the account was deleted (the rows keep a null author, on_delete
SET_NULL). Use it instead of `by.get_full_name|default:by.username`, which fails on a null."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def account(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return _("(deleted account)")
    return user.get_full_name() or user.get_username()
