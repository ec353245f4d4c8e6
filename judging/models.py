"""Judging: stages, criteria, panels, conflicts, assignments, score sheets, results, shortlists.

Writes go through judging.services; reads that decide who sees what go through judging.selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from innovations.models import Edition, Innovation, Proposal, SectionTemplate, Track
from judging.enums import (
    INTERVIEW_MINUTES,
    PRESENTATION_MINUTES,
    WINNER_KINDS,
    AwardKind,
    ConflictSource,
    Decision,
    RankBy,
    RecognitionLevel,
    ScoreVisibility,
    SheetStatus,
    ShortlistAction,
    StageKind,
    StageState,
    TieBreak,
)

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


class PanelMember(models.Model):
    """A judge on a stage's panel."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="panel"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.PROTECT,
        related_name="panel_memberships",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["stage_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "judge"], name="panel_member_unique"),
        ]

    def __str__(self):
        return f"{self.judge} · {self.stage}"


class ConflictDeclaration(models.Model):
    """A judge's declaration of conflicts for a stage and their signed integrity pledge.

    Until both are recorded the judge sees no proposal of the stage.
    """

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="declarations"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    no_conflicts = models.BooleanField(_("confirmed no conflicts"), default=False)
    pledge_text = models.TextField(_("pledge as signed"), blank=True)
    pledge_signed_at = models.DateTimeField(_("pledge signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conflict declaration and pledge")
        verbose_name_plural = _("conflict declarations and pledges")
        ordering = ["stage_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "judge"], name="one_declaration_per_stage"),
            models.CheckConstraint(
                condition=Q(pledge_signed_at__isnull=True) | ~Q(pledge_text=""),
                name="signed_pledge_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.judge} · {self.stage}"

    @property
    def is_complete(self) -> bool:
        return self.pledge_signed_at is not None


class Conflict(models.Model):
    """A judge who must not judge an agency's proposals (automatic, from membership) or one
    proposal (declared, with a reason). Applies to every stage of the edition."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="+"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.PROTECT,
        related_name="judging_conflicts",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    reason = models.TextField(_("reason"))
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("declared in stage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["edition_id", "judge_id", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=True) & Q(proposal__isnull=False))
                | (Q(agency__isnull=False) & Q(proposal__isnull=True)),
                name="conflict_with_agency_or_proposal",
            ),
            models.UniqueConstraint(
                fields=["judge", "proposal"],
                condition=Q(proposal__isnull=False),
                name="conflict_judge_proposal_unique",
            ),
            models.UniqueConstraint(
                fields=["edition", "judge", "agency"],
                condition=Q(agency__isnull=False),
                name="conflict_judge_agency_unique",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
        ]

    def __str__(self):
        return f"{self.judge} ✕ {self.proposal or self.agency}"


class Assignment(models.Model):
    """A judge asked to score one proposal in one stage.

    `position` is a random number drawn once: each judge sees their entries in their own order.
    """

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="assignments"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judge"),
        on_delete=models.PROTECT,
        related_name="judging_assignments",
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(_("position in the judge's list"))
    is_manual = models.BooleanField(_("assigned by hand"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["stage_id", "judge_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "judge", "proposal"], name="assignment_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "judge", "position"], name="assignment_judge_idx"),
            models.Index(fields=["stage", "proposal"], name="assignment_proposal_idx"),
        ]

    def __str__(self):
        return f"{self.judge} → {self.proposal}"


class ScoreSheet(models.Model):
    """A judge's scores for one assigned entry. Submitted sheets are locked; the organiser may
    reopen one with a reason. An excluded sheet (a conflict found after assignment) never counts.

    `total` (0-100) and `normalised` are written by compute_stage_results in SQL.
    """

    assignment = models.OneToOneField(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="sheet"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    overall_comment = models.TextField(_("overall comment"), blank=True)
    total = models.DecimalField(_("weighted total"), max_digits=8, decimal_places=4, null=True)
    normalised = models.DecimalField(
        _("normalised total"), max_digits=8, decimal_places=4, null=True
    )
    saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    excluded = models.BooleanField(_("excluded"), default=False)
    excluded_at = models.DateTimeField(_("excluded at"), null=True, blank=True)
    excluded_reason = models.TextField(_("why excluded"), blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["assignment_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=SheetStatus.SUBMITTED) & Q(submitted_at__isnull=False))
                | (~Q(status=SheetStatus.SUBMITTED) & Q(submitted_at__isnull=True)),
                name="sheet_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(excluded=False) | Q(excluded_at__isnull=False),
                name="sheet_excluded_has_time",
            ),
        ]

    def __str__(self):
        return str(self.assignment)

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class Score(models.Model):
    """One criterion's score on a sheet. The scale is copied from the criterion so the database
    itself checks the bounds; a draft may leave the value empty, a submitted sheet may not."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(_("score"), null=True, blank=True, **SCORE_DIGITS)
    scale_min = models.DecimalField(_("lowest score"), **SCORE_DIGITS)
    scale_max = models.DecimalField(_("highest score"), **SCORE_DIGITS)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet_id", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")), name="score_scale_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | (Q(value__gte=F("scale_min")) & Q(value__lte=F("scale_max"))),
                name="score_within_scale",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


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
    # The ranking order, materialised (judging.ranking_order): the entry's track (a copy of the
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


# --- finals: interviews, final result, awards, KIJB, recognitions -------------------------------


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
    video_link = models.URLField(_("video-call link"), max_length=500, blank=True)
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
