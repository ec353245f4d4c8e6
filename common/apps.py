"""The `common` app: no models; registered so that its modules sit with the other apps.

It also owns what every app server shares without a model of ours: the database cache table
(made after `migrate`, so a fresh install never needs `createcachetable`), the system check
that the cache is shared across processes (common/checks.py), the outbox's wake-up of the
e-mail worker (common/outbox.py) and the `<id:>` path converter.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate

FALLBACK_CACHE_TABLE = "kiks_cache"  # kiks/settings.py: the cache without REDIS_URL


def make_cache_tables(sender, using="default", **kwargs):
    """After `migrate`: the fallback cache table, whatever CACHES says now (an installation
    migrated with Redis may run without it later), and the table of every database cache in
    CACHES. Idempotent. Django sends post_migrate once per app with models (this app has none):
    act on the last one only."""
    from django.apps import apps as registry
    from django.core.management import call_command
    from django.core.management.commands.createcachetable import Command

    last = [config for config in registry.get_app_configs() if config.models_module][-1]
    if sender is last:
        command = Command()
        command.verbosity = 0
        command.create_table(using, FALLBACK_CACHE_TABLE, dry_run=False)
        call_command("createcachetable", database=using, verbosity=0)


class CommonConfig(AppConfig):
    name = "common"

    def ready(self):
        from django.urls import register_converter
        from post_office.signals import email_queued

        from common import checks  # noqa: F401  (registers the checks)
        from common.converters import IdConverter
        from common.outbox import wake

        post_migrate.connect(make_cache_tables, dispatch_uid="common.cache_tables")
        # Every queued message, common.mail's and Django's own (EMAIL_BACKEND), wakes the worker.
        email_queued.connect(wake, dispatch_uid="kiks.outbox.wake")
        # <id:pk> in every urls.py: a database id, 404 when out of range (common/converters.py).
        register_converter(IdConverter, "id")
