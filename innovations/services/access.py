"""Who may change a proposal, and the error every refused change raises."""

from django.utils.translation import gettext as _

from agencies.enums import MembershipRole
from agencies.models import Membership
from common.errors import DomainError
from innovations.models import Proposal


class WorkflowError(DomainError):
    """A refused move or edit of a proposal. `messages` lists every reason, in the user's
    language."""


def is_agency_operator(user, agency_id) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and Membership.objects.active()
        .filter(user=user, agency_id=agency_id, role=MembershipRole.OPERATOR)
        .exists()
    )


def operator_emails(agency_id) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(agency_id=agency_id, role=MembershipRole.OPERATOR, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def require_operator(agency, by) -> None:
    if not is_agency_operator(by, agency.pk):
        raise WorkflowError(
            _("Only an operator of %(agency)s may do this.") % {"agency": agency.name}
        )


def lock_editable(proposal: Proposal, by) -> Proposal:
    """Lock the proposal row and check that `by` may change it now: an operator of its agency,
    while it is a draft or sent back. Returns the locked, fresh row."""
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("edition", "agency", "innovation", "track")
        .get(pk=proposal.pk)
    )
    require_operator(locked.agency, by)
    if not locked.is_editable_by_agency:
        raise WorkflowError(
            _(
                "This proposal is “%(status)s”: it can be changed only while it is a draft or "
                "after the organiser asks for changes."
            )
            % {"status": locked.get_status_display()}
        )
    return locked
