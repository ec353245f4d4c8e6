"""The finals: interview slots, the final result and its entries, awards, KIJB forwarding and
external recognitions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.links import WebURLField, validate_web_url
from innovations.models import Edition, Innovation, Proposal, Track
from judging.enums import (
    INTERVIEW_MINUTES,
    PRESENTATION_MINUTES,
    WINNER_KINDS,
    AwardKind,
    RecognitionLevel,
    TieBreak,
)
from judging.models.stages import FIGURE_DIGITS, Stage


class InterviewSlot(models.Model):
    """When and where a shortlisted entry presents to a stage's panel.

    `ends_at` is stored (start + presentation + interview) so that the database itself refuses two
    overlapping slots of one panel (an exclusion constraint on PostgreSQL, migration 0003); the
    service checks the same on every database, for the clear message.
    """

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="slots"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    presentation_minutes = models.PositiveSmallIntegerField(
        _("presentation (minutes)"), default=PRESENTATION_MINUTES
    )
    interview_minutes = models.PositiveSmallIntegerField(
        _("interview (minutes)"), default=INTERVIEW_MINUTES
    )
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = WebURLField(
        _("video-call link"), max_length=500, blank=True, validators=[validate_web_url]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("scheduled at"), default=timezone.now)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["stage_id", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "proposal"], name="one_slot_per_entry"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(presentation_minutes__gte=1) & Q(interview_minutes__gte=0),
                name="slot_has_a_presentation",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="slot_has_place_or_link"
            ),
        ]
        indexes = [models.Index(fields=["stage", "starts_at"], name="slot_stage_start_idx")]

    def __str__(self):
        return f"{self.proposal} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> int:
        return self.presentation_minutes + self.interview_minutes


class FinalResult(models.Model):
    """An edition's final result: confirmed with the mayor's decree, then published.

    Published (`results_published_at`) is what every public page and the agencies' feedback
    honour: before it, nothing of the final result leaves the organiser's pages.
    """

    edition = models.OneToOneField(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="final_result"
    )
    decree_number = models.CharField(_("decree number (Surat Wali Kota)"), max_length=120)
    decree_date = models.DateField(_("decree date"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("final result")
        verbose_name_plural = _("final results")
        ordering = ["-edition__year"]
        constraints = [
            models.CheckConstraint(condition=~Q(decree_number=""), name="final_result_has_decree"),
            models.CheckConstraint(
                condition=Q(results_published_at__isnull=True)
                | Q(results_published_at__gte=F("confirmed_at")),
                name="final_result_published_after_confirmed",
            ),
        ]

    def __str__(self):
        return f"{self.edition.name} · {self.decree_ref}"

    @property
    def decree_ref(self) -> str:
        return f"{self.decree_number} ({self.decree_date:%d-%m-%Y})"

    @property
    def is_published(self) -> bool:
        return self.results_published_at is not None


class FinalEntry(models.Model):
    """One finalist's final score: each stage's score times the stage's weight, and its rank in
    the track by the same tie-break rule as the stages. Written by compute_final_results."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="final_entries"
    )
    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="final_entry"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="+"
    )
    stage_scores = models.JSONField(_("stage scores"), default=dict)
    score = models.DecimalField(_("final score"), null=True, **FIGURE_DIGITS)
    heaviest = models.DecimalField(
        _("weighted score on the heaviest criteria"), null=True, **FIGURE_DIGITS
    )
    median = models.DecimalField(_("weighted median"), null=True, **FIGURE_DIGITS)
    rank = models.PositiveIntegerField(_("final rank in the track"), null=True)
    tie_break = models.CharField(
        _("tie broken by"), max_length=20, choices=TieBreak.choices, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("final entry")
        verbose_name_plural = _("final entries")
        ordering = ["edition_id", "track_id", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=False) | Q(rank__isnull=True),
                name="final_entry_ranked_has_score",
            ),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.score}"


class Award(models.Model):
    """An award of the final result: 1st, 2nd, 3rd (one each per track), honourable mentions, and
    special awards the organiser names."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="awards"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="awards"
    )
    kind = models.CharField(_("award"), max_length=20, choices=AwardKind.choices)
    title = models.CharField(
        _("title of the special award"), max_length=150, blank=True, default=""
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["edition_id", "track_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "kind"],
                condition=Q(kind__in=WINNER_KINDS),
                name="one_winner_per_place_and_track",
            ),
            models.UniqueConstraint(
                fields=["proposal", "kind", "title"], name="award_unique_per_entry"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AwardKind.SPECIAL) | ~Q(title=""),
                name="special_award_has_title",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.title if self.kind == AwardKind.SPECIAL else str(self.get_kind_display())

    @property
    def is_winner(self) -> bool:
        return self.kind in WINNER_KINDS


class KijbNomination(models.Model):
    """An innovation forwarded to KIJB (Kompetisi Inovasi Jawa Barat), the provincial
    competition, on a date when it had run at least KIJB_MIN_MONTHS months."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="kijb"
    )
    forwarded_on = models.DateField(_("forwarded on"))
    note = models.TextField(_("note"), blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("KIJB nomination")
        verbose_name_plural = _("KIJB nominations")
        ordering = ["-forwarded_on", "id"]

    def __str__(self):
        return f"KIJB · {self.proposal}"


class ExternalRecognition(models.Model):
    """A recognition an innovation earned outside KIKS ("Top 10 Kompetisi Inovasi Jawa Barat
    2020", "Top 99 KIPP"), recorded by the organiser; shown on its pages."""

    innovation = models.ForeignKey(
        Innovation,
        verbose_name=_("innovation"),
        on_delete=models.CASCADE,
        related_name="recognitions",
    )
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=20, choices=RecognitionLevel.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("external recognition")
        verbose_name_plural = _("external recognitions")
        ordering = ["innovation_id", "-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "title", "year"], name="recognition_unique"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="recognition_has_title"),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="recognition_year_sane"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"


def public_award_q(prefix: str = "") -> Q:
    """Awards the public may see: of a published final result."""
    return Q(**{f"{prefix}edition__final_result__results_published_at__isnull": False})
