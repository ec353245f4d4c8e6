"""Hostile text typed by an agency (innovation name, acronym, section text, video link) or a
judge (conflict reason) is shown as text everywhere: escaped in every HTML page, literal in the
plain-text status e-mail (which has no HTML alternative), and defused in every spreadsheet export
(a cell that starts like a formula gets a leading apostrophe: innovations.exports.escape_cell)."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from innovations.enums import ProposalStatus
from innovations.models import Innovation, Proposal, SectionAnswer
from innovations.services import request_changes
from judging.services import declare_conflicts
from public.models import FavouriteVote
from tests.factories import (
    make_agency,
    make_edition,
    make_innovation,
    make_operator,
    make_organiser,
    make_proposal,
    make_public_entry,
    make_track,
    make_vote_window,
)
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil","x")'
PAYLOADS = pytest.mark.parametrize("payload", [SCRIPT, FORMULA], ids=["script", "formula"])


def hostile_proposal(payload, *, edition=None, status=ProposalStatus.DRAFT, public=False):
    """A proposal whose innovation name, acronym (with a suffix: names are unique per agency),
    expansion, summary section and video link are all `payload`."""
    agency = make_agency()
    innovation = make_innovation(agency, name=payload, acronym=payload, expansion=payload)
    if public:  # verified, in a published edition
        proposal = make_public_entry(edition, agency=agency, innovation=innovation)
    else:
        proposal = make_proposal(edition, agency=agency, innovation=innovation, status=status)
    Proposal.objects.filter(pk=proposal.pk).update(video_url=payload)
    SectionAnswer.objects.filter(proposal=proposal, section__key="ringkasan").update(text=payload)
    proposal.refresh_from_db()
    return proposal, agency


def assert_escaped(response, payload):
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(payload) in page
    assert payload not in page


# --- HTML pages --------------------------------------------------------------------------------


@PAYLOADS
def test_operator_pages_escape_what_the_agency_typed(client, payload):
    proposal, agency = hostile_proposal(payload)
    client.force_login(make_operator(agency))

    for name in ("proposal_detail", "proposal_edit", "proposal_preview", "proposal_print"):
        response = client.get(reverse(f"innovations:{name}", kwargs={"pk": proposal.pk}))
        assert_escaped(response, payload)
    assert_escaped(client.get(reverse("innovations:proposal_list")), payload)
    assert_escaped(client.get(reverse("innovations:operator_dashboard")), payload)


@PAYLOADS
def test_organiser_review_page_escapes_the_proposal(client, payload):
    proposal, _agency = hostile_proposal(payload, status=ProposalStatus.SUBMITTED)
    client.force_login(make_organiser())

    response = client.get(reverse("innovations:organiser_review", kwargs={"pk": proposal.pk}))

    assert_escaped(response, payload)
    assert_escaped(client.get(reverse("innovations:organiser_queue")), payload)


@PAYLOADS
def test_public_innovation_page_escapes_the_published_proposal(client, payload):
    proposal, _agency = hostile_proposal(payload, public=True)

    response = client.get(reverse("public:innovation", kwargs={"slug": proposal.innovation.slug}))

    assert_escaped(response, payload)
    assert_escaped(client.get(reverse("public:registry")), payload)


# --- the status e-mail -------------------------------------------------------------------------


@PAYLOADS
def test_status_email_is_plain_text_with_the_values_literal(
    mailoutbox, django_capture_on_commit_callbacks, payload
):
    proposal, agency = hostile_proposal(payload, status=ProposalStatus.SUBMITTED)
    make_operator(agency, email="operator@dinas.example")

    with django_capture_on_commit_callbacks(execute=True):
        request_changes(proposal, by=make_organiser(), note=payload)

    (mail,) = mailoutbox
    assert mail.to == ["operator@dinas.example"]
    assert payload in mail.subject
    assert f"{payload} ({payload})" in mail.body  # the title: acronym (expansion), as typed
    assert f"\n{payload}\n" in mail.body  # the organiser's note, as typed
    assert escape(payload) not in mail.body
    assert mail.content_subtype == "plain"
    assert getattr(mail, "alternatives", []) == []


# --- exports -----------------------------------------------------------------------------------


def defused(payload):
    """What a spreadsheet cell must hold for `payload`: an apostrophe before a formula."""
    return "'" + payload if payload.startswith("=") else payload


def csv_rows(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response, sheet=None):
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheets = [workbook[sheet]] if sheet else workbook.worksheets
    return [list(row) for ws in sheets for row in ws.iter_rows(values_only=True)]


def row_with(rows, value):
    (row,) = [row for row in rows if value in row]
    return row


@PAYLOADS
def test_proposals_csv_and_xlsx_defuse_formulas(client, payload):
    edition = make_edition()
    proposal, _agency = hostile_proposal(payload, edition=edition, status=ProposalStatus.SUBMITTED)
    client.force_login(make_organiser())

    for fmt, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        url = reverse("innovations:export_proposals", kwargs={"slug": edition.slug, "fmt": fmt})
        rows = read(client.get(url))
        header, row = rows[0], row_with(rows, str(proposal.pk) if fmt == "csv" else proposal.pk)
        cells = dict(zip(header, row, strict=True))
        assert [cells[name] for name in ("Nama inovasi", "Akronim", "Kepanjangan akronim")] == [
            defused(payload)
        ] * 3, fmt
        assert defused(payload) in row  # the video link
        assert payload not in row or not payload.startswith("=")


@PAYLOADS
def test_judging_selection_export_defuses_formulas(client, payload):
    organiser = make_organiser()
    stage, (first, second, third), (entry, other) = scenario(organiser, judges=3, proposals=2)
    Innovation.objects.filter(pk=entry.innovation_id).update(acronym=payload)
    type(entry).objects.filter(pk=entry.pk).update(innovation_acronym=payload)  # the entry's copy
    for judge in (first, second):
        score(stage, judge, entry, [8, 7])
        score(stage, judge, other, [5, 5])
    # The third judge finds a conflict while scoring; the typed reason is in "Conflicts".
    declare_conflicts(stage, judge=third, conflicts={other.pk: payload})
    client.force_login(organiser)

    url = reverse("judging:export", kwargs={"edition_id": stage.edition_id})
    rows = xlsx_rows(client.get(url))

    judges_rows = [row for row in rows if defused(payload) in row and first.username in row]
    assert len(judges_rows) == 1  # the first judge's sheet of the entry, acronym defused
    (conflict,) = [row for row in rows if third.username in row and defused(payload) in row[4:5]]
    assert conflict[4] == defused(payload)
    flat = [cell for row in rows for cell in row]
    assert defused(payload) in flat
    if payload.startswith("="):
        assert payload not in flat  # never a bare formula


@PAYLOADS
def test_favourite_vote_csv_defuses_formulas(client, payload):
    edition = make_edition(open_now=False, is_published=True)
    track = make_track(edition)
    proposal, _agency = hostile_proposal(payload, edition=edition, public=True)
    Proposal.objects.filter(pk=proposal.pk).update(track=track)
    make_vote_window(edition)
    FavouriteVote.objects.create(
        track=track,
        proposal=proposal,
        voter_hash="a" * 64,
        created_at=timezone.now() - timedelta(minutes=5),
        confirmed_at=timezone.now(),
    )
    client.force_login(make_organiser())

    rows = csv_rows(client.get(reverse("public:vote_export", kwargs={"slug": edition.slug})))

    row = row_with(rows, defused(payload))
    assert row[2:4] == [defused(payload), defused(payload)]  # acronym, innovation name
    assert row[5] == "1"
