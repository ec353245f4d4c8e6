from django.db import models
from django.utils.translation import gettext_lazy as _


class StageKind(models.TextChoices):
    DESK = "desk", _("Desk evaluation")
    INTERVIEW = "interview", _("Presentation and interview")


# Weight of each kind of stage in the final result (provincial precedent: substance 70,
# interview 30).
DEFAULT_STAGE_WEIGHTS = {StageKind.DESK: 70, StageKind.INTERVIEW: 30}


class StageState(models.TextChoices):
    """Derived from opened_at / closed_at; never stored."""

    PREPARING = "preparing", _("Being prepared")
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed")


class ScoreVisibility(models.TextChoices):
    """When a judge sees the other judges' scores of an entry."""

    NEVER = "never", _("Never")
    AFTER_OWN = "after_own", _("After submitting their own sheet")
    AFTER_CLOSE = "after_close", _("After the stage closes")


class RankBy(models.TextChoices):
    MEAN = "mean", _("Mean of the judges' totals")
    NORMALISED = "normalised", _("Normalised score")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ConflictSource(models.TextChoices):
    MEMBERSHIP = "membership", _("Automatic: member of the agency or its parent")
    DECLARED = "declared", _("Declared by the judge")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")


class TieBreak(models.TextChoices):
    """Which key separated an entry from the one ranked just above it when their scores are
    equal."""

    NONE = "", _("No tie")
    HEAVIEST = "heaviest", _("Higher score on the heaviest criterion")
    MEDIAN = "median", _("Higher median")
    SUBMISSION = "submission", _("Earlier submission")
    UNRESOLVED = "unresolved", _("Equal on every key: not resolved")


class ShortlistAction(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CHANGED = "changed", _("Changed")
