"""Reminders are offered only to the agencies an e-mail can reach, and the board says how many
cannot be reached."""

import re

import pytest

from innovations.enums import ProposalStatus as S
from tests.factories import make_agency, make_edition, make_operator, make_organiser, make_proposal

pytestmark = pytest.mark.django_db
BOARD = "/penyelenggara/kepatuhan/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_no_reminder_is_offered_when_no_late_agency_can_be_reached(client):
    edition = make_edition()
    make_proposal(edition, agency=make_agency("Dinas Rajin"), status=S.SUBMITTED)
    make_agency("Dinas Senyap Satu")
    make_agency("Dinas Senyap Dua")
    client.force_login(make_organiser())

    page = text(client.get(BOARD, {"edition": edition.slug}))

    assert "Send a reminder" not in page
    assert (
        "No reminder can be sent: none of the 2 agencies not yet compliant has an operator with "
        "an e-mail address." in page
    )


def test_the_reminder_counts_only_the_agencies_it_reaches(client):
    edition = make_edition()
    make_operator(make_agency("Dinas Terjangkau"), email="op@kota.example")
    make_agency("Dinas Senyap")
    client.force_login(make_organiser())

    page = text(client.get(BOARD, {"edition": edition.slug}))

    assert "Send a reminder to the 1 agency not yet compliant that e-mail reaches" in page
    assert (
        "1 agency has no operator with an e-mail address: add one in the admin to reach it." in page
    )
