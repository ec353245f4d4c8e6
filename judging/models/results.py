"""A stage's computed results per entry, and the shortlists confirmed from them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.models import Proposal, Track
from judging.enums import Decision, ShortlistAction, TieBreak
from judging.models.stages import FIGURE_DIGITS, Stage


class StageResult(models.Model):
    """A proposal entered in a stage, and its result once scored.

    The rows are the stage's entries (verified proposals for the first stage, the previous stage's
    shortlist after that). The figures are written by compute_stage_results; they stay empty
    while no sheet counts ("not yet scored", never 0).
    """

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="results"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="+"
    )
    judges_counted = models.PositiveSmallIntegerField(_("judges counted"), default=0)
    mean = models.DecimalField(_("mean"), null=True, **FIGURE_DIGITS)
    median = models.DecimalField(_("median"), null=True, **FIGURE_DIGITS)
    spread = models.DecimalField(_("spread (standard deviation)"), null=True, **FIGURE_DIGITS)
    normalised = models.DecimalField(_("normalised score"), null=True, **FIGURE_DIGITS)
    heaviest = models.DecimalField(_("score on the heaviest criterion"), null=True, **FIGURE_DIGITS)
    rank = models.PositiveIntegerField(_("rank in the track"), null=True)
    # The ranking order, materialised (judging.results.order): the entry's track (a copy of the
    # proposal's, refreshed with every computation) and its place in the track's list (1..n: ranked
    # entries by rank, then unscored ones; ties by acronym), so that a page of the ranking is an
    # index range whatever the stage's size.
    track = models.ForeignKey(
        Track,
        verbose_name=_("track"),
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.PositiveIntegerField(_("place in the ranking list"), null=True, editable=False)
    tie_break = models.CharField(
        _("tie broken by"), max_length=20, choices=TieBreak.choices, blank=True
    )
    spread_flagged = models.BooleanField(_("large disagreement"), default=False)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decree_ref = models.CharField(_("decree reference"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("entered at"), default=timezone.now)
    consensus_note = models.TextField(
        _("panel's consensus note"),
        blank=True,
        help_text=_("What the panel agreed on this entry and why (not a judge's own comment)."),
    )
    consensus_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consensus note written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consensus_at = models.DateTimeField(_("consensus note written at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        ordering = ["stage_id", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "proposal"], name="stage_result_unique"),
            models.CheckConstraint(
                condition=Q(judges_counted=0, mean__isnull=True, rank__isnull=True)
                | Q(judges_counted__gt=0, mean__isnull=False),
                name="stage_result_scored_has_mean",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "decision"], name="stage_result_decision_idx"),
            models.Index(fields=["stage", "track", "place"], name="stage_result_place_idx"),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.stage}"

    @property
    def is_scored(self) -> bool:
        return self.judges_counted > 0


class Shortlist(models.Model):
    """The confirmed Top N of a track in a stage, with the mayor's decree letter."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="shortlists"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="+"
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
    changed_at = models.DateTimeField(_("last changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        ordering = ["stage_id", "track_id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "track"], name="one_shortlist_per_track"),
            models.CheckConstraint(condition=~Q(decree_number=""), name="shortlist_has_decree"),
        ]

    def __str__(self):
        return f"{self.stage} · {self.track.name}"

    @property
    def decree_ref(self) -> str:
        return f"{self.decree_number} ({self.decree_date:%d-%m-%Y})"


class ShortlistChange(models.Model):
    """Append-only history of a shortlist: the confirmation, then every change with its reason."""

    shortlist = models.ForeignKey(
        Shortlist, verbose_name=_("shortlist"), on_delete=models.PROTECT, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=20, choices=ShortlistAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    decree_number = models.CharField(_("decree number"), max_length=120)
    decree_date = models.DateField(_("decree date"))
    shortlisted = models.TextField(_("shortlisted after this change"))
    added = models.TextField(_("added"), blank=True)
    removed = models.TextField(_("removed"), blank=True)

    class Meta:
        verbose_name = _("shortlist change")
        verbose_name_plural = _("shortlist changes")
        ordering = ["shortlist_id", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action=ShortlistAction.CONFIRMED) | ~Q(reason=""),
                name="shortlist_change_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.shortlist}: {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
