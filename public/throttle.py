"""A per-address limit on favourite vote requests, kept in the cache (shared by every app
server when REDIS_URL is set). A fixed one-hour window per client IP address."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def requests_per_hour() -> int:
    return getattr(settings, "KIKS_VOTE_REQUESTS_PER_HOUR", 10)


def _key(ip: str, now) -> str:
    return f"public:vote-requests:{ip}:{int(now.timestamp()) // WINDOW_SECONDS}"


def take_vote_request(ip: str, *, now=None) -> bool:
    """Count one vote request from `ip`; False when the address is over its hourly limit."""
    key = _key(ip, now or timezone.now())
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= requests_per_hour()
