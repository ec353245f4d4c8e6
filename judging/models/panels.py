"""Who judges what: panels, conflict declarations and conflicts, assignments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from innovations.models import Edition, Proposal
from judging.enums import ConflictSource
from judging.models.stages import Stage


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
