"""Editions of the competition, their tracks and the sections of their proposal form."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The statuses in which the agency may change its proposal (texts, fields, attachments).


class EditionQuerySet(models.QuerySet):
    def open_for_submission(self, now=None):
        now = now or timezone.now()
        return self.filter(submission_opens_at__lte=now, submission_closes_at__gt=now)

    def published(self):
        return self.filter(is_published=True)


class Edition(models.Model):
    """One year's competition, e.g. "KIKS 2021". Saved through
    `innovations.services.save_edition`, which keeps the registry's order in step when the
    edition is published or withdrawn from the public portal."""

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    submission_opens_at = models.DateTimeField(_("submission opens at"))
    submission_closes_at = models.DateTimeField(_("submission closes at"))
    verification_closes_at = models.DateTimeField(
        _("verification closes at"),
        null=True,
        blank=True,
        help_text=_(
            "The organiser verifies proposals from the moment they are submitted until this time. "
            "Empty: no end."
        ),
    )
    min_per_agency = models.PositiveSmallIntegerField(
        _("minimum proposals per obligated agency"), default=1
    )
    max_per_agency = models.PositiveSmallIntegerField(
        _("maximum proposals per agency"), null=True, blank=True, help_text=_("Empty: no cap.")
    )
    cap_counts_units = models.BooleanField(
        _("the cap counts an agency with its units"),
        default=True,
        help_text=_(
            "On: a unit's proposals (a Puskesmas under Dinas Kesehatan) count towards its parent "
            "agency's cap, as they count for its obligation. Off: each unit has a cap of its own."
        ),
    )
    min_months_in_operation = models.PositiveSmallIntegerField(
        _("minimum months in operation"), default=6
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public portal.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year", "-submission_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes_at__gt=F("submission_opens_at")),
                name="edition_window_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(verification_closes_at__isnull=True)
                | Q(verification_closes_at__gte=F("submission_closes_at")),
                name="edition_verification_closes_after_submission",
            ),
            models.CheckConstraint(
                condition=Q(max_per_agency__isnull=True)
                | Q(max_per_agency__gte=F("min_per_agency")),
                name="edition_cap_not_below_minimum",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open_for_submission(self, now=None) -> bool:
        now = now or timezone.now()
        return self.submission_opens_at <= now < self.submission_closes_at

    def is_in_verification(self, now=None) -> bool:
        now = now or timezone.now()
        return self.submission_opens_at <= now and (
            self.verification_closes_at is None or now < self.verification_closes_at
        )


class Track(models.Model):
    """A category of an edition (Umum, Kewilayahan, UPTD, Pendidikan, Perumda)."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="tracks"
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=6)
    winner_count = models.PositiveSmallIntegerField(_("number of winners"), default=3)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["edition", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "slug"], name="track_slug_unique_in_edition"
            ),
            models.UniqueConstraint(
                fields=["edition", "name"], name="track_name_unique_in_edition"
            ),
            models.CheckConstraint(
                condition=Q(winner_count__lte=F("shortlist_size")),
                name="track_winners_within_shortlist",
            ),
        ]

    def __str__(self):
        return f"{self.edition.name} · {self.name}"


class SectionTemplate(models.Model):
    """One section of an edition's proposal form, with its weight in the desk evaluation."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120)
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, default=0)
    min_words = models.PositiveIntegerField(_("minimum words"), default=0)
    max_words = models.PositiveIntegerField(_("maximum words"), null=True, blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    evidence_required = models.BooleanField(_("supporting evidence required"), default=False)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public portal once published.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["edition", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "key"], name="section_key_unique_in_edition"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="section_weight_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(max_words__isnull=True) | Q(max_words__gte=F("min_words")),
                name="section_max_words_not_below_min",
            ),
        ]

    def __str__(self):
        return self.title
