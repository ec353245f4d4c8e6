"""Once an edition's results are published, the home page and the registry's cards show its winners
and their awards, not "winners are announced later" or "shortlisted"."""

import datetime
import re

import pytest
from django.urls import reverse

from judging.services import confirm_final_result, give_award, publish_final_result
from tests.factories import make_organiser
from tests.judging.finals.helpers import finals

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def published():
    organiser = make_organiser()
    edition, _desk, _interview, (first, second), _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 4, 6), by=organiser
    )
    give_award(edition, proposal=first, kind="winner_1", by=organiser)
    return edition, first, second, organiser


def test_the_home_page_names_the_winners_once_the_results_are_published(client, published):
    edition, first, _second, organiser = published
    before = text(client.get(reverse("home")))

    publish_final_result(edition, by=organiser, notify=False)
    after = text(client.get(reverse("home")))

    assert "Winners are announced after the presentations and interviews." in before
    assert "Winners are announced after" not in after
    assert f"Winners and shortlist of {edition.name}" in after
    assert f"{first.innovation.acronym} {first.agency.short_name} Winner (1st)" in after


def test_registry_cards_show_the_award_instead_of_shortlisted(client, published):
    edition, first, second, organiser = published
    publish_final_result(edition, by=organiser, notify=False)

    page = text(client.get(reverse("public:registry")))

    assert f"Winner (1st), {edition.name}" in page
    assert page.count(f"Shortlisted, {edition.name}") == 1  # the second finalist only
