"""What `manage.py check_installation` checks on a production installation: one `Finding` per
line of its report, OK or PROBLEM with the fix.

Each check is a function returning its findings; CHECKS lists them in the report's order. They
read the settings and touch what the portal needs at run time (the database, the cache, the mail
server, the media storage, the collected static files, the background worker), and change
nothing that stays: the cache key and the media file they write are removed again.
"""

import datetime
import socket
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core import checks
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from common.checks import PER_PROCESS

# Deploy checks whose matter a check of ours reports already, in its own words.
COVERED_DEPLOY_CHECKS = {"security.W009", "security.W018", "security.W020", "kiks.E001"}
# The fixes of the deploy checks a misconfigured installation meets most, in this portal's terms
# (README, "Configuration"); the others get Django's hint.
DEPLOY_FIXES = {
    "security.W004": "set SECURE_HSTS_SECONDS=31536000 (the default with DEBUG off).",
    "security.W008": "set SECURE_SSL_REDIRECT=true (the default with DEBUG off).",
    "security.W012": "set SESSION_COOKIE_SECURE=true (the default with DEBUG off).",
    "security.W016": "set CSRF_COOKIE_SECURE=true (the default with DEBUG off).",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}
SMTP_TIMEOUT = 5  # seconds
# The worker is alive when a task ran within this many minutes, or none waits longer.
WORKER_MINUTES = 15
# The database backend of django-tasks (django-tasks-db, or django_tasks.backends.database before
# django-tasks 0.12) registers its app under this label, with the model DBTaskResult.
TASKS_APP_LABEL = "django_tasks_database"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    message: str
    fix: str = ""

    def line(self) -> str:
        if self.ok:
            return f"OK       {self.name}: {self.message}"
        return f"PROBLEM  {self.name}: {self.message} Fix: {self.fix}"


def ok(name, message):
    return Finding(name, True, message)


def problem(name, message, fix):
    return Finding(name, False, message, fix)


# --- settings ------------------------------------------------------------------------------


def check_debug():
    if settings.DEBUG:
        return [
            problem(
                "debug",
                "DEBUG is on: error pages show the code and the settings.",
                "set DEBUG=false.",
            )
        ]
    return [ok("debug", "DEBUG is off.")]


def check_secret_key():
    key = settings.SECRET_KEY or ""
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        return [
            problem(
                "secret key",
                "SECRET_KEY is weak (fewer than 50 characters, fewer than 5 different ones, or "
                "Django's generated insecure key).",
                "set SECRET_KEY to 50 or more random characters, e.g. from "
                '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.',
            )
        ]
    return [ok("secret key", f"SECRET_KEY is {len(key)} characters.")]


def check_allowed_hosts():
    hosts = list(settings.ALLOWED_HOSTS)
    public = [host for host in hosts if host not in LOCAL_HOSTS]
    if "*" in hosts or not public:
        return [
            problem(
                "allowed hosts",
                f"ALLOWED_HOSTS is {','.join(hosts) or 'empty'}: "
                + ("any host name is accepted." if "*" in hosts else "no public host name."),
                "set ALLOWED_HOSTS to the portal's host names, e.g. kiks.sukabumikota.go.id.",
            )
        ]
    return [ok("allowed hosts", f"ALLOWED_HOSTS is {','.join(public)}.")]


def check_csrf_origins():
    origins = list(settings.CSRF_TRUSTED_ORIGINS)
    plain = [origin for origin in origins if not origin.startswith("https://")]
    if not origins or plain:
        return [
            problem(
                "csrf trusted origins",
                "CSRF_TRUSTED_ORIGINS "
                + (f"has origins without https: {','.join(plain)}." if plain else "is empty."),
                "set CSRF_TRUSTED_ORIGINS to the portal's https origins, e.g. "
                "https://kiks.sukabumikota.go.id.",
            )
        ]
    return [ok("csrf trusted origins", f"CSRF_TRUSTED_ORIGINS is {','.join(origins)}.")]


def check_deploy():
    """Django's `check --deploy`, warnings and errors (silenced ones left out), one line each."""
    messages = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.level >= checks.WARNING and message.id not in COVERED_DEPLOY_CHECKS
    ]
    if not messages:
        return [ok("check --deploy", "no warnings.")]
    return [
        problem(
            f"check --deploy {message.id}",
            " ".join(str(message.msg).split()),
            DEPLOY_FIXES.get(message.id)
            or (" ".join(str(message.hint).split()) if message.hint else "see Django's docs."),
        )
        for message in sorted(messages, key=lambda message: message.id or "")
    ]


# --- what the portal touches ---------------------------------------------------------------


def check_database():
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
    except Exception as error:
        return [
            problem(
                "database",
                f"cannot connect ({type(error).__name__}: {str(error).strip()}).",
                "check DATABASE_URL and that the database server is running.",
            ),
            problem("migrations", "not checked: no database.", "fix the database first."),
        ]
    found = [ok("database", f"connected ({connection.vendor}).")]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" and {len(plan) - 5} more" if len(plan) > 5 else ""
        found.append(
            problem(
                "migrations",
                f"{len(plan)} not applied: {names}{more}.",
                "run `manage.py migrate`.",
            )
        )
    else:
        found.append(ok("migrations", "all applied."))
    return found


def check_cache():
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    short = backend.rsplit(".", 1)[-1]
    if backend in PER_PROCESS:
        return [
            problem(
                "cache",
                f"{short} keeps the cache in each process: workers do not share it.",
                "set REDIS_URL, or leave CACHES to the database cache (table kiks_cache).",
            )
        ]
    key, value = f"check-installation-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache = caches["default"]
    try:
        # In a savepoint: a database cache without its table must not spoil the connection.
        with transaction.atomic():
            cache.set(key, value, 60)
            back = cache.get(key)
            cache.delete(key)
    except Exception as error:
        return [
            problem(
                "cache",
                f"{short} does not answer ({type(error).__name__}: {str(error).strip()}).",
                "check REDIS_URL (Redis running?) or run `manage.py migrate` (table kiks_cache).",
            )
        ]
    if back != value:
        return [
            problem(
                "cache",
                f"{short} did not give back what was stored.",
                "check the cache server's memory and eviction settings.",
            )
        ]
    return [ok("cache", f"{short}: stored and read back.")]


def mail_transport() -> str:
    """The backend that really sends: behind the outbox (post_office's EmailBackend, the
    portal's EMAIL_BACKEND) it is POST_OFFICE's default, set from the env's EMAIL_BACKEND."""
    backend = settings.EMAIL_BACKEND
    if backend == "post_office.EmailBackend":
        backends = getattr(settings, "POST_OFFICE", {}).get("BACKENDS", {})
        backend = backends.get("default", backend)
    return backend


def check_mail():
    backend = mail_transport()
    short = backend.rsplit(".", 2)[-2] if backend.count(".") >= 2 else backend
    if backend != "django.core.mail.backends.smtp.EmailBackend":
        return [
            problem(
                "mail",
                f"the {short} backend is in use: no e-mail leaves the server.",
                "set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST, "
                "EMAIL_PORT (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).",
            )
        ]
    address = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    try:
        with socket.create_connection(
            (settings.EMAIL_HOST, settings.EMAIL_PORT), timeout=SMTP_TIMEOUT
        ):
            pass
    except OSError as error:
        return [
            problem(
                "mail",
                f"cannot reach the SMTP server {address} ({type(error).__name__}).",
                "check EMAIL_HOST and EMAIL_PORT, and that the firewall lets the server out.",
            )
        ]
    return [ok("mail", f"SMTP server {address} answers.")]


def check_media():
    name = f"check-installation-{uuid.uuid4().hex}.txt"
    content = b"kiks check_installation"
    try:
        saved = default_storage.save(name, ContentFile(content))
        with default_storage.open(saved, "rb") as handle:
            back = handle.read()
        default_storage.delete(saved)
    except Exception as error:
        return [
            problem(
                "media",
                f"cannot write, read and delete a file ({type(error).__name__}: "
                f"{str(error).strip()}).",
                "make MEDIA_ROOT writable by the portal's user (or check the object storage's "
                "bucket and credentials).",
            )
        ]
    if back != content:
        return [problem("media", "a file read back differs.", "check the media storage.")]
    return [ok("media", "wrote, read and deleted a file.")]


def check_static():
    storage = storages.create_storage(settings.STORAGES["staticfiles"])
    if isinstance(storage, ManifestFilesMixin):
        if not storage.exists(storage.manifest_name):
            return [
                problem(
                    "static files",
                    f"no {storage.manifest_name} in {settings.STATIC_ROOT}: every page would fail.",
                    "run `manage.py collectstatic --noinput`.",
                )
            ]
        return [ok("static files", f"collected ({storage.manifest_name} present).")]
    try:
        collected = any(storage.listdir("")) if storage.exists("") else False
    except (FileNotFoundError, NotADirectoryError):
        collected = False
    if not collected:
        return [
            problem(
                "static files",
                f"{settings.STATIC_ROOT} is empty.",
                "run `manage.py collectstatic --noinput`.",
            )
        ]
    return [ok("static files", f"collected in {settings.STATIC_ROOT}.")]


# --- the background worker ----------------------------------------------------------------


def worker_finding(*, now, last_finished, oldest_waiting, minutes=WORKER_MINUTES) -> Finding:
    """Whether the worker is alive: a task finished within `minutes`, or no task has waited
    longer than that (an idle queue is a live worker's queue)."""
    limit = now - datetime.timedelta(minutes=minutes)
    if last_finished is not None and last_finished >= limit:
        return ok("worker", f"a task finished {_ago(now, last_finished)} ago.")
    if oldest_waiting is None or oldest_waiting >= limit:
        return ok("worker", f"no task has waited more than {minutes} minutes.")
    return problem(
        "worker",
        f"a task has waited {_ago(now, oldest_waiting)} and none finished in the last "
        f"{minutes} minutes.",
        "start the worker, `manage.py db_worker`, and keep it running (docs/operations.md).",
    )


def _ago(now, then) -> str:
    minutes = max(0, int((now - then).total_seconds() // 60))
    return f"{minutes} min"


# "READY" since django-tasks 0.9, "NEW" before.
WAITING_STATUSES = ("READY", "NEW")


def waiting_since(enqueued_at, run_after):
    """A waiting task waits from when it was enqueued or, if later, from when it may run
    (django-tasks-db stores "no run_after" as the largest date, older versions as None)."""
    if run_after is None or run_after.year >= 9000:
        return enqueued_at
    return max(enqueued_at, run_after)


DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"


def check_worker(now=None):
    now = now or timezone.now()
    try:
        model = apps.get_app_config(TASKS_APP_LABEL).get_model("DBTaskResult")
    except LookupError:
        return [
            problem(
                "worker",
                "not configured: django-tasks' database backend is not installed.",
                "install django-tasks-db, add it to INSTALLED_APPS and TASKS, run `manage.py "
                "migrate` and start `manage.py db_worker`.",
            )
        ]
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend != DATABASE_QUEUE:
        return [
            problem(
                "worker",
                f"the task queue is {backend or 'not set'}, not the database queue the worker "
                "reads.",
                f"set TASKS to {DATABASE_QUEUE} (kiks/settings.py does) and start "
                "`manage.py db_worker`.",
            )
        ]
    finished = model.objects.exclude(finished_at=None).order_by("-finished_at").first()
    waiting = [
        waiting_since(task.enqueued_at, task.run_after)
        for task in model.objects.filter(status__in=WAITING_STATUSES).order_by("enqueued_at")[:50]
    ]
    waiting = [since for since in waiting if since <= now]
    return [
        worker_finding(
            now=now,
            last_finished=finished.finished_at if finished else None,
            oldest_waiting=min(waiting) if waiting else None,
        )
    ]


CHECKS = [
    check_debug,
    check_secret_key,
    check_allowed_hosts,
    check_csrf_origins,
    check_deploy,
    check_database,
    check_cache,
    check_mail,
    check_media,
    check_static,
    check_worker,
]


def run_all() -> list[Finding]:
    return [finding for check in CHECKS for finding in check()]
