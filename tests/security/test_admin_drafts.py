"""The admin lists only what was handed in: a draft, its answers, its files and its history are
agency B's own, for the organiser and a superuser alike (innovations/admin.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from innovations.models import Proposal, ProposalStatusChange
from tests.factories import make_user
from tests.security.scenario import SENTINELS, build_scenario

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:innovations_proposal_changelist",
    "admin:innovations_attachment_changelist",
    "admin:innovations_sectionanswer_changelist",
    "admin:innovations_proposalstatuschange_changelist",
]
DRAFT_SENTINELS = (SENTINELS["draft_title"], SENTINELS["draft_file"])


@pytest.fixture
def world():
    scenario = build_scenario()
    values = scenario["values"]
    # A history line on each (the scenario's proposals were made in their status).
    for key, status in (("proposal", "verified"), ("draft_b", "draft")):
        ProposalStatusChange.objects.create(
            proposal_id=values[key], from_status="", to_status=status, note=f"riwayat {key}"
        )
    superuser = make_user("super.admin", is_staff=True, is_superuser=True)
    return scenario, {"org": scenario["users"]["org"], "superuser": superuser}


@pytest.mark.parametrize("who", ["org", "superuser"])
def test_changelists_leave_the_drafts_out(world, who):
    scenario, readers = world
    handed_in = Proposal.objects.get(pk=scenario["values"]["proposal"])
    client = Client()
    client.force_login(readers[who])
    shown = {}
    for name in CHANGELISTS:
        html = client.get(reverse(name), {"q": ""}).content.decode()
        shown[name] = (
            [text for text in (*DRAFT_SENTINELS, "riwayat draft_b") if text in html],
            handed_in.innovation_acronym in html or handed_in.innovation_name in html,
        )
    # No draft anywhere; the handed-in proposal in every list (the lists are not simply empty).
    assert shown == {name: ([], True) for name in CHANGELISTS}


@pytest.mark.parametrize("who", ["org", "superuser"])
def test_a_draft_and_its_file_have_no_admin_page(world, who):
    scenario, readers = world
    values = scenario["values"]
    client = Client()
    client.force_login(readers[who])
    pages = {
        "proposal": reverse("admin:innovations_proposal_change", args=[values["draft_b"]]),
        "attachment": reverse("admin:innovations_attachment_change", args=[values["pdf_b"]]),
        "handed_in": reverse("admin:innovations_proposal_change", args=[values["proposal"]]),
    }
    codes = {key: client.get(url).status_code for key, url in pages.items()}
    # The admin answers an object outside its queryset with a redirect to its index.
    assert codes == {"proposal": 302, "attachment": 302, "handed_in": 200}
    draft_page = client.get(pages["proposal"], follow=True).content.decode()
    assert SENTINELS["draft_title"] not in draft_page
