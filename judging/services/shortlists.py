"""Shortlists: a track's Top N confirmed with the mayor's decree, changed with a reason, and the
next stage's entries brought in line."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from common import cache as page_cache
from common.mail import send_mail
from innovations.models import Proposal
from innovations.services import operator_emails
from judging.enums import Decision, ShortlistAction, StageKind
from judging.models import ScoreSheet, Shortlist, ShortlistChange, Stage, StageResult
from judging.selectors.stages import next_stage, sheets_with_content
from judging.services.base import JudgingError, lock_stage, require_organiser
from judging.services.entries import sync_entries
from judging.services.stages import create_stage
from judging.validators import shortlist_problems


def _names(proposal_ids) -> str:
    acronyms = Proposal.objects.filter(pk__in=proposal_ids).values_list(
        "innovation_acronym", flat=True
    )
    return ", ".join(sorted(acronyms, key=str.casefold))


def _apply_decisions(stage, track, chosen: set[int], decree_ref: str) -> dict[int, str]:
    """Write every entry's decision in the track; return {result pk: old decision} of changes."""
    results = list(
        StageResult.objects.select_for_update(of=("self",)).filter(
            stage=stage, proposal__track=track
        )
    )
    changed = {}
    for result in results:
        decision = (
            Decision.SHORTLISTED if result.proposal_id in chosen else Decision.NOT_SHORTLISTED
        )
        ref = decree_ref if decision == Decision.SHORTLISTED else ""
        if (result.decision, result.decree_ref) != (decision, ref):
            if result.decision != decision:
                changed[result.pk] = result.decision
            result.decision, result.decree_ref = decision, ref
    StageResult.objects.bulk_update(results, ["decision", "decree_ref"])
    page_cache.bump()  # bulk writes send no signals; the public results show the shortlist
    return changed


def _move_to_next_stage(stage, *, by, now, leaving: set[int]) -> Stage | None:
    """Bring the next stage's entries in line with the shortlist; a desk stage without a next
    stage gets its presentation and interview stage."""
    following = next_stage(stage)
    if following is None:
        if stage.kind != StageKind.DESK:
            return None
        return create_stage(edition=stage.edition, kind=StageKind.INTERVIEW, by=by, now=now)
    if leaving:
        sheets = ScoreSheet.objects.filter(
            assignment__stage=following, assignment__proposal_id__in=leaving
        )
        if sheets_with_content(sheets):
            raise JudgingError(
                _(
                    "%(entries)s already have scores in the next stage and cannot leave the "
                    "shortlist."
                )
                % {"entries": _names(leaving)}
            )
    sync_entries(following)
    return following


def _notify_agencies(stage, result_pks) -> None:
    for result in StageResult.objects.filter(pk__in=result_pks).select_related(
        "proposal__innovation", "proposal__agency", "proposal__track", "stage__edition"
    ):
        shortlisted = result.decision == Decision.SHORTLISTED
        send_mail(
            to=operator_emails(result.proposal.agency_id),
            subject=gettext_lazy("%(innovation)s is shortlisted in %(edition)s")
            if shortlisted
            else gettext_lazy("%(innovation)s is not shortlisted in %(edition)s"),
            subject_params={
                "innovation": result.proposal.innovation_acronym,
                "edition": stage.edition.name,
            },
            template="judging/email/shortlist_decision.txt",
            context={"result": result, "stage": stage, "shortlisted": shortlisted},
        )


@transaction.atomic
def confirm_shortlist(
    stage,
    *,
    track,
    proposal_ids,
    decree_number: str,
    decree_date,
    by,
    reason: str = "",
    now=None,
    notify: bool = True,
) -> Shortlist:
    """Confirm a track's shortlist from a closed stage's ranking, with the mayor's decree letter.

    A selection other than the computed Top N (Track.shortlist_size), or a cut inside an
    unresolved tie, needs a reason. Side effects: creates the Shortlist and its first
    ShortlistChange, sets every entry's StageResult.decision (and decree_ref), moves the
    shortlisted entries into the next stage (creating the interview stage after the desk stage if
    needed), and, with `notify`, e-mails every entry's agency after commit.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    if Shortlist.objects.filter(stage=locked, track=track).exists():
        raise JudgingError(_("This shortlist is already confirmed; change it instead."))
    chosen = set(proposal_ids)
    problems = shortlist_problems(locked, track, chosen, reason, decree_number, decree_date)
    if problems:
        raise JudgingError(problems)
    shortlist = Shortlist.objects.create(
        stage=locked,
        track=track,
        decree_number=decree_number.strip(),
        decree_date=decree_date,
        confirmed_by=by,
        confirmed_at=now,
    )
    _apply_decisions(locked, track, chosen, shortlist.decree_ref)
    change = ShortlistChange(
        shortlist=shortlist,
        action=ShortlistAction.CONFIRMED,
        by=by,
        at=now,
        reason=(reason or "").strip(),
        decree_number=shortlist.decree_number,
        decree_date=shortlist.decree_date,
        shortlisted=_names(chosen),
        added=_names(chosen),
    )
    record(
        "shortlist.confirm",
        shortlist,
        by=by,
        after={"shortlisted": sorted(chosen), "decree": shortlist.decree_ref},
        note=(reason or "").strip(),
        history=change,
    )
    _move_to_next_stage(locked, by=by, now=now, leaving=set())
    if notify:
        _notify_agencies(
            locked,
            StageResult.objects.filter(stage=locked, proposal__track=track).values_list(
                "pk", flat=True
            ),
        )
    return shortlist


@transaction.atomic
def change_shortlist(
    shortlist,
    *,
    proposal_ids,
    reason: str,
    by,
    decree_number: str | None = None,
    decree_date=None,
    now=None,
) -> Shortlist:
    """Change a confirmed shortlist: always with a reason, recorded in the append-only log.

    Side effects: updates the Shortlist (decree letter, changed_at), the entries' decisions, the
    next stage's entries (refused if a leaving entry already has scores there), appends a
    ShortlistChange, and e-mails the agencies whose decision changed after commit.
    """
    require_organiser(by)
    now = now or timezone.now()
    shortlist = (
        Shortlist.objects.select_for_update(of=("self",))
        .select_related("track")
        .get(pk=shortlist.pk)
    )
    stage = lock_stage(shortlist.stage)
    reason = (reason or "").strip()
    decree_number = (decree_number or shortlist.decree_number).strip()
    decree_date = decree_date or shortlist.decree_date
    chosen = set(proposal_ids)
    problems = shortlist_problems(
        stage, shortlist.track, chosen, reason or "-", decree_number, decree_date
    )
    if not reason:
        problems.insert(0, _("Give the reason for changing a confirmed shortlist."))
    before = set(
        StageResult.objects.filter(
            stage=stage, proposal__track=shortlist.track, decision=Decision.SHORTLISTED
        ).values_list("proposal_id", flat=True)
    )
    same_decree = (decree_number, decree_date) == (shortlist.decree_number, shortlist.decree_date)
    if chosen == before and same_decree and not problems:
        raise JudgingError(_("Nothing changed."))
    if problems:
        raise JudgingError(problems)
    shortlist.decree_number, shortlist.decree_date, shortlist.changed_at = (
        decree_number,
        decree_date,
        now,
    )
    shortlist.save(update_fields=["decree_number", "decree_date", "changed_at"])
    changed = _apply_decisions(stage, shortlist.track, chosen, shortlist.decree_ref)
    _move_to_next_stage(stage, by=by, now=now, leaving=before - chosen)
    change = ShortlistChange(
        shortlist=shortlist,
        action=ShortlistAction.CHANGED,
        by=by,
        at=now,
        reason=reason,
        decree_number=decree_number,
        decree_date=decree_date,
        shortlisted=_names(chosen),
        added=_names(chosen - before),
        removed=_names(before - chosen),
    )
    record(
        "shortlist.change",
        shortlist,
        by=by,
        before={"shortlisted": sorted(before)},
        after={"shortlisted": sorted(chosen), "decree": shortlist.decree_ref},
        note=reason,
        history=change,
    )
    _notify_agencies(stage, list(changed))
    return shortlist
