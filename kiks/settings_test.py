"""Settings for the test suite: kiks.settings, plus what tests need (pytest selects this module in
pyproject.toml). Production never imports it.

The tests run with DEBUG off, as production does, so without a SECRET_KEY kiks.settings would
refuse to start: a throwaway key is put in the environment first, unless one is set already.
"""

import os

os.environ.setdefault(
    "SECRET_KEY", "django-insecure-kiks-tests-only-key-never-use-in-production-0123456789"
)

from kiks.settings import *  # noqa: E402, F403
from kiks.settings import ALLOWED_HOSTS, DEBUG, STORAGES, env_bool  # noqa: E402

# Read by load_demo: the tests load the demo data with DEBUG off, without --force.
TESTING = True

# Django's test client sends Host: testserver.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# Hashing speed is not what the tests check.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No collectstatic before the tests: the manifest storage would refuse every {% static %}.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain HTTP: no redirect to HTTPS and cookies sent over HTTP, unless the
# environment asks otherwise (HSTS and the rest of the hardening stay as in production).
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

# One process runs the tests: local memory keeps the cache out of the pinned query counts
# (production refuses it, kiks.E001; tests/kiks/test_cache.py checks the fallback and the check).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["kiks.E001"]

# The outbox delivers at commit, in the test's own thread and database transaction: a queued
# message reaches django.core.mail.outbox (the locmem backend, what `mailoutbox` reads) as soon
# as the change commits. tests/common/test_outbox.py runs the database queue and real SMTP.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
POST_OFFICE = {
    **POST_OFFICE,  # noqa: F405
    "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    "THREADS_PER_PROCESS": 1,
}
