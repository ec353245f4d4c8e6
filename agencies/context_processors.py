from django.conf import settings

from agencies.permissions import roles_of


def site(request):
    """Site identity and the visitor's roles, for the navigation."""
    user = getattr(request, "user", None)
    return {
        "KIKS_SITE_NAME": settings.KIKS_SITE_NAME,
        "KIKS_GOVERNMENT_NAME": settings.KIKS_GOVERNMENT_NAME,
        "ADMIN_URL": "/" + settings.ADMIN_URL,
        "user_roles": roles_of(user) if user is not None else frozenset(),
    }
