"""History and audit rows survive deleted accounts: after the operator who submitted and the
organiser who verified are deleted, every page that shows the proposal's history still answers,
and names the author "(deleted account)"."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from innovations.enums import ProposalStatus as S
from innovations.models import ProposalStatusChange
from innovations.services import submit_proposal, verify_proposal
from tests.factories import (
    make_agency,
    make_edition,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
)

pytestmark = pytest.mark.django_db
DELETED = "(deleted account)"


@pytest.fixture
def orphaned():
    """A verified proposal whose submitter and verifier no longer exist."""
    edition = make_edition(is_published=True)
    agency = make_agency("Dinas Arsip", slug="dinas-arsip")
    submitter, colleague = make_operator(agency, "op.pergi"), make_operator(agency, "op.tetap")
    verifier, organiser = make_organiser("org.pergi"), make_organiser("org.tetap")
    proposal = make_proposal(edition, agency=agency, created_by=submitter)
    submit_proposal(proposal, by=submitter)
    verify_proposal(proposal, by=verifier, note="Lengkap; catatan keputusan untuk pimpinan.")
    submitter.delete()
    verifier.delete()
    return {
        "proposal": proposal,
        "readers": {"operator": colleague, "organiser": organiser, "leader": make_leader()},
    }


def _page(user, url):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.cookies["kiks_language"] = "en"
    return client.get(url)


def test_the_rows_outlive_their_authors(orphaned):
    rows = ProposalStatusChange.objects.filter(proposal=orphaned["proposal"]).order_by("at", "pk")

    assert [(row.to_status, row.by_id) for row in rows if row.to_status != S.DRAFT] == [
        (S.SUBMITTED, None),
        (S.VERIFIED, None),
    ]
    events = AuditEvent.objects.filter(action="proposal.status").order_by("at", "pk")
    assert [(event.actor_id, event.actor_name) for event in events] == [
        (None, "op.pergi"),
        (None, "org.pergi"),
    ]


@pytest.mark.parametrize(
    ("reader", "name"),
    [
        ("operator", "innovations:proposal_detail"),
        ("operator", "innovations:proposal_print"),
        ("leader", "innovations:proposal_detail"),
        ("leader", "innovations:proposal_print"),
        ("organiser", "innovations:proposal_detail"),
        ("organiser", "innovations:organiser_review"),
    ],
)
def test_every_history_page_names_the_deleted_account(orphaned, reader, name):
    url = reverse(name, args=[orphaned["proposal"].pk])

    response = _page(orphaned["readers"][reader], url)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(DELETED) == 2  # the submission and the verification
    assert "Lengkap; catatan keputusan untuk pimpinan." in page


def test_the_audit_log_keeps_the_name_at_the_time(orphaned):
    response = _page(orphaned["readers"]["organiser"], reverse("audit:log"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "op.pergi" in page and "org.pergi" in page


def test_the_public_page_of_the_published_proposal_still_answers(orphaned):
    proposal = orphaned["proposal"]
    with translation.override("en"):
        response = _page(None, reverse("public:innovation", args=[proposal.innovation.slug]))

    assert response.status_code == 200
    assert proposal.innovation.name in response.content.decode()
