"""Score sheets and their scores."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from judging.enums import SheetStatus
from judging.models.panels import Assignment
from judging.models.stages import SCORE_DIGITS, Criterion


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
