"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Set by the browser tests' fixtures while they run; never part of a production environment.
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
# The test run's own settings module is kiks.settings_test; production runs kiks.settings.
PRODUCTION_SETTINGS = {"DJANGO_SETTINGS_MODULE": "kiks.settings"}
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!Qm2#pL9vR4$wT8zK1&nB6^cY3*hF5(jD0)gS-aE+uI=oP_lMrVtXbNqWe",
    "ALLOWED_HOSTS": "kiks.sukabumikota.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://kiks.sukabumikota.go.id",
    "DATABASE_URL": "sqlite:////tmp/kiks-settings-test.sqlite3",
}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A child process on the production settings, without the test run's debug flag, key and
    # database.
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", *TEST_ONLY_ENV}
    }
    base.update(env)
    base.update(PRODUCTION_SETTINGS)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_read_database_hosts_and_mail_from_environment():
    env = dict(
        PRODUCTION_ENV,
        DATABASE_URL="postgres://kiks:rahasia@db.internal:5433/kiks_prod",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.sukabumikota.go.id",
        MEDIA_ROOT="/srv/kiks/media",
        ADMIN_URL="kelola-rahasia/",
    )
    code = (
        "from django.conf import settings as s;"
        "d=s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], s.DEBUG, s.ALLOWED_HOSTS,"
        " s.EMAIL_BACKEND, s.EMAIL_HOST, s.MEDIA_ROOT, s.ADMIN_URL, s.SECURE_SSL_REDIRECT)"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "kiks_prod",
        "db.internal",
        "5433",
        "False",
        "['kiks.sukabumikota.go.id']",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.sukabumikota.go.id",
        "/srv/kiks/media",
        "kelola-rahasia/",
        "True",
    ]


def test_missing_secret_key_with_debug_off_is_a_clear_startup_error():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_debug_must_be_a_boolean_word():
    result = run_python("import django; django.setup()", dict(PRODUCTION_ENV, DEBUG="maybe"))
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV},
            **PRODUCTION_ENV,
            **PRODUCTION_SETTINGS,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Without REDIS_URL the only thing said is that the cache is the shared database cache.
    # Django writes the report to stderr when it lists an issue (5.2.x), else to stdout.
    said = result.stdout + result.stderr
    assert "System check identified some issues:\n\nINFOS:\n?: (kiks.I001)" in said
    assert "WARNINGS" not in said and "ERRORS" not in said


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("off", False)])
def test_debug_flag_accepts_common_spellings(value, expected):
    result = run_python(
        "from django.conf import settings; print(settings.DEBUG)", dict(PRODUCTION_ENV, DEBUG=value)
    )
    assert result.stdout.strip() == str(expected)
