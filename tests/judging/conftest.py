import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English msgids: keep them true once the Indonesian catalogue exists."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def reseed_migration_data():
    """Put back what the data migrations create (the 17 SDGs, the role groups and their
    permissions): a transactional test ends with a flush that empties every table, and later
    tests, or the next run on a reused database, need them."""
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
        for name in names:
            app_label, codename = name.split(".", 1)
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )


@pytest.fixture
def migration_data(transactional_db):
    """For a transactional test: the migration data, even after an earlier test's flush."""
    reseed_migration_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            reseed_migration_data()
    return result
