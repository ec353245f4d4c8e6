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
    """An entry's outcome in a stage: set for every entry when a track's shortlist is confirmed,
    and for the last stage (and anything left pending) when the final result is confirmed."""

    PENDING = "pending", _("Pending")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    RANKED = "ranked", _("Ranked in the final result")
    NOT_RANKED = "not_ranked", _("Not ranked (not scored in every stage)")


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


class AwardKind(models.TextChoices):
    """What an entry won in the final result. The first three are one per track."""

    WINNER_1 = "winner_1", _("Winner (1st)")
    WINNER_2 = "winner_2", _("Runner-up (2nd)")
    WINNER_3 = "winner_3", _("Third place (3rd)")
    HONOURABLE = "honourable", _("Honourable mention")
    SPECIAL = "special", _("Special award")


WINNER_KINDS = (AwardKind.WINNER_1, AwardKind.WINNER_2, AwardKind.WINNER_3)


class RecognitionLevel(models.TextChoices):
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")
    UNSTATED = "unstated", _("Level not stated")


# Default length of an interview slot: presentation, then questions (minutes).
PRESENTATION_MINUTES = 7
INTERVIEW_MINUTES = 13
# KIJB (Kompetisi Inovasi Jawa Barat): a forwarded innovation has run at least this many months
# on the date it is forwarded.
KIJB_MIN_MONTHS = 6
