"""Conflicts of interest and the integrity pledge: the judge's declaration, the automatic
(membership) conflicts, and the exclusion of sheets that must not count."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.enums import Role
from agencies.models import Membership
from common.mail import send_mail
from innovations.models import Proposal
from judging.enums import ConflictSource
from judging.models import Conflict, ConflictDeclaration, ScoreSheet
from judging.results import compute_stage_results
from judging.selectors.conflicts import conflict_pairs
from judging.services.base import (
    Action,
    JudgingError,
    lock_stage,
    log_stage_event,
    refuse_if_closed,
)

PLEDGE_TEXT = gettext_lazy(
    "I will judge every entry assigned to me honestly, independently and only on its merits "
    "against the published criteria. I have declared every conflict of interest I know of and "
    "will declare at once any I discover. I will keep the proposals, my scores and the panel's "
    "discussions confidential, and I will accept no gift or favour from any participant."
)


def _organiser_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ORGANISER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def record_membership_conflicts(stage, judge, now) -> None:
    """Store the judge's automatic conflicts (agencies it belongs to) for the edition's record.
    The check itself always reads the live memberships too."""
    for membership in Membership.objects.filter(user=judge, is_active=True).select_related(
        "agency"
    ):
        Conflict.objects.get_or_create(
            edition_id=stage.edition_id,
            judge=judge,
            agency=membership.agency,
            defaults={
                "source": ConflictSource.MEMBERSHIP,
                "reason": _("Member of %(agency)s") % {"agency": membership.agency.name},
                "stage": stage,
                "recorded_at": now,
            },
        )


def exclude_conflicted_sheets(stage, *, by, now, judge_ids=None) -> list[ScoreSheet]:
    """Exclude every sheet of the stage whose judge is in conflict with its proposal.

    Side effects: sets excluded / excluded_at / excluded_reason, writes a StageEvent per sheet,
    recomputes the results when a submitted sheet was excluded, and e-mails the organisers after
    commit so that they reassign the entry.
    """
    pairs = conflict_pairs(stage, judge_ids)
    if not pairs:
        return []
    candidates = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .filter(assignment__stage=stage, excluded=False)
        .filter(assignment__judge_id__in={judge for judge, _proposal in pairs})
        .select_related("assignment__judge", "assignment__proposal__innovation")
    )
    excluded = [
        sheet
        for sheet in candidates
        if (sheet.assignment.judge_id, sheet.assignment.proposal_id) in pairs
    ]
    if not excluded:
        return []
    reason = _("Conflict of interest between the judge and the proposal.")
    for sheet in excluded:
        sheet.excluded, sheet.excluded_at, sheet.excluded_reason = True, now, reason
    ScoreSheet.objects.bulk_update(excluded, ["excluded", "excluded_at", "excluded_reason"])
    for sheet in excluded:
        log_stage_event(
            stage,
            Action.SHEET_EXCLUDED,
            by=by,
            at=now,
            judge=sheet.assignment.judge,
            proposal=sheet.assignment.proposal,
            note=reason,
        )
    if any(sheet.is_submitted for sheet in excluded) and stage.opened_at is not None:
        compute_stage_results(
            stage, now=now, judges={sheet.assignment.judge_id for sheet in excluded}
        )
    send_mail(
        to=_organiser_emails(),
        subject=gettext_lazy("Conflict of interest in %(stage)s: reassign entries"),
        subject_params={"stage": stage},
        template="judging/email/conflict_alert.txt",
        context={"stage": stage, "sheets": excluded},
    )
    return excluded


@transaction.atomic
def declare_conflicts(
    stage, *, judge, conflicts: dict[int, str], pledge_text: str | None = None, now=None
) -> ConflictDeclaration:
    """Record a judge's declaration for a stage: conflicts with entries (proposal id -> reason),
    or none. With `pledge_text`, the integrity pledge is signed in the same step.

    May be called again later to declare a conflict found while scoring. Side effects: creates or
    updates the ConflictDeclaration, records the judge's automatic (membership) conflicts and the
    declared Conflict rows, excludes the sheets of conflicted assignments (and alerts the
    organisers), writes StageEvents, and signs the pledge when asked. Locks the stage row.
    """
    now = now or timezone.now()
    # The stage lock orders this after (or before) a running assignment, which reads conflicts.
    stage = lock_stage(stage)
    if not stage.panel.filter(judge=judge).exists():
        raise JudgingError(_("You are not on the panel of this stage."))
    refuse_if_closed(stage)
    entries = set(stage.results.values_list("proposal_id", flat=True))
    problems = []
    cleaned = {}
    for proposal_id, reason in conflicts.items():
        reason = (reason or "").strip()
        if proposal_id not in entries:
            problems.append(_("One of the proposals is not an entry of this stage."))
        elif not reason:
            problems.append(_("Give a reason for every conflict you declare."))
        else:
            cleaned[proposal_id] = reason
    if problems:
        raise JudgingError(sorted(set(problems)))
    declaration, _created = ConflictDeclaration.objects.select_for_update().get_or_create(
        stage=stage, judge=judge, defaults={"declared_at": now}
    )
    record_membership_conflicts(stage, judge, now)
    already = set(
        Conflict.objects.filter(judge=judge, proposal_id__in=list(cleaned)).values_list(
            "proposal_id", flat=True
        )
    )
    proposals = Proposal.objects.in_bulk(list(set(cleaned) - already))
    for proposal_id, proposal in sorted(proposals.items()):
        Conflict.objects.create(
            edition_id=stage.edition_id,
            judge=judge,
            proposal=proposal,
            source=ConflictSource.DECLARED,
            reason=cleaned[proposal_id],
            stage=stage,
            recorded_at=now,
        )
        log_stage_event(
            stage,
            Action.CONFLICT_DECLARED,
            by=judge,
            at=now,
            judge=judge,
            proposal=proposal,
            note=cleaned[proposal_id],
        )
    declaration.no_conflicts = not Conflict.objects.filter(
        judge=judge, source=ConflictSource.DECLARED, proposal_id__in=entries
    ).exists()
    declaration.save(update_fields=["no_conflicts"])
    exclude_conflicted_sheets(stage, by=judge, now=now, judge_ids=[judge.pk])
    if pledge_text is not None:
        declaration = sign_pledge(stage, judge=judge, text=pledge_text, now=now)
    return declaration


@transaction.atomic
def sign_pledge(stage, *, judge, text: str | None = None, now=None) -> ConflictDeclaration:
    """Sign the integrity pledge of a stage, after the conflict declaration. Signing twice keeps
    the first signature.

    Side effects: sets pledge_text and pledge_signed_at on the judge's ConflictDeclaration.
    """
    now = now or timezone.now()
    declaration = (
        ConflictDeclaration.objects.select_for_update().filter(stage=stage, judge=judge).first()
    )
    if declaration is None:
        raise JudgingError(_("Declare your conflicts of interest before signing the pledge."))
    if declaration.pledge_signed_at is not None:
        return declaration
    declaration.pledge_text = (text or str(PLEDGE_TEXT)).strip()
    declaration.pledge_signed_at = now
    declaration.save(update_fields=["pledge_text", "pledge_signed_at"])
    return declaration
