"""Parallel submits and verifies of one proposal, through the pages with real threads: one wins,
the others get "changed meanwhile", none a 500, one history row each. On the database of the
run (PostgreSQL in CI) and on a SQLite file in a child process (the `make run` database, where
SELECT ... FOR UPDATE is a no-op). See tests/security/race.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.security.race import RACERS, race

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "submits": sorted(["won"] + ["refused"] * (RACERS - 1)),
    "verifies": sorted(["won"] + ["refused"] * (RACERS - 1)),
    "history": [["draft", "submitted"], ["submitted", "verified"]],
}


def test_sqlite_settings_queue_writers_instead_of_failing():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        options = settings.DATABASES["default"]["OPTIONS"]
        assert (options["transaction_mode"], options["timeout"]) == ("IMMEDIATE", 20)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s;"
         "print(s.DATABASES['default']['OPTIONS'])"],
        cwd=ROOT, env=_sqlite_env("/tmp/unused.sqlite3"), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.stdout.strip() == "{'transaction_mode': 'IMMEDIATE', 'timeout': 20}"


def _sqlite_env(path: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{path}",
        DJANGO_SETTINGS_MODULE="kiks.settings_test",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def test_parallel_moves_on_a_sqlite_file(tmp_path):
    env = _sqlite_env(str(tmp_path / "race.sqlite3"))
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.race"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == EXPECTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite case runs above")
def test_parallel_moves_on_postgresql(migration_data, settings):
    settings.LANGUAGE_CODE = "en"
    assert race() == EXPECTED
