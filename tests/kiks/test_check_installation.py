"""`manage.py check_installation`: one line per check of a production installation, OK or PROBLEM
with the fix, and a non-zero exit status on any problem."""

import datetime
import io
import json
import re
import socket
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations import Migration
from django.utils import timezone

from kiks import installation

pytestmark = pytest.mark.django_db
STRONG_KEY = "kR4v-9Qp_Z2mW7xYt6LbN3sJ8dHf1gC5eA0uIoPqVwXyTzSrMnBv"
WORKER_NOT_CONFIGURED = (
    "PROBLEM  worker: not configured: django-tasks' database backend is not installed. "
    "Fix: install django-tasks-db, add it to INSTALLED_APPS and TASKS, run `manage.py migrate` "
    "and start `manage.py db_worker`."
)


@pytest.fixture
def smtp_port():
    """A TCP port on 127.0.0.1 that accepts connections, as an SMTP server's would."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def production(settings, tmp_path, smtp_port):
    """A production installation as docs/deployment.md sets one up."""
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_KEY
    settings.ALLOWED_HOSTS = ["kiks.example"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://kiks.example"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kiks_cache",
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    static_root = tmp_path / "staticfiles"
    static_root.mkdir()
    (static_root / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return settings


def report(*, checks=None):
    """(the report's lines, the exit status, the error line)."""
    out = io.StringIO()
    with mock.patch.object(installation, "CHECKS", checks or installation.CHECKS):
        try:
            call_command("check_installation", stdout=out)
        except CommandError as error:
            return out.getvalue().splitlines(), error.returncode, str(error)
    return out.getvalue().splitlines(), 0, ""


def good_lines(smtp_port, tmp_path):
    return [
        "OK       debug: DEBUG is off.",
        f"OK       secret key: SECRET_KEY is {len(STRONG_KEY)} characters.",
        "OK       allowed hosts: ALLOWED_HOSTS is kiks.example.",
        "OK       csrf trusted origins: CSRF_TRUSTED_ORIGINS is https://kiks.example.",
        "OK       check --deploy: no warnings.",
        f"OK       database: connected ({connection.vendor}).",
        "OK       migrations: all applied.",
        "OK       cache: DatabaseCache: stored and read back.",
        f"OK       mail: SMTP server 127.0.0.1:{smtp_port} answers.",
        "OK       media: wrote, read and deleted a file.",
        "OK       static files: collected (staticfiles.json present).",
    ]


def test_good_installation_reports_every_check_ok_and_exits_zero(production, smtp_port, tmp_path):
    lines, status, error = report()

    assert lines == [
        *good_lines(smtp_port, tmp_path),
        "OK       worker: no task has waited more than 15 minutes.",
        "The installation is ready.",
    ]
    assert (status, error) == (0, "")
    assert not any((tmp_path / "media").glob("check-installation-*"))


def test_a_task_waiting_for_twenty_minutes_means_no_worker(production):
    from django_tasks_db.models import DBTaskResult

    from common.outbox import deliver

    now = timezone.now()
    task = deliver.using(run_after=now - datetime.timedelta(minutes=20)).enqueue()
    DBTaskResult.objects.filter(id=task.id).update(enqueued_at=now - datetime.timedelta(minutes=20))

    lines, status, error = report(checks=[installation.check_worker])

    assert lines[0].startswith("PROBLEM  worker: ")
    assert "db_worker" in lines[0]
    assert (status, error) == (1, "1 problem found.")


def test_the_immediate_task_queue_is_no_worker(production):
    production.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    lines, status, _error = report(checks=[installation.check_worker])

    assert lines[0] == (
        "PROBLEM  worker: the task queue is django_tasks.backends.immediate.ImmediateBackend, "
        "not the database queue the worker reads. Fix: set TASKS to "
        "django_tasks_db.DatabaseBackend (kiks/settings.py does) and start `manage.py db_worker`."
    )
    assert status == 1


def test_without_the_tasks_backend_the_worker_is_the_one_problem(production, smtp_port, tmp_path):
    with mock.patch.object(installation, "TASKS_APP_LABEL", "no_such_app"):
        lines, status, error = report()

    assert lines == [*good_lines(smtp_port, tmp_path), WORKER_NOT_CONFIGURED]
    assert (status, error) == (1, "1 problem found.")


def test_debug_on_is_a_problem(production):
    production.DEBUG = True

    lines, status, _error = report()

    assert lines[0] == (
        "PROBLEM  debug: DEBUG is on: error pages show the code and the settings. "
        "Fix: set DEBUG=false."
    )
    assert status == 1


def test_weak_settings_are_problems_with_their_fix(production):
    production.SECRET_KEY = "django-insecure-" + "x" * 50
    production.ALLOWED_HOSTS = ["*"]
    production.CSRF_TRUSTED_ORIGINS = ["http://kiks.example"]
    production.SESSION_COOKIE_SECURE = False

    lines, status, error = report()

    assert lines[1:5] == [
        "PROBLEM  secret key: SECRET_KEY is weak (fewer than 50 characters, fewer than 5 "
        "different ones, or Django's generated insecure key). Fix: set SECRET_KEY to 50 or more "
        'random characters, e.g. from `python -c "import secrets; '
        'print(secrets.token_urlsafe(50))"`.',
        "PROBLEM  allowed hosts: ALLOWED_HOSTS is *: any host name is accepted. Fix: set "
        "ALLOWED_HOSTS to the portal's host names, e.g. kiks.sukabumikota.go.id.",
        "PROBLEM  csrf trusted origins: CSRF_TRUSTED_ORIGINS has origins without https: "
        "http://kiks.example. Fix: set CSRF_TRUSTED_ORIGINS to the portal's https origins, e.g. "
        "https://kiks.sukabumikota.go.id.",
        "PROBLEM  check --deploy security.W012: SESSION_COOKIE_SECURE is not set to True. Using "
        "a secure-only session cookie makes it more difficult for network traffic sniffers to "
        "hijack user sessions. Fix: set SESSION_COOKIE_SECURE=true (the default with DEBUG off).",
    ]
    assert (status, error) == (1, "4 problems found.")


def test_missing_migrations_are_a_problem(production):
    plan = [(Migration("0099_new_field", "innovations"), False)]
    with mock.patch.object(installation.MigrationExecutor, "migration_plan", return_value=plan):
        lines, status, _error = report()

    assert lines[6] == (
        "PROBLEM  migrations: 1 not applied: innovations.0099_new_field. "
        "Fix: run `manage.py migrate`."
    )
    assert status == 1


def test_per_process_cache_and_missing_cache_table_are_problems(production):
    production.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert installation.check_cache()[0].line() == (
        "PROBLEM  cache: LocMemCache keeps the cache in each process: workers do not share it. "
        "Fix: set REDIS_URL, or leave CACHES to the database cache (table kiks_cache)."
    )

    production.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kiks_no_such_table",
        }
    }
    line = installation.check_cache()[0].line()
    # PostgreSQL says ProgrammingError, SQLite OperationalError.
    assert re.match(
        r"PROBLEM  cache: DatabaseCache does not answer \((ProgrammingError|OperationalError): ",
        line,
    )
    assert line.endswith(
        "Fix: check REDIS_URL (Redis running?) or run `manage.py migrate` (table kiks_cache)."
    )
    # The failed query spoiled nothing: the database still answers.
    assert installation.check_database()[0].line() == (
        f"OK       database: connected ({connection.vendor})."
    )


def test_unreachable_smtp_port_and_console_backend_are_problems(production, closed_port):
    production.EMAIL_PORT = closed_port
    assert installation.check_mail()[0].line() == (
        f"PROBLEM  mail: cannot reach the SMTP server 127.0.0.1:{closed_port} "
        "(ConnectionRefusedError). Fix: check EMAIL_HOST and EMAIL_PORT, and that the firewall "
        "lets the server out."
    )

    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert installation.check_mail()[0].line() == (
        "PROBLEM  mail: the console backend is in use: no e-mail leaves the server. Fix: set "
        "EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST, EMAIL_PORT "
        "(and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS)."
    )


def test_unwritable_media_root_is_a_problem(production, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    production.MEDIA_ROOT = tmp_path / "a-file" / "media"

    lines, status, _error = report()

    assert lines[9].startswith(
        "PROBLEM  media: cannot write, read and delete a file (NotADirectoryError: "
    )
    assert lines[9].endswith(
        "Fix: make MEDIA_ROOT writable by the portal's user (or check the object storage's "
        "bucket and credentials)."
    )
    assert status == 1


def test_static_files_not_collected_is_a_problem(production, tmp_path):
    (tmp_path / "staticfiles" / "staticfiles.json").unlink()

    lines, _status, _error = report()

    assert lines[10] == (
        f"PROBLEM  static files: no staticfiles.json in {tmp_path / 'staticfiles'}: every page "
        "would fail. Fix: run `manage.py collectstatic --noinput`."
    )


# --- the worker ---------------------------------------------------------------------------------

NOW = datetime.datetime(2027, 2, 1, 10, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("last_finished", "oldest_waiting", "line"),
    [
        (NOW - 3 * MINUTE, NOW - 40 * MINUTE, "OK       worker: a task finished 3 min ago."),
        (None, None, "OK       worker: no task has waited more than 15 minutes."),
        (
            NOW - 90 * MINUTE,
            NOW - 14 * MINUTE,
            "OK       worker: no task has waited more than 15 minutes.",
        ),
        (
            NOW - 90 * MINUTE,
            NOW - 16 * MINUTE,
            "PROBLEM  worker: a task has waited 16 min and none finished in the last 15 minutes. "
            "Fix: start the worker, `manage.py db_worker`, and keep it running "
            "(docs/operations.md).",
        ),
        (
            None,
            NOW - 60 * MINUTE,
            "PROBLEM  worker: a task has waited 60 min and none finished in the last 15 minutes. "
            "Fix: start the worker, `manage.py db_worker`, and keep it running "
            "(docs/operations.md).",
        ),
    ],
)
def test_worker_is_alive_when_a_task_ran_lately_or_none_waits_long(
    last_finished, oldest_waiting, line
):
    finding = installation.worker_finding(
        now=NOW, last_finished=last_finished, oldest_waiting=oldest_waiting
    )

    assert finding.line() == line


@pytest.mark.parametrize(
    ("enqueued_at", "run_after", "since"),
    [
        (NOW, None, NOW),
        (NOW, datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC), NOW),
        (NOW, NOW + 30 * MINUTE, NOW + 30 * MINUTE),
        (NOW, NOW - 30 * MINUTE, NOW),
    ],
)
def test_a_task_waits_from_when_it_may_run(enqueued_at, run_after, since):
    assert installation.waiting_since(enqueued_at, run_after) == since


def test_without_the_database_queue_app_the_worker_is_not_configured(production):
    real = installation.apps.get_app_config

    def without_tasks(label):
        if label == installation.TASKS_APP_LABEL:
            raise LookupError(label)
        return real(label)

    with mock.patch.object(installation.apps, "get_app_config", side_effect=without_tasks):
        lines, status, _error = report(checks=[installation.check_worker])

    assert lines[0] == WORKER_NOT_CONFIGURED
    assert status == 1


def test_the_transport_behind_the_outbox_is_the_one_checked(production, smtp_port):
    # The portal's own settings: post_office's backend, sending through POST_OFFICE's default.
    production.EMAIL_BACKEND = "post_office.EmailBackend"
    production.POST_OFFICE = {
        "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"}
    }
    assert installation.check_mail()[0].line() == (
        f"OK       mail: SMTP server 127.0.0.1:{smtp_port} answers."
    )

    production.POST_OFFICE = {
        "BACKENDS": {"default": "django.core.mail.backends.console.EmailBackend"}
    }
    assert (
        installation.check_mail()[0]
        .line()
        .startswith("PROBLEM  mail: the console backend is in use: no e-mail leaves the server.")
    )
