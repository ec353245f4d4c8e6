"""The cache every worker shares: Redis when REDIS_URL is set, else the database cache, never one
process's memory (several gunicorn workers served stale public pages from their own memory)."""

from django.core import checks
from django.test import override_settings

from common.checks import shared_cache
from tests.kiks.test_settings import PRODUCTION_ENV, run_python

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_without_redis_production_caches_in_the_database_and_with_redis_in_redis():
    code = (
        "from django.conf import settings as s; c=s.CACHES['default'];"
        "print(c['BACKEND'], c['LOCATION'])"
    )
    without = run_python(code, dict(PRODUCTION_ENV, REDIS_URL=""))
    with_redis = run_python(code, dict(PRODUCTION_ENV, REDIS_URL="redis://127.0.0.1:6379/3"))

    assert without.stdout.split() == ["django.core.cache.backends.db.DatabaseCache", "kiks_cache"]
    assert with_redis.stdout.split() == [
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/3",
    ]


def test_migrate_makes_the_fallback_table_even_while_redis_is_configured(tmp_path):
    """An installation migrated with Redis may later run without it: the table is there."""
    env = dict(PRODUCTION_ENV, REDIS_URL="redis://127.0.0.1:6379/3")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kiks.sqlite3'}"
    code = (
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0); from django.db import connection;"
        "print('kiks_cache' in connection.introspection.table_names())"
    )
    result = run_python(code, env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_two_processes_share_the_fallback_cache_made_by_migrate(tmp_path):
    """Two processes stand for two workers: what one caches (a page, the public generation
    stamp, a throttle count) the other reads, and `migrate` alone made the table."""
    env = dict(PRODUCTION_ENV, REDIS_URL="", DATABASE_URL=f"sqlite:///{tmp_path / 'kiks.sqlite3'}")
    migrate = run_python(
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.core.cache import cache; cache.set('page', 'segar', 60);"
        "cache.set('votes:203.0.113.5', 3, 60)",
        env,
    )
    assert migrate.returncode == 0, migrate.stderr
    other = run_python(
        "import django; django.setup(); from django.core.cache import cache;"
        "print(cache.get('page'), cache.incr('votes:203.0.113.5'))",
        env,
    )

    assert other.returncode == 0, other.stderr
    assert other.stdout.split() == ["segar", "4"]


@override_settings(DEBUG=False, CACHES=LOCMEM)
def test_per_process_memory_cache_in_production_is_an_error():
    [message] = shared_cache()

    assert (message.level, message.id) == (checks.ERROR, "kiks.E001")
    assert "each process's memory" in message.msg


@override_settings(DEBUG=True, CACHES=LOCMEM)
def test_memory_cache_is_allowed_while_developing():
    assert shared_cache() == []


@override_settings(
    DEBUG=False,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kiks_cache",
        }
    },
)
def test_the_database_fallback_is_named_by_the_check():
    [message] = shared_cache()

    assert (message.level, message.id) == (checks.INFO, "kiks.I001")
    assert "REDIS_URL is not set" in message.msg
