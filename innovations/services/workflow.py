"""The proposal workflow: the allowed status moves (TRANSITIONS) and the one function that
makes them, `transition_proposal`; the first history row of a new draft; the status e-mail."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencies.models import Agency
from agencies.permissions import is_organiser
from audit.services import record
from common.mail import send_mail
from innovations.checklist import submission_problems
from innovations.enums import ProposalStatus as S
from innovations.models import Proposal, ProposalStatusChange
from innovations.public_year import refresh_public_years
from innovations.services.access import WorkflowError, is_agency_operator, operator_emails

AGENCY = "agency"
ORGANISER = "organiser"


@dataclass(frozen=True)
class Move:
    actor: str  # AGENCY: an active operator of the proposal's agency; ORGANISER: Bagian Organisasi
    note_required: bool = False
    notify_agency: bool = False


# The allowed status moves: nothing else is possible.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.DRAFT, S.SUBMITTED): Move(AGENCY, notify_agency=True),
    (S.DRAFT, S.WITHDRAWN): Move(AGENCY),
    (S.SUBMITTED, S.CHANGES_REQUESTED): Move(ORGANISER, note_required=True, notify_agency=True),
    (S.SUBMITTED, S.VERIFIED): Move(ORGANISER, notify_agency=True),
    (S.SUBMITTED, S.REJECTED): Move(ORGANISER, note_required=True, notify_agency=True),
    (S.SUBMITTED, S.WITHDRAWN): Move(AGENCY, notify_agency=True),
    (S.CHANGES_REQUESTED, S.SUBMITTED): Move(AGENCY, notify_agency=True),
    (S.CHANGES_REQUESTED, S.WITHDRAWN): Move(AGENCY, notify_agency=True),
    (S.VERIFIED, S.WITHDRAWN): Move(AGENCY, notify_agency=True),
}


# What the opening of an edition's first judging stage closes (the desk evaluation opens only once
# every proposal is decided, judging.lifecycle; after it, none may join or leave it silently).
JUDGING_CLOSES = {
    (S.VERIFIED, S.WITHDRAWN): gettext_lazy(
        "Judging has started: the proposal can no longer be withdrawn."
    ),
    (S.DRAFT, S.SUBMITTED): gettext_lazy(
        "Judging has started: a proposal handed in now would miss the desk evaluation."
    ),
    (S.CHANGES_REQUESTED, S.SUBMITTED): gettext_lazy(
        "Judging has started: a proposal handed in now would miss the desk evaluation."
    ),
    (S.SUBMITTED, S.VERIFIED): gettext_lazy(
        "Judging has started: a proposal verified now would miss the desk evaluation."
    ),
    (S.SUBMITTED, S.CHANGES_REQUESTED): gettext_lazy(
        "Judging has started: a proposal can no longer be sent back for changes."
    ),
}


def judging_has_started(edition) -> bool:
    """Whether any judging stage of the edition has opened (then the agency can no longer withdraw).

    The judging app owns stages; this asks through the reverse relation so that innovations never
    imports judging.
    """
    stages = getattr(edition, "stages", None)
    if stages is None:
        return False
    return stages.filter(opened_at__isnull=False).exists()


def _check_actor(move: Move, proposal: Proposal, by) -> None:
    if move.actor == ORGANISER and not is_organiser(by):
        raise WorkflowError(_("Only the organiser (Bagian Organisasi) may do this."))
    if move.actor == AGENCY and not is_agency_operator(by, proposal.agency_id):
        raise WorkflowError(
            _("Only an operator of %(agency)s may do this.") % {"agency": proposal.agency.name}
        )


def cap_holder(proposal: Proposal) -> Agency:
    """The agency whose cap the proposal counts towards: its own agency, or, when the edition
    counts an agency with its units (Edition.cap_counts_units), the unit's parent; the same
    grouping as the obligation's (innovations.compliance)."""
    agency = proposal.agency
    if proposal.edition.cap_counts_units and agency.parent_id is not None:
        return agency.parent
    return agency


def _check_cap(proposal: Proposal) -> list[str]:
    """The per-agency cap. The caller holds the cap holder's row lock, so two operators
    submitting at the same moment (of one agency, or of an agency and its unit) are counted one
    after the other."""
    edition = proposal.edition
    if edition.max_per_agency is None:
        return []
    holder = cap_holder(proposal)
    group = Q(agency_id=holder.pk)
    if edition.cap_counts_units:
        group |= Q(agency__parent_id=holder.pk)
    handed_in = (
        Proposal.objects.counted().filter(group, edition=edition).exclude(pk=proposal.pk).count()
    )
    if handed_in < edition.max_per_agency:
        return []
    if holder.pk != proposal.agency_id or edition.cap_counts_units and holder.children.exists():
        return [
            ngettext(
                "%(agency)s and its units have already handed in %(count)d proposal to "
                "%(edition)s, the most this edition allows.",
                "%(agency)s and its units have already handed in %(count)d proposals to "
                "%(edition)s, the most this edition allows.",
                handed_in,
            )
            % {"agency": holder.name, "count": handed_in, "edition": edition.name}
        ]
    return [
        ngettext(
            "%(agency)s has already handed in %(count)d proposal to %(edition)s, the most "
            "this edition allows.",
            "%(agency)s has already handed in %(count)d proposals to %(edition)s, the most "
            "this edition allows.",
            handed_in,
        )
        % {"agency": holder.name, "count": handed_in, "edition": edition.name}
    ]


def _lock_for_move(proposal: Proposal, to: str) -> Proposal:
    """The proposal's row, locked and fresh (and before it, for a capped submission, the
    agency's row)."""
    if to == S.SUBMITTED and proposal.edition.max_per_agency is not None:
        # Lock order is always agency (the cap's holder), then proposal: two submissions counted
        # towards one cap queue here.
        Agency.objects.select_for_update().filter(pk=cap_holder(proposal).pk).first()
    # of=("self",): lock the proposal row only. A plain FOR UPDATE over the join would also lock
    # the edition row, queueing every move of the whole edition behind each other.
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("edition", "agency", "innovation")
        .get(pk=proposal.pk)
    )


def _allowed_move(locked: Proposal, to: str, *, by, note: str, now) -> Move:
    """The move from the locked proposal's status to `to`, if the table, the actor, the
    calendar, the note and (on submission) every guard allow it; WorkflowError otherwise."""
    move = TRANSITIONS.get((locked.status, to))
    if move is None:
        raise WorkflowError(
            _("A proposal that is “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_status_display(), "to": S(to).label}
        )
    _check_actor(move, locked, by)
    if move.actor == ORGANISER and not locked.edition.is_in_verification(now):
        # Here, not in a view: the organiser pages and the admin share this rule.
        raise WorkflowError(
            _(
                "%(edition)s is not in its verification period: proposals cannot be verified, "
                "sent back or rejected now."
            )
            % {"edition": locked.edition.name}
        )
    if move.note_required and not note:
        raise WorkflowError(_("Write a note for the agency explaining the decision."))
    closed_by_judging = JUDGING_CLOSES.get((locked.status, to))
    if closed_by_judging and judging_has_started(locked.edition):
        raise WorkflowError(closed_by_judging)
    if to == S.SUBMITTED:
        problems = submission_problems(locked, now=now) + _check_cap(locked)
        if problems:
            raise WorkflowError(problems)
    return move


def _changed_meanwhile(current: Proposal) -> WorkflowError:
    return WorkflowError(
        _("This proposal was changed meanwhile: it is now “%(status)s”. Reload the page.")
        % {"status": current.get_status_display()},
        code="changed_meanwhile",
    )


@transaction.atomic
def transition_proposal(
    proposal: Proposal, to: str, *, by, note: str = "", expected_status: str | None = None, now=None
) -> Proposal:
    """Move a proposal to status `to`, the only way a status changes.

    Checks the TRANSITIONS table, who is acting, the note, and on submission every guard of the
    checklist plus the agency's cap. Side effects: locks the proposal row (and the agency row for
    a capped submission), saves the status fields, writes a ProposalStatusChange and its audit
    event ("proposal.status", through audit.services.record), and after commit
    e-mails the agency's operators when the move says so.

    `expected_status` is the status the actor saw (default: the instance's); if the row changed
    meanwhile, the move is refused instead of applied on top of someone else's.
    Raises WorkflowError listing every reason for a refusal; nothing is changed then.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    seen = expected_status or proposal.status
    locked = _lock_for_move(proposal, to)
    if locked.status != seen:
        raise _changed_meanwhile(locked)
    if locked.status == to:
        return locked
    move = _allowed_move(locked, to, by=by, note=note, now=now)

    previous = locked.status
    locked.status = to
    locked.status_changed_at = now
    fields = {"status": to, "status_changed_at": now, "updated_at": now}
    if to == S.SUBMITTED:
        locked.submitted_at = fields["submitted_at"] = now
    # Conditional on the status read: where the row lock is a no-op (SQLite), a move that lost a
    # race changes nothing and is refused as on PostgreSQL.
    if not Proposal.objects.filter(pk=locked.pk, status=previous).update(**fields):
        raise _changed_meanwhile(Proposal.objects.get(pk=locked.pk))
    if S.VERIFIED in (previous, to):
        refresh_public_years(innovation_ids=[locked.innovation_id])
    record(
        "proposal.status",
        locked,
        by=by,
        before={"status": previous},
        after={"status": to},
        note=note,
        history=ProposalStatusChange(
            proposal=locked, from_status=previous, to_status=to, by=by, at=now, note=note
        ),
    )
    if move.notify_agency:
        transaction.on_commit(lambda: notify_agency_of_status(locked, previous, note))
    proposal.status = locked.status
    proposal.status_changed_at = locked.status_changed_at
    proposal.submitted_at = locked.submitted_at
    return locked


def submit_proposal(proposal, *, by, now=None):
    return transition_proposal(proposal, S.SUBMITTED, by=by, now=now)


def withdraw_proposal(proposal, *, by, note=""):
    return transition_proposal(proposal, S.WITHDRAWN, by=by, note=note)


def request_changes(proposal, *, by, note, expected_status=None):
    return transition_proposal(
        proposal, S.CHANGES_REQUESTED, by=by, note=note, expected_status=expected_status
    )


def verify_proposal(proposal, *, by, note="", expected_status=None):
    return transition_proposal(
        proposal, S.VERIFIED, by=by, note=note, expected_status=expected_status
    )


def reject_proposal(proposal, *, by, note, expected_status=None):
    return transition_proposal(
        proposal, S.REJECTED, by=by, note=note, expected_status=expected_status
    )


def notify_agency_of_status(proposal: Proposal, previous: str, note: str) -> None:
    """E-mail the agency's operators about a status change, in the site's language.

    Runs after the move committed; a failing mail server is logged by common.mail, the move
    stands."""
    send_mail(
        to=operator_emails(proposal.agency_id),
        # The site's name is part of this subject's msgid: no second prefix.
        subject=gettext_lazy("[%(site)s] %(innovation)s: %(status)s"),
        subject_params={
            "site": settings.KIKS_SITE_NAME,
            "innovation": proposal.innovation_acronym,
            "status": S(proposal.status).label,
        },
        prefix=False,
        template="innovations/email/status_changed.txt",
        context={
            "proposal": proposal,
            "previous": S(previous).label,
            "current": S(proposal.status).label,
            "note": note,
        },
    )


def record_creation(proposal: Proposal, *, by, note: str = "") -> None:
    # The history starts with the draft: who created it (and from what), before any status move.
    record(
        "proposal.create",
        proposal,
        by=by,
        after={"status": S.DRAFT},
        note=note,
        history=ProposalStatusChange(
            proposal=proposal,
            from_status="",
            to_status=S.DRAFT,
            by=by,
            at=proposal.created_at,
            note=note,
        ),
    )
