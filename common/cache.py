"""Whole pages cached for visitors who are not signed in (the public portal's pages).

The registry, an innovation's page, an agency's page, the results and the home page are the same
for every anonymous visitor, and they are what the public (and link previews) open most. A page
is rendered once and kept in the shared cache (Redis when several app servers run) under a key
made of:

- the *public generation*: a stamp renewed whenever anything a cached page shows may have
  changed: by `bump` (bulk writes that send no signal) and by the signals `renew_on` connects
  for the models that the app showing them declares (public/apps.py), so a change is visible on
  the next request;
- the language, the host and the full path with its query string.

Entries also expire after PAGE_SECONDS, a safety net for what no signal sees (a vote window
opening at its time, a bulk UPDATE outside the services). A page is never served from the cache
to a signed-in user, to a request that carries messages to show, or for anything but a 200.

The cached HTML holds a CSRF token (the language switcher's form); each visitor gets the page with
their own token written in, so the switcher keeps its protection.
"""

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
PAGE_SECONDS = 60
TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def _renew() -> None:
    cache.set(GENERATION_KEY, time.time_ns(), None)


def bump() -> None:
    """Every cached public page is out of date: now, and again once the current transaction
    commits (a page rendered meanwhile from the old rows must not outlive the change)."""
    _renew()
    transaction.on_commit(_renew)


def _key(request) -> str:
    path = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(path.encode()).hexdigest()[:32]
    return f"public:page:{generation()}:{get_language()}:{digest}"


def cached_public_page(view):
    """Decorator for the GET of a public page (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method != "GET"
            or request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            token = get_token(request).encode()
            response = HttpResponse(
                TOKEN.sub(lambda m: m.group(1) + token + m.group(2), content),
                content_type=content_type,
            )
            response["X-Public-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
        return response

    return wrapper


def _changed(**_kwargs):
    bump()


def _user_changed(update_fields=None, created=False, **_kwargs):
    if not created and not (update_fields and set(update_fields) <= {"last_login", "password"}):
        bump()


def renew_on(*labels: str) -> None:
    """Renew the generation whenever a row of one of these models is written or deleted.

    Each label is "app_label.Model", or "app_label.Model.field" for the rows of a many-to-many
    field (added, removed, cleared). Call it from the `ready()` of the app whose cached pages
    show those rows; registering a label twice connects it once.
    """
    from django.apps import apps

    for label in labels:
        app_label, model_name, *field = label.split(".")
        model = apps.get_model(app_label, model_name)
        if field:
            through = model._meta.get_field(field[0]).remote_field.through
            uid = f"public-cache-{model._meta.label_lower}-{field[0]}"
            m2m_changed.connect(_changed, sender=through, dispatch_uid=uid)
            continue
        uid = f"public-cache-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")


def renew_on_user_changes() -> None:
    """Renew the generation when an existing user is saved (a cached page shows people's
    names), except for a sign-in (`last_login`) or a new password, which change nothing shown."""
    post_save.connect(
        _user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="public-cache-user-save"
    )
