"""Innovations: the lasting things agencies build, and the SDGs they serve."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from innovations.enums import (
    InitiatorKind,
    InnovationForm,
    InnovationStage,
)

# The statuses in which the agency may change its proposal (texts, fields, attachments).
from innovations.models.editions import Edition  # noqa: F401


class SustainableDevelopmentGoal(models.Model):
    """The 17 SDGs, seeded by a migration; a table so that filtering works on every database."""

    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=17), name="sdg_number_1_to_17"
            )
        ]

    def __str__(self):
        from innovations.enums import SDG

        return str(SDG(self.number).label)


class Innovation(models.Model):
    """The lasting thing an agency built; it may enter several editions."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="innovations"
    )
    name = models.CharField(_("innovation name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40)
    expansion = models.CharField(_("acronym expansion"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    started_on = models.DateField(_("in operation since"))
    form = models.CharField(_("form"), max_length=20, choices=InnovationForm.choices)
    is_digital = models.BooleanField(_("digital innovation"), default=False)
    stage = models.CharField(_("innovation stage"), max_length=20, choices=InnovationStage.choices)
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, verbose_name=_("SDG goals"), related_name="innovations"
    )
    initiator_kind = models.CharField(
        _("initiator"), max_length=20, choices=InitiatorKind.choices, default=InitiatorKind.TEAM
    )
    initiator_name = models.CharField(
        _("initiator's name or team name"), max_length=200, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The year of the newest published edition in which one of its proposals was verified, or
    # None while it has no public entry: written by innovations.public_year whenever a proposal's
    # status or an edition's publication changes, so that the public registry (newest first) is a
    # range of an index rather than a sort of every innovation per request.
    public_year = models.PositiveSmallIntegerField(
        _("latest public edition"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["acronym", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="innovation_name_unique_in_agency"
            ),
        ]
        indexes = [
            models.Index(fields=["acronym"], name="innovation_acronym_idx"),
            models.Index(
                F("public_year").desc(),
                "acronym",
                "name",
                "id",
                name="innovation_registry_idx",
                condition=Q(public_year__isnull=False),
            ),
        ]

    def __str__(self):
        return self.acronym or self.name

    def save(self, *args, **kwargs):
        # public_year is written only by innovations.public_year: saving an instance loaded
        # before it changed (an edit form, the admin) must not write back the old value.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "public_year"
            ]
        super().save(*args, **kwargs)

    @property
    def title(self):
        """How people know it: the acronym, with its expansion."""
        if self.expansion and self.acronym:
            return f"{self.acronym} ({self.expansion})"
        return self.acronym or self.name
