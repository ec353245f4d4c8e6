"""The final result: the stages' weights, the final ranking, its confirmation with the decree, and
its publication."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from common import cache as page_cache
from common.formats import cents
from common.mail import send_mail
from innovations.models import Edition, Proposal
from innovations.services import operator_emails, save_edition
from judging.enums import Decision, RankBy, TieBreak
from judging.models import FinalEntry, FinalResult, Stage, StageResult
from judging.results.tiebreak import rank_entries
from judging.selectors.finals import stages_of
from judging.services.base import JudgingError, require_organiser
from judging.validators import confirmation_problems, weight_problems

HUNDRED = Decimal(100)


def _stage_score(result: StageResult, stage: Stage):
    return result.normalised if stage.rank_by == RankBy.NORMALISED else result.mean


@transaction.atomic
def set_stage_weights(edition, *, weights: dict[int, Decimal], by) -> list[Stage]:
    """Set the weight of each stage of the edition in the final result (stage id -> percent);
    they must add up to 100. Refused once the final result is confirmed.

    Side effects: saves Stage.weight, recomputes the final entries, writes an audit event.
    """
    require_organiser(by)
    stages = list(Stage.objects.select_for_update().filter(edition=edition).order_by("order"))
    if FinalResult.objects.filter(edition=edition).exists():
        raise JudgingError(_("The final result is confirmed: the weights can no longer change."))
    if set(weights) != {stage.pk for stage in stages}:
        raise JudgingError(_("Give a weight for every stage of the edition."))
    before = {str(stage.pk): f"{stage.weight}" for stage in stages}
    problems = []
    for stage in stages:
        value = weights[stage.pk]
        if value is None or value < 0 or value > HUNDRED:
            problems.append(
                _("The weight of %(stage)s must be between 0 and 100.")
                % {"stage": stage.get_kind_display()}
            )
        stage.weight = value
    problems += [] if problems else weight_problems(stages)
    if problems:
        raise JudgingError(problems)
    Stage.objects.bulk_update(stages, ["weight"])
    record(
        "final.weights",
        edition,
        by=by,
        before=before,
        after={str(stage.pk): f"{stage.weight}" for stage in stages},
    )
    compute_final_results(edition)
    return stages


@transaction.atomic
def compute_final_results(edition, *, now=None) -> list[FinalEntry]:
    """Recompute the finalists' final scores and ranks.

    Finalists are the entries of the edition's last stage. Final score = sum over the stages of
    the stage's score (its mean, or its normalised score when the stage ranks by it) x the
    stage's weight / 100, rounded half up to two decimals; an entry not scored in every stage has
    no final score. Ranked within each track by the final score with the stages' tie-break rule
    (judging.results.tiebreak) over the weighted figures: the higher weighted score on the
    heaviest criteria, then the higher weighted median, then the earlier submission; entries
    equal on every key share the rank ("unresolved").

    Side effects: creates, updates and deletes FinalEntry rows of the edition.
    """
    now = now or timezone.now()
    stages = stages_of(edition)
    if not stages:
        FinalEntry.objects.filter(edition=edition).delete()
        return []
    last = stages[-1]
    results: dict[int, dict[int, StageResult]] = {}
    for result in StageResult.objects.filter(stage__in=stages):
        results.setdefault(result.proposal_id, {})[result.stage_id] = result
    finalists = list(
        Proposal.objects.filter(
            pk__in=StageResult.objects.filter(stage=last).values("proposal_id")
        ).only("pk", "track_id", "submitted_at")
    )
    FinalEntry.objects.filter(edition=edition).exclude(
        proposal_id__in=[p.pk for p in finalists]
    ).delete()
    existing = {entry.proposal_id: entry for entry in FinalEntry.objects.filter(edition=edition)}
    entries = []
    for proposal in finalists:
        entry = existing.get(proposal.pk) or FinalEntry(
            edition=edition, proposal=proposal, track_id=proposal.track_id
        )
        entry.track_id = proposal.track_id
        entry.submitted_at = proposal.submitted_at
        scores, total, heaviest, median, complete = {}, Decimal(0), Decimal(0), Decimal(0), True
        for stage in stages:
            result = results.get(proposal.pk, {}).get(stage.pk)
            value = _stage_score(result, stage) if result and result.is_scored else None
            scores[str(stage.pk)] = None if value is None else f"{value}"
            if value is None:
                complete = False
                continue
            total += value * stage.weight / HUNDRED
            heaviest += (result.heaviest or Decimal(0)) * stage.weight / HUNDRED
            median += (result.median or Decimal(0)) * stage.weight / HUNDRED
        entry.stage_scores = scores
        entry.score = cents(total) if complete else None
        entry.heaviest = cents(heaviest) if complete else None
        entry.median = cents(median) if complete else None
        entry.rank, entry.tie_break, entry.computed_at = None, TieBreak.NONE, now
        entries.append(entry)
    rank_entries([entry for entry in entries if entry.score is not None], score="score")
    fields = ["track", "stage_scores", "score", "heaviest", "median", "rank", "tie_break"]
    FinalEntry.objects.bulk_create([e for e in entries if e.pk is None])
    existing_rows = [e for e in entries if e.pk is not None]
    FinalEntry.objects.bulk_update(existing_rows, [*fields, "computed_at"])
    page_cache.bump()  # bulk writes send no signals
    return entries


def carry_back_decisions(edition, *, ranked: set[int]) -> None:
    """Give every entry of every stage its outcome once the final result is confirmed, so that
    nothing of a finished edition says "pending": the last stage's entries are ranked (those in
    `ranked`: scored in every stage) or not ranked; an entry of an earlier stage still pending
    (a track whose shortlist nobody confirmed) did not go on. Side effects: updates
    StageResult.decision in bulk, renews the public pages."""
    stages = stages_of(edition)
    if not stages:
        return
    last = StageResult.objects.filter(stage=stages[-1])
    last.filter(proposal_id__in=ranked).exclude(decision=Decision.RANKED).update(
        decision=Decision.RANKED
    )
    last.exclude(proposal_id__in=ranked).exclude(decision=Decision.NOT_RANKED).update(
        decision=Decision.NOT_RANKED
    )
    StageResult.objects.filter(stage__in=stages[:-1], decision=Decision.PENDING).update(
        decision=Decision.NOT_SHORTLISTED
    )
    page_cache.bump()  # bulk writes send no signals


@transaction.atomic
def confirm_final_result(edition, *, decree_number: str, decree_date, by, now=None) -> FinalResult:
    """Confirm the edition's final ranking with the mayor's decree letter (every stage closed,
    weights adding up to 100). Before publication the decree may be corrected by confirming
    again; after it, not.

    Side effects: recomputes the final entries, carries the final decisions back to every stage's
    entries (carry_back_decisions), creates or updates the FinalResult, writes an audit event.
    """
    require_organiser(by)
    now = now or timezone.now()
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    decree_number = (decree_number or "").strip()
    problems = confirmation_problems(edition)
    if not decree_number:
        problems.append(_("Enter the number of the mayor's decree letter (Surat Wali Kota)."))
    if not isinstance(decree_date, datetime.date):
        problems.append(_("Enter the date of the decree letter."))
    current = FinalResult.objects.filter(edition=edition).first()
    if current is not None and current.is_published:
        problems.append(_("The final result is published and can no longer be changed."))
    if problems:
        raise JudgingError(problems)
    entries = compute_final_results(edition, now=now)
    carry_back_decisions(edition, ranked={e.proposal_id for e in entries if e.score is not None})
    before = (
        {"decree": current.decree_ref, "confirmed_at": current.confirmed_at.isoformat()}
        if current
        else None
    )
    result = current or FinalResult(edition=edition)
    result.decree_number, result.decree_date = decree_number, decree_date
    result.confirmed_by, result.confirmed_at = by, now
    result.save()
    record(
        "final.confirm",
        result,
        by=by,
        before=before,
        after={"decree": result.decree_ref, "confirmed_at": now.isoformat()},
    )
    return result


@transaction.atomic
def publish_final_result(edition, *, by, now=None, notify: bool = True) -> FinalResult:
    """Publish a confirmed final result: the one action that makes public all that publication
    means. The edition becomes public if it was not (its results page, its finalists in the
    registry), the results page shows the final ranking and the awards, the winners' pages their
    awards, and every finalist's agency sees its feedback. FinalResult.results_published_at is
    the one record of it; the edition cannot be hidden again while it stands (judging.lifecycle).

    Side effects: sets FinalResult.results_published_at / published_by, publishes the edition
    through innovations.services.save_edition (which refreshes the registry), writes an audit
    event, e-mails the finalists' operators after commit.
    """
    require_organiser(by)
    now = now or timezone.now()
    result = FinalResult.objects.select_for_update().filter(edition=edition).first()
    if result is None:
        raise JudgingError(_("Confirm the final result before publishing it."))
    if result.is_published:
        raise JudgingError(_("The final result is already published."))
    result.results_published_at, result.published_by = now, by
    result.save(update_fields=["results_published_at", "published_by"])
    locked_edition = Edition.objects.select_for_update().get(pk=edition.pk)
    made_public = not locked_edition.is_published
    if made_public:
        locked_edition.is_published = True
        save_edition(locked_edition, update_fields=["is_published"])
        edition.is_published = True
    record(
        "final.publish",
        result,
        by=by,
        after={"published_at": now.isoformat(), "edition_made_public": made_public},
    )
    if not notify:
        return result
    for entry in FinalEntry.objects.filter(edition=edition).select_related(
        "proposal__innovation", "proposal__agency"
    ):
        send_mail(
            to=operator_emails(entry.proposal.agency_id),
            subject=gettext_lazy("Results of %(edition)s are published"),
            subject_params={"edition": edition.name},
            template="judging/email/results_published.txt",
            context={"edition": edition, "proposal": entry.proposal},
        )
    return result
