import pytest

from innovations.enums import ProposalStatus
from innovations.models import ProposalStatusChange
from innovations.services import WorkflowError, submit_proposal
from tests.factories import make_agency, make_operator, make_proposal

pytestmark = pytest.mark.django_db


def test_submit_complete_proposal_records_change_and_mails_operators(
    django_capture_on_commit_callbacks, mailoutbox
):
    agency = make_agency()
    operator = make_operator(agency)
    proposal = make_proposal(agency=agency)

    with django_capture_on_commit_callbacks(execute=True):
        submit_proposal(proposal, by=operator)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.by) == ("draft", "submitted", operator)
    assert [m.to for m in mailoutbox] == [[operator.email]]


def test_submit_incomplete_proposal_lists_every_problem():
    agency = make_agency()
    operator = make_operator(agency)
    proposal = make_proposal(agency=agency, complete=False)

    with pytest.raises(WorkflowError) as error:
        submit_proposal(proposal, by=operator)

    assert len(error.value.messages) == 12  # 8 empty sections, evidence, SK letter, photo, video
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
