from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.enums import AgencyKind, MembershipRole


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def obligated(self):
        return self.filter(is_active=True, is_obligated=True)


class Agency(models.Model):
    """A city agency (SKPD), a unit under one, or a city-owned company (Perumda)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_obligated = models.BooleanField(
        _("bound by the obligation"),
        default=False,
        help_text=_(
            'Bound by "satu SKPD, satu inovasi": must submit at least one proposal a year.'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        permissions = [
            ("run_competition", _("Can run the competition (organiser desk)")),
            ("view_dashboards", _("Can read the leadership dashboards")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agency_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, agency__is_active=True)


class Membership(models.Model):
    """A person's place in an agency. Operators write their agency's proposals."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role in the agency"),
        max_length=20,
        choices=MembershipRole.choices,
        default=MembershipRole.OPERATOR,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"],
                condition=Q(is_active=True),
                name="one_active_membership_per_user_and_agency",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.agency} ({self.get_role_display()})"
