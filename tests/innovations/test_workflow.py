"""The proposal workflow: every allowed move (state, audit row, e-mail), every forbidden one, and
who may make each move."""

import itertools

import pytest
from django.utils import timezone

from innovations.enums import ProposalStatus as S
from innovations.models import Proposal, ProposalStatusChange
from innovations.services import (
    AGENCY,
    TRANSITIONS,
    WorkflowError,
    reject_proposal,
    request_changes,
    submit_proposal,
    transition_proposal,
    verify_proposal,
    withdraw_proposal,
)
from tests.factories import make_agency, make_operator, make_organiser, make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    agency = make_agency("Dinas Perpustakaan dan Kearsipan Daerah")
    operator = make_operator(agency, "operator.a")
    colleague = make_operator(agency, "operator.b")
    organiser = make_organiser("organisasi")
    return agency, operator, colleague, organiser


def _state(proposal):
    row = Proposal.objects.get(pk=proposal.pk)
    return (row.status, row.status_changed_at, row.submitted_at)


@pytest.mark.parametrize(
    ("source", "target"), list(TRANSITIONS), ids=[f"{a}->{b}" for a, b in TRANSITIONS]
)
def test_allowed_move_changes_status_writes_history_and_mails(
    setup, source, target, django_capture_on_commit_callbacks, mailoutbox
):
    agency, operator, colleague, organiser = setup
    proposal = make_proposal(agency=agency, status=source)
    move = TRANSITIONS[(source, target)]
    actor = operator if move.actor == AGENCY else organiser
    note = "Mohon lengkapi data pendukung." if move.note_required else ""
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        result = transition_proposal(proposal, target, by=actor, note=note)

    stored = Proposal.objects.get(pk=proposal.pk)
    assert (result.status, stored.status, proposal.status) == (target, target, target)
    assert stored.status_changed_at >= before
    if target == S.SUBMITTED:
        assert stored.submitted_at == stored.status_changed_at
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.by, change.note) == (
        source,
        target,
        actor,
        note,
    )
    assert change.at == stored.status_changed_at
    if move.notify_agency:
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert sorted(mail.to) == sorted([operator.email, colleague.email])
        assert mail.subject == f"[KIKS] {proposal.innovation.acronym}: {S(target).label}"
        assert f"changed from “{S(source).label}” to “{S(target).label}”" in mail.body
        assert (note in mail.body) if note else ("Note from the organiser" not in mail.body)
    else:
        assert mailoutbox == []


FORBIDDEN = [(a, b) for a, b in itertools.permutations(S.values, 2) if (a, b) not in TRANSITIONS]


@pytest.mark.parametrize(("source", "target"), FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_forbidden_move_is_refused_and_changes_nothing(setup, source, target, mailoutbox):
    agency, operator, _colleague, organiser = setup
    proposal = make_proposal(agency=agency, status=source)
    before = _state(proposal)

    for actor in (operator, organiser):
        with pytest.raises(WorkflowError) as error:
            transition_proposal(proposal, target, by=actor, note="catatan")
        assert error.value.messages == [
            f"A proposal that is “{S(source).label}” cannot become “{S(target).label}”."
        ]

    assert _state(proposal) == before
    assert ProposalStatusChange.objects.filter(proposal=proposal).count() == 0
    assert mailoutbox == []


def test_operator_of_another_agency_cannot_submit(setup):
    agency, *_ = setup
    proposal = make_proposal(agency=agency)
    stranger = make_operator(make_agency("Dinas Sosial"))

    with pytest.raises(WorkflowError) as error:
        submit_proposal(proposal, by=stranger)

    assert error.value.messages == [
        "Only an operator of Dinas Perpustakaan dan Kearsipan Daerah may do this."
    ]
    assert _state(proposal)[0] == S.DRAFT


def test_inactive_operator_cannot_submit(setup):
    agency, operator, *_ = setup
    proposal = make_proposal(agency=agency)
    operator.memberships.update(is_active=False)

    with pytest.raises(WorkflowError):
        submit_proposal(proposal, by=operator)

    assert _state(proposal)[0] == S.DRAFT


@pytest.mark.parametrize("move", ["submit", "withdraw"])
def test_organiser_cannot_make_the_agencys_moves(setup, move):
    agency, _operator, _colleague, organiser = setup
    proposal = make_proposal(agency=agency)
    before = _state(proposal)

    with pytest.raises(WorkflowError) as error:
        if move == "submit":
            submit_proposal(proposal, by=organiser)
        else:
            withdraw_proposal(proposal, by=organiser)

    assert error.value.messages == [
        "Only an operator of Dinas Perpustakaan dan Kearsipan Daerah may do this."
    ]
    assert _state(proposal) == before


@pytest.mark.parametrize("move", [verify_proposal, request_changes, reject_proposal])
def test_operator_cannot_make_the_organisers_moves(setup, move):
    agency, operator, *_ = setup
    proposal = make_proposal(agency=agency, status=S.SUBMITTED)
    before = _state(proposal)

    with pytest.raises(WorkflowError) as error:
        move(proposal, by=operator, note="saya setujui sendiri")

    assert error.value.messages == ["Only the organiser (Bagian Organisasi) may do this."]
    assert _state(proposal) == before


@pytest.mark.parametrize("move", [request_changes, reject_proposal])
def test_sending_back_or_rejecting_needs_a_note(setup, move):
    agency, _operator, _colleague, organiser = setup
    proposal = make_proposal(agency=agency, status=S.SUBMITTED)

    with pytest.raises(WorkflowError) as error:
        move(proposal, by=organiser, note="   ")

    assert error.value.messages == ["Write a note for the agency explaining the decision."]
    assert _state(proposal)[0] == S.SUBMITTED


def test_move_on_a_stale_page_is_refused(setup):
    agency, operator, _colleague, organiser = setup
    proposal = make_proposal(agency=agency, status=S.SUBMITTED)
    seen_by_organiser = Proposal.objects.get(pk=proposal.pk)
    withdraw_proposal(proposal, by=operator)

    with pytest.raises(WorkflowError) as error:
        verify_proposal(seen_by_organiser, by=organiser)

    assert error.value.messages == [
        "This proposal was changed meanwhile: it is now “Withdrawn”. Reload the page."
    ]
    assert _state(proposal)[0] == S.WITHDRAWN


def test_resubmission_after_changes_requested_keeps_the_whole_history(
    setup, django_capture_on_commit_callbacks, mailoutbox
):
    agency, operator, _colleague, organiser = setup
    proposal = make_proposal(agency=agency)

    with django_capture_on_commit_callbacks(execute=True):
        submit_proposal(proposal, by=operator)
        request_changes(proposal, by=organiser, note="Foto kegiatan kurang jelas.")
        submit_proposal(proposal, by=operator)
        verify_proposal(proposal, by=organiser)

    moves = list(
        ProposalStatusChange.objects.filter(proposal=proposal).values_list(
            "from_status", "to_status", "by__username", "note"
        )
    )
    assert moves == [
        ("draft", "submitted", "operator.a", ""),
        ("submitted", "changes_requested", "organisasi", "Foto kegiatan kurang jelas."),
        ("changes_requested", "submitted", "operator.a", ""),
        ("submitted", "verified", "organisasi", ""),
    ]
    assert len(mailoutbox) == 4


def test_a_mail_server_failure_does_not_undo_the_submission(
    setup, django_capture_on_commit_callbacks, monkeypatch
):
    agency, operator, *_ = setup
    proposal = make_proposal(agency=agency)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    # The mail server refuses: what leaves the machine is the backend's send_messages.
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        submit_proposal(proposal, by=operator)

    assert _state(proposal)[0] == S.SUBMITTED
