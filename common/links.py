"""Links people type (a proposal's video, an interview's video call, an announcement's link):
http(s) only, checked on the model field (run by full_clean and the forms), in the services
that save them, and again when a page renders one (`{{ value|safe_url }}`, common/templatetags/
kiks_links.py), so that a value stored before the rule, or written around it, shows as text and
never becomes a `javascript:`, `data:` or `vbscript:` link.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

WEB_SCHEMES = ("http", "https")
MAX_LINK_LENGTH = 500


@deconstructible
class WebURLValidator(URLValidator):
    """A well-formed absolute http:// or https:// address, nothing before the scheme (no space,
    no control character), no protocol-relative `//host`."""

    message = _("Enter an address starting with http:// or https://.")
    code = "web_url"

    def __init__(self, **kwargs):
        kwargs.setdefault("schemes", list(WEB_SCHEMES))
        super().__init__(**kwargs)


validate_web_url = WebURLValidator()


def is_web_url(value) -> bool:
    """Whether `value` is an address a page may turn into a link."""
    if not isinstance(value, str) or not value or len(value) > MAX_LINK_LENGTH:
        return False
    try:
        validate_web_url(value)
    except ValidationError:
        return False
    return True


def safe_url(value) -> str:
    """`value` when it is a web address, else "" (the page then shows the text, not a link)."""
    return value if is_web_url(value) else ""


class WebURLField(models.URLField):
    """The model field of a typed link: the validator above, and forms (the admin's too) that
    complete an address typed without a scheme with https:// (Django 6's default, set now).
    Migrations see a plain URLField: the difference is only in the form."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.URLField", args, kwargs
