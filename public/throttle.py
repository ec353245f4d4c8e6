"""A per-address limit on favourite vote requests, kept in the cache (shared by every app
server when REDIS_URL is set). A fixed one-hour window per client IP address."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 3600


def requests_per_hour() -> int:
    return getattr(settings, "KIKS_VOTE_REQUESTS_PER_HOUR", 10)


def client_ip(request) -> str:
    """The visitor's address. Behind the reverse proxy (BEHIND_PROXY, which sets
    SECURE_PROXY_SSL_HEADER) it is the last X-Forwarded-For entry, the one our proxy added;
    anything before it is what the client claimed and is ignored."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
