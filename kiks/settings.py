"""KIKS portal settings: one module, driven by the environment.

Every variable is listed in the README's configuration table. Defaults suit a newcomer's machine
(SQLite file, console e-mail); production sets DEBUG off and the variables below.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-kiks-development-key-never-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (50+ random "
            "characters), or DEBUG=true on a development machine."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "post_office",
    "django_tasks",
    "django_tasks_db",
    "kiks",
    "common",
    "agencies",
    "innovations",
    "judging",
    "public",
    "audit",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kiks.middleware.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kiks.middleware.ErrorPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kiks.urls"
WSGI_APPLICATION = "kiks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agencies.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL, a SQLite file under the project by default.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no SELECT ... FOR UPDATE: a transaction takes the write lock when it begins
    # (IMMEDIATE), so two parallel moves of one proposal queue instead of the loser failing with
    # "database is locked"; it waits up to 20 seconds for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set (several app servers), else the database cache
# (table kiks_cache, made by `migrate`) and database-backed sessions. Never per-process memory:
# the page cache, the vote throttle and every other counter must hold across workers
# (system check kiks.E001 refuses local memory with DEBUG off; kiks.I001 notes the fallback).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kiks",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kiks_cache",
            "KEY_PREFIX": "kiks",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes, docs/security.md), counted in the database that every app server
# shares. Three limits within AXES_COOLOFF_TIME, each locking for that time (HTTP 429):
# 5 failures for one username from one address, 10 for one account from anywhere (lockout per
# account), 20 from one address whatever the usernames (password spraying). A successful login
# clears the counts of its own username, never the address's count. Behind the reverse proxy
# (BEHIND_PROXY) the address is the one the proxy saw, as for the vote throttle.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "agencies.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
# One limit per entry of AXES_LOCKOUT_PARAMETERS, in the same order.
KIKS_LOGIN_FAILURE_LIMITS = [
    env_int("LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS", 5),
    env_int("LOGIN_FAILURES_PER_ACCOUNT", 10),
    env_int("LOGIN_FAILURES_PER_ADDRESS", 20),
]
AXES_FAILURE_LIMIT = KIKS_LOGIN_FAILURE_LIMITS[0]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "agencies.login_throttle.attempted_username"


def axes_client_ip(request):
    """The vote throttle's rule for the client address; None when unknown (axes stores it in an
    IP address column, which refuses the throttle's "unknown")."""
    from common.http import client_ip

    address = client_ip(request)
    return None if address == "unknown" else address


AXES_CLIENT_IP_CALLABLE = axes_client_ip
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Language and time: Indonesian first, English available; WIB everywhere.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "kiks_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
# KIKS_LOCALE_DIR lets the translation check work on a scratch copy of the catalogues.
LOCALE_PATHS = [Path(env("KIKS_LOCALE_DIR", str(BASE_DIR / "locale")))]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static files through WhiteNoise; front-end files are vendored under static/vendor.
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media (attachments, photos) go through the storage API and are served only by views that check
# permission first, so there is no public MEDIA_URL route.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Downloads handed to nginx (deploy/nginx/kiks.conf): with a prefix such as "/_media/", a view that
# has checked permission answers with an empty body and X-Accel-Redirect: <prefix><file name>, and
# nginx sends the bytes from its `internal` location aliasing MEDIA_ROOT, so a slow 10 MB download
# holds no app worker (common/xaccel.py). Empty (the default) = off: the app sends the file itself.
# Only for the local FileSystemStorage; set it only behind that nginx.
KIKS_X_ACCEL_PREFIX = env("X_ACCEL_PREFIX").strip()
if KIKS_X_ACCEL_PREFIX and not (
    KIKS_X_ACCEL_PREFIX.startswith("/") and KIKS_X_ACCEL_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        f"X_ACCEL_PREFIX must start and end with '/', e.g. /_media/, not {KIKS_X_ACCEL_PREFIX!r}"
    )
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "querystring_auth": True,
            "default_acl": "private",
        },
    }

# Upload limits (bytes), per kind of attachment.
KIKS_MAX_PHOTO_BYTES = env_int("KIKS_MAX_PHOTO_BYTES", 5 * 1024 * 1024)
KIKS_MAX_PDF_BYTES = env_int("KIKS_MAX_PDF_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail goes through the outbox (django-post-office, docs/architecture.md): whatever the code
# sends, Django's own mails included, becomes an Email row in the sender's transaction, and the
# background worker (`manage.py db_worker`, django-tasks-db) delivers it through EMAIL_BACKEND
# (the real transport: console by default, SMTP in production), with a timeout and retries.
EMAIL_BACKEND = "post_office.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds one SMTP connection may wait on the server before the attempt counts as failed.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
POST_OFFICE = {
    "BACKENDS": {
        "default": env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
    },
    # A failed attempt is logged (post_office Log) and retried EMAIL_RETRY_MINUTES later, up to
    # EMAIL_MAX_RETRIES times; then the message stays "failed" until the organiser resends it.
    "MAX_RETRIES": env_int("EMAIL_MAX_RETRIES", 5),
    "RETRY_INTERVAL": timedelta(minutes=env_int("EMAIL_RETRY_MINUTES", 15)),
    # Both successes and failures are logged: the organiser's outbox page shows every attempt.
    "LOG_LEVEL": 2,
    "DEFAULT_PRIORITY": "medium",
    "BATCH_SIZE": 100,
    "THREADS_PER_PROCESS": 2,
}
# The background worker: its queue is a table in the portal's own database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "KIKS Kota Sukabumi <kiks@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The admin lives on a configurable path.
ADMIN_URL = env("ADMIN_URL", "admin/").strip("/") + "/"

# Site identity, shown in pages and e-mails.
KIKS_SITE_NAME = env("KIKS_SITE_NAME", "KIKS")
KIKS_GOVERNMENT_NAME = env("KIKS_GOVERNMENT_NAME", "Pemerintah Kota Sukabumi")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening: on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: no inline script anywhere, nothing loaded from another origin.
# Inline style attributes stay allowed (progress bars set their width).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # Configured here, post_office does not install its own chatty INFO handler.
    "loggers": {
        "post_office": {
            "handlers": ["console"],
            "level": env("LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}
