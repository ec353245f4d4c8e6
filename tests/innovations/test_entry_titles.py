"""Published records are immutable: renaming an innovation in a later edition's draft changes that
draft, never what an earlier, published edition showed (its results, the registry, the innovation's
page, the documents)."""

import datetime
import re

import pytest
from django.urls import reverse

from innovations.models import Proposal
from innovations.services import copy_proposal, save_proposal_draft
from judging.services import confirm_final_result, give_award, publish_final_result
from tests.factories import make_edition, make_operator, make_organiser, make_track
from tests.html_forms import form_with
from tests.judging.finals.helpers import finals

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_later_draft_renames_only_itself(client):
    organiser = make_organiser()
    edition, desk, _interview, (first, _second), _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 4, 6), by=organiser
    )
    give_award(edition, proposal=first, kind="winner_1", by=organiser)
    publish_final_result(edition, by=organiser, notify=False)
    published = (first.innovation_acronym, first.innovation_name)
    operator = make_operator(first.agency)
    later = make_edition(year=edition.year + 1, name="KIKS Berikutnya", slug="berikutnya")
    draft = copy_proposal(first, edition=later, track=make_track(later), by=operator)

    save_proposal_draft(
        draft,
        by=operator,
        innovation_fields={"name": "Nama Baru Sekali", "acronym": "BARU", "expansion": "Baru"},
    )

    assert (Proposal.objects.get(pk=draft.pk).innovation_acronym, first.innovation.acronym) == (
        "BARU",
        first.innovation.acronym,
    )
    first.refresh_from_db()
    assert (first.innovation_acronym, first.innovation_name) == published
    pages = [
        reverse("public:results", kwargs={"slug": edition.slug}),
        reverse("public:registry"),
        reverse("public:innovation", kwargs={"slug": first.innovation.slug}),
    ]
    for url in pages:
        page = text(client.get(url))
        assert published[0] in page, url
        assert "BARU" not in page and "Nama Baru Sekali" not in page, url
    client.force_login(organiser)
    for url in (
        reverse("judging:minutes", kwargs={"stage_id": desk.pk}),
        reverse("judging:final_minutes", kwargs={"edition_id": edition.pk}),
        reverse("judging:export", kwargs={"edition_id": edition.pk}),
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"BARU" not in body, url


def test_an_admin_correction_reaches_the_entries_of_unpublished_editions_only(client):
    organiser = make_organiser()
    edition, _desk, _interview, (first, _second), _judges = finals(organiser)  # published
    current = make_edition(name="KIKS Kini", slug="kini")
    draft = copy_proposal(
        first, edition=current, track=make_track(current), by=make_operator(first.agency)
    )
    client.force_login(organiser)
    url = reverse("admin:innovations_innovation_change", args=[first.innovation_id])
    form = form_with(client.get(url).content.decode(), "acronym")
    data = form.data()
    data["acronym"] = ["KOREKSI"]

    assert client.post(url, data).status_code == 302
    assert Proposal.objects.get(pk=draft.pk).innovation_acronym == "KOREKSI"
    assert Proposal.objects.get(pk=first.pk).innovation_acronym == first.innovation_acronym
