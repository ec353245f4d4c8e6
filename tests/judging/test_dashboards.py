"""The organiser's and the leadership's dashboards: each edition in progress as a timeline with the
figures that matter, what comes next and what blocks it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from innovations.enums import ProposalStatus
from tests.factories import (
    make_agency,
    make_edition_in_verification,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def edition_in_verification():
    edition = make_edition_in_verification("KIKS Uji Dasbor")
    reached, silent, done = (
        make_agency("Dinas Terjangkau"),
        make_agency("Dinas Senyap"),
        make_agency("Dinas Selesai"),
    )
    make_operator(reached, email="op@kota.example")
    make_proposal(edition, agency=done, status=ProposalStatus.VERIFIED)
    make_proposal(edition, agency=done, status=ProposalStatus.SUBMITTED)
    make_proposal(edition, agency=reached)  # a draft: counts for nothing
    return edition, silent


def test_the_organiser_sees_the_phase_the_figures_and_what_blocks_the_next_step(
    client, edition_in_verification
):
    edition, _silent = edition_in_verification
    client.force_login(make_organiser())

    page = text(client.get(reverse("dashboard")))

    assert "KIKS Uji Dasbor Verification" in page
    assert "Proposals handed in 2 (1 verified, 1 waiting for verification)" in page
    assert "1 of 3 agencies meet the obligation · 1 not yet compliant cannot be reached" in page
    closes = timezone.localtime(edition.verification_closes_at)
    assert f"Next deadline Verification closes: {closes:%-d %B %Y %H:%M} WIB" in page
    assert "Next: Finish the verification." in page
    assert "1 proposal still waits for verification: verify or reject it first." in page
    assert "Verification queue" in page


def test_leadership_reads_the_same_overview_without_the_organisers_tools(
    client, edition_in_verification
):
    client.force_login(make_leader())

    response = client.get(reverse("dashboard"))
    page = text(response)

    assert "KIKS Uji Dasbor Verification" in page
    assert "1 of 3 agencies meet the obligation" in page
    assert "Verification queue" not in page
    assert "Organiser's desk" not in page
    board = reverse("innovations:compliance_board")
    assert client.get(board).status_code == 200


def test_the_mayor_on_the_panel_opens_the_interview_schedule(client):
    from tests.judging.finals.helpers import finals

    organiser = make_organiser()
    edition, _desk, interview, _entries, _judges = finals(organiser)
    mayor = make_leader()
    mayor.groups.add(*make_judge().groups.all())
    client.force_login(mayor)

    page = client.get(reverse("dashboard")).content.decode()
    schedule = reverse("judging:schedule_print", kwargs={"stage_id": interview.pk})

    assert schedule in page
    assert client.get(schedule).status_code == 200
