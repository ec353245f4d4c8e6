"""Fixtures and hooks every test folder shares. Each is defined here once; a folder's own
conftest.py holds only what is particular to it."""

from pathlib import Path

import pytest
from django.utils import translation

TESTS = Path(__file__).resolve().parent

# Where the assertions read the English msgids (the Indonesian catalogue is the translators' and
# changes): these tests run with LANGUAGE_CODE "en" and English active. Paths are relative to
# tests/; a folder ("judging/") covers everything below it, so a folder moved into a listed one is
# covered without a change here.
ENGLISH_MSGIDS = (
    "audit/",
    "demo/test_innovations.py",
    "demo/test_judging.py",
    "demo/test_judging_finals.py",
    "demo/test_public.py",
    "innovations/",
    "judging/",
    "public/",
    "security/test_escaping.py",
    "security/test_hardening.py",
    "security/test_properties.py",
)


def reads_english_msgids(path: Path) -> bool:
    """Whether the test module at `path` is one of ENGLISH_MSGIDS (or below one)."""
    return path.resolve().relative_to(TESTS).as_posix().startswith(ENGLISH_MSGIDS)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test land in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (cached public pages, throttles, statistics)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(request):
    """In the modules ENGLISH_MSGIDS lists: visible text and messages in English, the msgids."""
    if not reads_english_msgids(request.path):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def reseed_migration_data():
    """Put back the rows the data migrations create (the 17 SDGs, the role groups and their
    permissions, the public app's grants to organisers). A transactional test ends with a flush
    that empties every table; without this, later tests, and the next run on a reused database,
    would find no groups and no SDGs."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from agencies.roles import ROLE_PERMISSIONS
    from innovations.models import SustainableDevelopmentGoal

    SustainableDevelopmentGoal.objects.bulk_create(
        [SustainableDevelopmentGoal(number=n) for n in range(1, 18)], ignore_conflicts=True
    )
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = []
        for name in names:
            app_label, codename = name.split(".", 1)
            wanted += Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.add(*wanted)
    # The public app grants its own to the organiser group (public/migrations/0002).
    from importlib import import_module

    public_grants = import_module("public.migrations.0002_organiser_permissions")
    Group.objects.get(name="organiser").permissions.add(
        *Permission.objects.filter(
            content_type__app_label="public", codename__in=public_grants.ORGANISER_PERMISSIONS
        )
    )


@pytest.fixture
def migration_data(transactional_db):
    """For a transactional test: the migration data present even after an earlier flush."""
    reseed_migration_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush: put the migration data back so later tests and a
    reused database still find it.

    Only while the connection still points at the test database: after the session's last test
    pytest-django may already have switched it back to the real one (with --create-db)."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        if _on_test_database(connection):
            with item.config.stash[blocking_manager_key].unblock():
                reseed_migration_data()
    return result


def _on_test_database(connection) -> bool:
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    name = str(connection.settings_dict["NAME"])
    return name.startswith(TEST_DATABASE_PREFIX) or "memorydb" in name or name == ":memory:"
