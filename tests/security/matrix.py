"""Shared machinery of the permission matrix: walk the URL configuration, resolve kwargs from
the scenario, request as an actor inside a savepoint, and fingerprint the database."""

import copy
import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Tables a denied request may legitimately touch: the session store (the client's own session)
# and django-axes' attempt log (written by log-in attempts, not by the views under test).
FINGERPRINT_SKIP = {"sessions.session", "axes.accessattempt", "axes.accesslog",
                    "axes.accessfailurelog"}  # fmt: skip


def url_patterns(patterns=None, namespace=None, prefix=""):
    """Yield (name, route, callback) for every named URL, namespaces joined, the admin left out
    (it has its own smaller test)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or str(pattern.pattern) == settings.ADMIN_URL:
                continue
            inner = pattern.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_patterns(pattern.url_patterns, joined, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                raise AssertionError(f"Unnamed URL pattern {prefix}{pattern.pattern}: name it.")
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def kwarg_names(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def accepts_post(pattern: URLPattern) -> bool | None:
    """True / False for class-based views; None for function views (the table decides)."""
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:
        return None
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def fingerprint() -> str:
    """A hash of every row of every table (but FINGERPRINT_SKIP): equal before and after means
    nothing was written."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        if label in FINGERPRINT_SKIP or model._meta.proxy:
            continue
        digest.update(label.encode())
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def outcome(response) -> str:
    """The table's code for a response: "login" for a redirect to the log-in page, else the
    status code ("302" being a redirect anywhere else)."""
    if response.status_code == 302 and response["Location"].startswith(reverse("login") + "?"):
        return "login"
    return str(response.status_code)


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
SESSION_TABLE = re.compile(r"django_session", re.IGNORECASE)


def writes_in(queries) -> list[str]:
    """The write statements of a request, but those on the session table."""
    return [
        query["sql"][:120]
        for query in queries
        if WRITE.match(query["sql"]) and not SESSION_TABLE.search(query["sql"].split("(")[0])
    ]


def body_of(response) -> str:
    """What a response sends, as text (pages, JSON, CSV; a file's bytes read as Latin-1)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        return content.decode()
    except UnicodeDecodeError:
        return content.decode("latin-1")


def sentinels_in(body: str, sentinels: dict[str, str]) -> set[str]:
    """The names of the sentinels whose text is in `body` (a number also with a decimal comma, as
    the Indonesian pages write it)."""
    found = set()
    for name, text in sentinels.items():
        variants = {text, text.replace(".", ",")}
        if any(variant in body for variant in variants):
            found.add(name)
    return found


def request_as(client, method: str, url: str, sentinels=None):
    """One request. An allowed request's writes are rolled back (each case starts from the
    scenario); a denied request's are kept, so the caller's fingerprint of the whole row sees
    them. The client's cookies are kept (a log-out or a language switch does not leak into the
    next case). Returns (outcome, writes, seen): the write statements a denied request ran, and
    the names of the `sentinels` the response body holds."""
    cookies = copy.deepcopy(client.cookies)
    cache.clear()
    savepoint = transaction.savepoint()
    denied = False
    try:
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, {})
        code = outcome(response)
        denied = code in DENIED
        seen = sentinels_in(body_of(response), sentinels) if sentinels else set()
        return code, writes_in(queries.captured_queries) if denied else [], seen
    finally:
        if denied:
            transaction.savepoint_commit(savepoint)
        else:
            transaction.savepoint_rollback(savepoint)
        client.cookies = cookies


DENIED = {"login", "403", "404", "405"}
