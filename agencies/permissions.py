"""Who may do what, site-wide. Views use these, never ad-hoc group checks."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject

from agencies.enums import Role


def _roles(user) -> frozenset[str]:
    """The user's roles from their groups: one query, remembered on the user object (which lives
    as long as the request), so the role checks and the navigation share it."""
    if not user.is_authenticated:
        return frozenset()
    roles = getattr(user, "_kiks_roles", None)
    if roles is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ORGANISER)
        roles = frozenset(str(name) for name in names if name in Role.values)
        user._kiks_roles = roles
    return roles


def roles_of(user) -> frozenset[str]:
    """The site-wide roles of a user (lazily, one query, only if the page asks)."""
    return SimpleLazyObject(lambda: _roles(user))


def is_organiser(user) -> bool:
    return user.is_authenticated and user.has_perm("agencies.run_competition")


def can_view_dashboards(user) -> bool:
    return user.is_authenticated and user.has_perm("agencies.view_dashboards")


def is_judge(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.JUDGE in _roles(user))


class RoleRequiredMixin(AccessMixin):
    """Anonymous visitors go to the login page (302); signed-in users without the role get 403."""

    def has_role(self, user) -> bool:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrganiserRequiredMixin(RoleRequiredMixin):
    def has_role(self, user) -> bool:
        return is_organiser(user)


class DashboardReaderRequiredMixin(RoleRequiredMixin):
    """Organisers and leadership: read-only boards."""

    def has_role(self, user) -> bool:
        return can_view_dashboards(user)


class JudgeRequiredMixin(RoleRequiredMixin):
    def has_role(self, user) -> bool:
        return is_judge(user)
