"""Score sheets: a judge's draft and submission, the organiser's reopening."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from common.formats import moment
from common.mail import send_mail
from judging.enums import SheetStatus
from judging.models import ConflictDeclaration, Criterion, Score, ScoreSheet, Stage
from judging.results import compute_stage_results
from judging.selectors.conflicts import is_in_conflict
from judging.services.base import Action, JudgingError, log_stage_event, require_organiser
from judging.validators import score_value


def _lock_sheet(sheet) -> ScoreSheet:
    """Lock the sheet's stage, then the sheet. Whoever writes sheets takes the stage lock first,
    so submissions of one stage queue instead of deadlocking while each recomputes the results
    (which updates every sheet of the stage)."""
    stage_id = ScoreSheet.objects.filter(pk=sheet.pk).values_list("assignment__stage_id", flat=True)
    Stage.objects.select_for_update().filter(pk__in=stage_id).first()
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("assignment__stage__edition", "assignment__judge", "assignment__proposal")
        .get(pk=sheet.pk)
    )


def _lock_sheet_for_judge(sheet, by) -> ScoreSheet:
    """Lock the sheet (after its stage) and check that `by` may write on it now."""
    locked = _lock_sheet(sheet)
    assignment = locked.assignment
    stage = assignment.stage
    if assignment.judge_id != by.pk:
        raise JudgingError(_("This is not your score sheet."))
    if locked.excluded or is_in_conflict(by, assignment.proposal):
        raise JudgingError(_("You are in conflict with this proposal: your sheet does not count."))
    if not ConflictDeclaration.objects.filter(
        stage=stage, judge=by, pledge_signed_at__isnull=False
    ).exists():
        raise JudgingError(_("Declare your conflicts and sign the pledge first."))
    if not stage.is_open:
        raise JudgingError(
            _("The stage is closed.") if stage.is_closed else _("The stage is not open yet.")
        )
    if locked.is_submitted:
        when = moment(locked.submitted_at)
        raise JudgingError(
            _("This sheet was already submitted (%(when)s WIB) and is locked.") % {"when": when},
            code="already_submitted",
        )
    return locked


def _score_rows(locked, criteria, values) -> tuple[list[Score], list[Score]]:
    """The Score rows to create and to update so that the sheet holds `values`."""
    existing = {score.criterion_id: score for score in locked.scores.all()}
    create, update = [], []
    for criterion in criteria:
        value, comment = values[criterion.pk]
        score = existing.get(criterion.pk)
        if score is None and (value is not None or comment):
            create.append(
                Score(
                    sheet=locked,
                    criterion=criterion,
                    value=value,
                    comment=comment,
                    scale_min=criterion.scale_min,
                    scale_max=criterion.scale_max,
                )
            )
        elif score is not None and (score.value, score.comment) != (value, comment):
            score.value, score.comment = value, comment
            update.append(score)
    return create, update


def _write_scores(locked, scores: dict, overall_comment: str, now) -> list[Criterion]:
    """Upsert the sheet's Score rows; values outside the scale are refused with every reason."""
    criteria = list(locked.assignment.stage.criteria.order_by("order", "pk"))
    known = {criterion.pk for criterion in criteria}
    if set(scores) - known:
        raise JudgingError(_("A score was sent for a criterion of another stage."))
    problems = []
    values = {}
    for criterion in criteria:
        value, comment = scores.get(criterion.pk, (None, ""))
        value, problem = score_value(criterion, value)
        if problem:
            problems.append(problem)
        values[criterion.pk] = (value, (comment or "").strip())
    if problems:
        raise JudgingError(problems)
    create, update = _score_rows(locked, criteria, values)
    Score.objects.bulk_create(create)
    Score.objects.bulk_update(update, ["value", "comment"])
    locked.overall_comment = (overall_comment or "").strip()
    locked.saved_at = now
    return criteria


@transaction.atomic
def save_score_sheet(sheet, *, by, scores: dict, overall_comment: str = "", now=None):
    """Save a draft: `scores` maps criterion id -> (value or None, comment).

    Side effects: locks the sheet, creates / updates its Score rows and overall comment, sets
    saved_at. Nothing counts until the sheet is submitted.
    """
    now = now or timezone.now()
    locked = _lock_sheet_for_judge(sheet, by)
    _write_scores(locked, scores, overall_comment, now)
    locked.save(update_fields=["overall_comment", "saved_at"])
    return locked


@transaction.atomic
def submit_score_sheet(sheet, *, by, scores: dict, overall_comment: str = "", now=None):
    """Save and submit a sheet: every criterion needs a score. The sheet is then locked.

    The sheet row is locked first, so a double click or two tabs submitting at once leave one
    submission; the second is refused with code "already_submitted". Side effects: writes the
    scores, sets status / submitted_at, computes the sheet's total and the stage's results.
    """
    now = now or timezone.now()
    locked = _lock_sheet_for_judge(sheet, by)
    criteria = _write_scores(locked, scores, overall_comment, now)
    missing = [
        criterion.name
        for criterion in criteria
        if scores.get(criterion.pk, (None, ""))[0] in (None, "")
    ]
    if missing:
        raise JudgingError(
            _("Score every criterion before submitting. Missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    locked.status = SheetStatus.SUBMITTED
    locked.submitted_at = now
    locked.save(update_fields=["overall_comment", "saved_at", "status", "submitted_at"])
    record("scoresheet.submit", locked, by=by, after={"status": SheetStatus.SUBMITTED})
    # Only this judge's sheets and the entries they scored are recomputed, then everything ranked.
    compute_stage_results(locked.assignment.stage, now=now, judges=[locked.assignment.judge_id])
    locked.refresh_from_db(fields=["total", "normalised"])
    return locked


@transaction.atomic
def reopen_score_sheet(sheet, *, by, reason: str, now=None) -> ScoreSheet:
    """Reopen a submitted sheet so its judge can change it (organiser, open stage, with a reason).

    Side effects: sets the sheet back to draft, writes a StageEvent with the reason, recomputes the
    stage's results, and e-mails the judge after commit.
    """
    require_organiser(by)
    now = now or timezone.now()
    reason = (reason or "").strip()
    locked = _lock_sheet(sheet)
    stage = locked.assignment.stage
    problems = []
    if not reason:
        problems.append(_("Give the reason for reopening the sheet."))
    if not stage.is_open:
        problems.append(_("Sheets can be reopened only while the stage is open."))
    if not locked.is_submitted:
        problems.append(_("This sheet is not submitted."))
    if locked.excluded:
        problems.append(_("This sheet is excluded because of a conflict of interest."))
    if problems:
        raise JudgingError(problems)
    locked.status = SheetStatus.DRAFT
    locked.submitted_at = None
    locked.total = None
    locked.normalised = None
    locked.save(update_fields=["status", "submitted_at", "total", "normalised"])
    record(
        "scoresheet.reopen",
        locked,
        by=by,
        before={"status": SheetStatus.SUBMITTED},
        after={"status": SheetStatus.DRAFT},
        note=reason,
    )
    log_stage_event(
        stage,
        Action.SHEET_REOPENED,
        by=by,
        at=now,
        judge=locked.assignment.judge,
        proposal=locked.assignment.proposal,
        note=reason,
    )
    compute_stage_results(stage, now=now, judges=[locked.assignment.judge_id])
    judge = locked.assignment.judge
    send_mail(
        to=[judge.email] if judge.email else [],
        subject=gettext_lazy("Your score sheet was reopened"),
        template="judging/email/sheet_reopened.txt",
        context={"sheet": locked, "stage": stage, "reason": reason},
    )
    return locked
