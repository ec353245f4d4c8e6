"""Pinned SQL query counts of the pages `make bench` measures that had no pin yet: the proposal
editor and the score sheet (GET, and the POST that saves a draft). The count must not grow with
the rows on the page, so that N = 3,000 and N = 40,000 cost the same number of queries."""

import pytest
from django.urls import reverse

from innovations.enums import AttachmentKind, ProposalStatus
from judging.models import Assignment, Criterion
from tests.factories import (
    add_attachment,
    make_agency,
    make_edition,
    make_operator,
    make_organiser,
    make_proposal,
)
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db

# Editor: session, user, operator check, the proposal with its edition, track, innovation and
# agency (once: the page reuses what the permission check loaded), sections, answers,
# attachments, SDGs, tracks, status history, the checklist's reads, the open edition, permissions
# and the user's groups.
EDITOR_QUERIES = 18
# Sheet: session, user, the user's roles (judge check and navigation), stage, declaration, the
# judge's conflicts, assignment with its sheet and proposal, criteria, scores, the entry's
# sections and answers, files, conflicts form data.
SHEET_GET_QUERIES = 15
# Saving a draft: the same reads, the locks, the scores written in bulk, the sheet, the session.
SHEET_POST_QUERIES = 20


@pytest.mark.parametrize("files", [1, 6])
def test_proposal_editor_query_count_does_not_grow(client, django_assert_num_queries, files):
    agency = make_agency()
    operator = make_operator(agency)
    proposal = make_proposal(make_edition(), agency=agency, status=ProposalStatus.DRAFT)
    for _ in range(files):
        add_attachment(proposal, AttachmentKind.PHOTO)
    client.force_login(operator)

    with django_assert_num_queries(EDITOR_QUERIES):
        response = client.get(reverse("innovations:proposal_edit", args=[proposal.pk]))

    assert response.status_code == 200


def sheet_url(entries):
    organiser = make_organiser()
    stage, (judge, other), proposals = scenario(organiser, judges=2, proposals=entries)
    for proposal in proposals[1:]:
        score(stage, judge, proposal, (5, 6))
        score(stage, other, proposal, (7, 8))
    url = reverse("judging:sheet", args=[stage.pk, proposals[0].pk])
    return stage, judge, url


@pytest.mark.parametrize("entries", [2, 8])
def test_score_sheet_query_count_does_not_grow(client, django_assert_num_queries, entries):
    stage, judge, url = sheet_url(entries)
    client.force_login(judge)

    with django_assert_num_queries(SHEET_GET_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["editable"] is True


@pytest.mark.parametrize("entries", [2, 8])
def test_saving_a_draft_sheet_query_count_does_not_grow(client, django_assert_num_queries, entries):
    stage, judge, url = sheet_url(entries)
    criteria = Criterion.objects.filter(stage=stage).order_by("order", "pk")
    data = {f"score_{c.pk}": "6" for c in criteria}
    data.update({f"comment_{c.pk}": "" for c in criteria})
    data["overall_comment"] = "Draf"
    client.force_login(judge)

    with django_assert_num_queries(SHEET_POST_QUERIES):
        response = client.post(url, data)

    assert response.status_code == 302
    sheet = Assignment.objects.get(stage=stage, judge=judge, proposal_id=url.split("/")[-2]).sheet
    assert sheet.overall_comment == "Draf"
    assert sheet.status == "draft"
