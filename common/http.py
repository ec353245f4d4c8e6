"""What a request says about its sender, read the same way by every app (the vote throttle, the
login lockout of django-axes)."""

from django.conf import settings


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
