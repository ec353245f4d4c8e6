"""System checks on what must be shared by every process that serves the portal."""

from django.conf import settings
from django.core import checks

PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


@checks.register(checks.Tags.caches)
def shared_cache(app_configs=None, **kwargs):
    """kiks.E001: with DEBUG off, the default cache must be shared by every worker (the page
    cache, the vote throttle and other counters live there); kiks.I001: the database cache is in
    use because REDIS_URL is not set (said in production only: while developing it is the norm)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS and not settings.DEBUG:
        return [
            checks.Error(
                "The default cache lives in each process's memory: with several workers, public "
                "pages go stale and throttles count per process.",
                hint="Set REDIS_URL, or leave CACHES to the settings' database cache fallback.",
                id="kiks.E001",
            )
        ]
    if backend == DATABASE_CACHE and not settings.DEBUG:
        return [
            checks.Info(
                "REDIS_URL is not set: the cache is the database cache (table "
                f"{settings.CACHES['default'].get('LOCATION')}), shared by every worker but "
                "slower than Redis.",
                hint="Set REDIS_URL for several app servers or heavy traffic.",
                id="kiks.I001",
            )
        ]
    return []
