"""Awards of the final result, and forwarding to KIJB (the provincial competition)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from common.formats import day
from innovations.models import Edition, Proposal
from innovations.validators import months_in_operation_ok
from judging.enums import KIJB_MIN_MONTHS, WINNER_KINDS, AwardKind
from judging.models import Award, FinalEntry, FinalResult, KijbNomination
from judging.selectors.finals import kijb_eligible_from
from judging.services.base import JudgingError, require_organiser


def _award_state(award: Award) -> dict:
    return {"proposal": award.proposal_id, "kind": award.kind, "title": award.title}


@transaction.atomic
def give_award(edition, *, proposal, kind: str, title: str = "", by, now=None) -> Award:
    """Give a finalist an award: 1st, 2nd, 3rd (one each per track), an honourable mention, or a
    special award with its title.

    Side effects: creates the Award, writes an audit event.
    """
    require_organiser(by)
    now = now or timezone.now()
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    title = (title or "").strip() if kind == AwardKind.SPECIAL else ""
    problems = []
    if kind not in AwardKind.values:
        problems.append(_("Choose an award."))
    entry = FinalEntry.objects.filter(edition=edition, proposal=proposal).first()
    if entry is None:
        problems.append(_("Only a finalist of this edition can receive an award."))
    if kind == AwardKind.SPECIAL and not title:
        problems.append(_("Give the name of the special award."))
    if problems:
        raise JudgingError(problems)
    if kind in WINNER_KINDS:
        holder = (
            Award.objects.filter(edition=edition, track_id=entry.track_id, kind=kind)
            .select_related("proposal__innovation")
            .first()
        )
        if holder is not None:
            raise JudgingError(
                _("%(innovation)s already holds this place in the track: remove it first.")
                % {"innovation": holder.proposal.innovation_acronym}
            )
    if Award.objects.filter(proposal=proposal, kind=kind, title=title).exists():
        raise JudgingError(_("This entry already has this award."))
    award = Award.objects.create(
        edition=edition,
        track_id=entry.track_id,
        proposal=proposal,
        kind=kind,
        title=title,
        awarded_by=by,
        awarded_at=now,
    )
    record("award.give", award, by=by, after=_award_state(award))
    return award


@transaction.atomic
def remove_award(award, *, by) -> None:
    """Take an award back. Side effects: deletes the Award, writes an audit event."""
    require_organiser(by)
    award = Award.objects.select_for_update().filter(pk=award.pk).first()
    if award is None:
        return
    record("award.remove", award, by=by, before=_award_state(award))
    award.delete()


@transaction.atomic
def forward_to_kijb(proposal, *, forwarded_on: datetime.date, by, note: str = "") -> KijbNomination:
    """Mark a finalist as forwarded to KIJB, the provincial competition.

    The provincial rule: on the date of forwarding the innovation has been in operation at least
    KIJB_MIN_MONTHS (6) months, and that date is not in the future. The edition's final result
    must be confirmed. Side effects:
    creates the KijbNomination, writes an audit event.
    """
    require_organiser(by)
    proposal = Proposal.objects.select_related("innovation", "edition").get(pk=proposal.pk)
    problems = []
    if not FinalEntry.objects.filter(proposal=proposal).exists():
        problems.append(_("Only a finalist can be forwarded to KIJB."))
    if not FinalResult.objects.filter(edition_id=proposal.edition_id).exists():
        problems.append(_("Confirm the final result first."))
    if KijbNomination.objects.filter(proposal=proposal).exists():
        problems.append(_("This entry is already forwarded to KIJB."))
    if not isinstance(forwarded_on, datetime.date):
        problems.append(_("Enter the date of forwarding."))
    elif forwarded_on > timezone.localdate():
        problems.append(
            _("The date of forwarding cannot be in the future (today is %(today)s).")
            % {"today": day(timezone.localdate())}
        )
    elif not months_in_operation_ok(proposal.innovation.started_on, forwarded_on, KIJB_MIN_MONTHS):
        problems.append(
            _(
                "KIJB takes innovations in operation for at least %(months)d months: "
                "%(innovation)s started on %(start)s and qualifies from %(from)s."
            )
            % {
                "months": KIJB_MIN_MONTHS,
                "innovation": proposal.innovation_acronym,
                "start": day(proposal.innovation.started_on),
                "from": day(kijb_eligible_from(proposal.innovation)),
            }
        )
    if problems:
        raise JudgingError(problems)
    nomination = KijbNomination.objects.create(
        proposal=proposal, forwarded_on=forwarded_on, note=(note or "").strip(), forwarded_by=by
    )
    record(
        "kijb.forward",
        nomination,
        by=by,
        after={"proposal": proposal.pk, "forwarded_on": forwarded_on.isoformat()},
    )
    return nomination


@transaction.atomic
def withdraw_kijb(nomination, *, by) -> None:
    """Undo a forwarding recorded by mistake. Side effects: deletes it, writes an audit event."""
    require_organiser(by)
    nomination = KijbNomination.objects.select_for_update().filter(pk=nomination.pk).first()
    if nomination is None:
        return
    record(
        "kijb.withdraw",
        nomination,
        by=by,
        before={
            "proposal": nomination.proposal_id,
            "forwarded_on": nomination.forwarded_on.isoformat(),
        },
    )
    nomination.delete()
