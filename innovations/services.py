"""Writes of the innovations app. The proposal workflow has one entry: `transition_proposal`."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.enums import MembershipRole
from agencies.models import Agency, Membership
from agencies.permissions import is_organiser
from innovations.checklist import submission_problems
from innovations.enums import ProposalStatus as S
from innovations.models import Proposal, ProposalStatusChange

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


class WorkflowError(Exception):
    """A refused move. `messages` lists every reason, in the user's language."""

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


def is_agency_operator(user, agency_id) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and Membership.objects.active()
        .filter(user=user, agency_id=agency_id, role=MembershipRole.OPERATOR)
        .exists()
    )


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


def _check_cap(proposal: Proposal) -> list[str]:
    """The per-agency cap. The caller holds the agency's row lock, so two operators submitting at
    the same moment are counted one after the other."""
    edition = proposal.edition
    if edition.max_per_agency is None:
        return []
    handed_in = (
        Proposal.objects.counted()
        .filter(edition=edition, agency_id=proposal.agency_id)
        .exclude(pk=proposal.pk)
        .count()
    )
    if handed_in >= edition.max_per_agency:
        return [
            _(
                "%(agency)s has already handed in %(count)d proposals to %(edition)s, the most "
                "this edition allows."
            )
            % {"agency": proposal.agency.name, "count": handed_in, "edition": edition.name}
        ]
    return []


@transaction.atomic
def transition_proposal(
    proposal: Proposal, to: str, *, by, note: str = "", expected_status: str | None = None, now=None
) -> Proposal:
    """Move a proposal to status `to`, the only way a status changes.

    Checks the TRANSITIONS table, who is acting, the note, and on submission every guard of the
    checklist plus the agency's cap. Side effects: locks the proposal row (and the agency row for
    a capped submission), saves the status fields, writes a ProposalStatusChange, and after commit
    e-mails the agency's operators when the move says so.

    `expected_status` is the status the actor saw (default: the instance's); if the row changed
    meanwhile, the move is refused instead of applied on top of someone else's.
    Raises WorkflowError listing every reason for a refusal; nothing is changed then.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    seen = expected_status or proposal.status
    if to == S.SUBMITTED and proposal.edition.max_per_agency is not None:
        # Lock order is always agency, then proposal: two submissions of one agency queue here.
        Agency.objects.select_for_update().filter(pk=proposal.agency_id).first()
    locked = (
        Proposal.objects.select_for_update()
        .select_related("edition", "agency", "innovation")
        .get(pk=proposal.pk)
    )
    if locked.status != seen:
        raise WorkflowError(
            _("This proposal was changed meanwhile: it is now “%(status)s”. Reload the page.")
            % {"status": locked.get_status_display()}
        )
    if locked.status == to:
        return locked
    move = TRANSITIONS.get((locked.status, to))
    if move is None:
        raise WorkflowError(
            _("A proposal that is “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_status_display(), "to": S(to).label}
        )
    _check_actor(move, locked, by)
    if move.note_required and not note:
        raise WorkflowError(_("Write a note for the agency explaining the decision."))
    if to == S.WITHDRAWN and locked.status == S.VERIFIED and judging_has_started(locked.edition):
        raise WorkflowError(_("Judging has started: the proposal can no longer be withdrawn."))
    if to == S.SUBMITTED:
        problems = submission_problems(locked, now=now) + _check_cap(locked)
        if problems:
            raise WorkflowError(problems)

    previous = locked.status
    locked.status = to
    locked.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if to == S.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    ProposalStatusChange.objects.create(
        proposal=locked, from_status=previous, to_status=to, by=by, at=now, note=note
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


def operator_emails(agency_id) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(agency_id=agency_id, role=MembershipRole.OPERATOR, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def notify_agency_of_status(proposal: Proposal, previous: str, note: str) -> None:
    """E-mail the agency's operators about a status change, in Indonesian."""
    recipients = operator_emails(proposal.agency_id)
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "previous": S(previous).label,
            "current": proposal.get_status_display(),
            "note": note,
            "site_name": settings.KIKS_SITE_NAME,
        }
        subject = _("[%(site)s] %(innovation)s: %(status)s") % {
            "site": settings.KIKS_SITE_NAME,
            "innovation": proposal.innovation.acronym,
            "status": proposal.get_status_display(),
        }
        body = render_to_string("innovations/email/status_changed.txt", context)
    send_mail(subject, body, None, recipients)


@transaction.atomic
def add_default_sections(edition) -> int:
    """Give an edition the KIPP 2023 section list, unless it has sections already.

    Side effects: creates SectionTemplate rows. Returns how many it created.
    """
    from innovations.models import SectionTemplate
    from innovations.sections import KIPP_2023_SECTIONS

    if edition.sections.exists():
        return 0
    SectionTemplate.objects.bulk_create(
        SectionTemplate(
            edition=edition,
            key=key,
            order=order,
            title=title,
            guidance=guidance,
            weight=weight,
            min_words=min_words,
            max_words=max_words,
            evidence_required=evidence,
            is_public=(key == "ringkasan"),
        )
        for order, (key, title, guidance, weight, min_words, max_words, evidence) in enumerate(
            KIPP_2023_SECTIONS, start=1
        )
    )
    return len(KIPP_2023_SECTIONS)
