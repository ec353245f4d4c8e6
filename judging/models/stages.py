"""Stages of an edition, their criteria, and each stage's append-only event log."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.models import Edition, Proposal, SectionTemplate
from judging.enums import RankBy, ScoreVisibility, StageKind, StageState

SCORE_DIGITS = {"max_digits": 6, "decimal_places": 2}


FIGURE_DIGITS = {"max_digits": 6, "decimal_places": 2}


class Stage(models.Model):
    """One round of judging of an edition: desk evaluation, then presentation and interview.

    Every stage has its own criteria, panel and score sheets, so a later stage never overwrites an
    earlier one. It is being prepared until `opened_at` is set, open until `closed_at` is set.
    """

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="stages"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    weight = models.DecimalField(
        _("weight in the final result (%)"), max_digits=5, decimal_places=2, default=70
    )
    judges_per_proposal = models.PositiveSmallIntegerField(_("judges per proposal"), default=2)
    whole_panel = models.BooleanField(
        _("every panel member scores every entry"),
        default=False,
        help_text=_(
            "The interview panel: each judge on it scores each finalist (judges per proposal then "
            "follows the size of the panel)."
        ),
    )
    spread_threshold = models.DecimalField(
        _("spread threshold"),
        max_digits=5,
        decimal_places=2,
        default=15,
        help_text=_(
            "Entries whose judges' totals have a standard deviation above this (points out of "
            "100) are flagged for discussion."
        ),
    )
    score_visibility = models.CharField(
        _("judges see other judges' scores"),
        max_length=20,
        choices=ScoreVisibility.choices,
        default=ScoreVisibility.NEVER,
    )
    show_agency = models.BooleanField(_("judges see which agency wrote the proposal"), default=True)
    rank_by = models.CharField(
        _("rank by"), max_length=20, choices=RankBy.choices, default=RankBy.MEAN
    )
    closes_at = models.DateTimeField(
        _("scoring deadline"),
        null=True,
        blank=True,
        help_text=_("Shown to the judges. The stage closes only when the organiser closes it."),
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    results_computed_at = models.DateTimeField(_("results computed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("judging stage")
        verbose_name_plural = _("judging stages")
        ordering = ["edition_id", "order"]
        permissions = [
            ("run_judging", _("Can run judging stages, assignments and shortlists")),
            ("view_results", _("Can read judging rankings")),
            ("score_entries", _("Can score the entries assigned to them")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["edition", "order"], name="stage_order_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="stage_weight_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(judges_per_proposal__gte=1), name="stage_at_least_one_judge"
            ),
            models.CheckConstraint(
                condition=Q(spread_threshold__gte=0), name="stage_spread_threshold_positive"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | (Q(opened_at__isnull=False) & Q(closed_at__gte=F("opened_at"))),
                name="stage_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return f"{self.edition.name} · {self.get_kind_display()}"

    @property
    def state(self) -> str:
        if self.closed_at is not None:
            return StageState.CLOSED
        if self.opened_at is not None:
            return StageState.OPEN
        return StageState.PREPARING

    def get_state_display(self):
        return StageState(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == StageState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == StageState.CLOSED


class Criterion(models.Model):
    """What judges score in a stage, with its weight (the weights of a stage add up to 100)."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="criteria"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120)
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    scale_min = models.DecimalField(_("lowest score"), default=1, **SCORE_DIGITS)
    scale_max = models.DecimalField(_("highest score"), default=10, **SCORE_DIGITS)
    section = models.ForeignKey(
        SectionTemplate,
        verbose_name=_("proposal section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["stage_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "name"], name="criterion_name_unique"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="criterion_weight_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="criterion_scale_not_empty"
            ),
        ]

    def __str__(self):
        return self.name


class StageEvent(models.Model):
    """Append-only log of a stage: opening, closing, assignments, conflicts, reopened sheets."""

    class Action(models.TextChoices):
        CREATED = "created", _("Stage created")
        CRITERIA_CHANGED = "criteria_changed", _("Criteria changed")
        PANEL_CHANGED = "panel_changed", _("Panel changed")
        OPENED = "opened", _("Stage opened")
        CLOSED = "closed", _("Stage closed")
        AUTO_ASSIGNED = "auto_assigned", _("Automatic assignment")
        ASSIGNED = "assigned", _("Assigned by hand")
        UNASSIGNED = "unassigned", _("Assignment removed")
        CONFLICT_DECLARED = "conflict_declared", _("Conflict declared")
        SHEET_EXCLUDED = "sheet_excluded", _("Score sheet excluded")
        SHEET_REOPENED = "sheet_reopened", _("Score sheet reopened")

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["stage_id", "-at", "-id"]
        indexes = [models.Index(fields=["stage", "at"], name="stage_event_idx")]

    def __str__(self):
        return f"{self.stage}: {self.get_action_display()}"
