"""The whole year in a browser: an operator enters a proposal, the organiser asks for a change
and verifies it, two judges score it, the organiser confirms the shortlist, and a visitor sees it
on the public results page."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from innovations.enums import AttachmentKind, ProposalStatus
from innovations.models import Edition, Proposal
from judging.enums import StageKind
from judging.models import ConflictDeclaration, Criterion, ScoreSheet, StageResult
from judging.services import (
    assign_manually,
    close_stage,
    confirm_shortlist,
    create_stage,
    open_stage,
    set_criteria,
    set_panel,
)
from tests.factories import (
    make_agency,
    make_edition,
    make_judge,
    make_operator,
    make_organiser,
    make_track,
    pdf_bytes,
    png_bytes,
    words,
)
from tests.judging.helpers import two_criteria

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Lengkapi bagian latar belakang dengan data tahun 2025."
DECREE = "100/Kep.77-Org/2026"


def world():
    agency = make_agency("Dinas Kesehatan Uji", short_name="DINKES")
    operator = make_operator(agency, "operator1", first_name="Sari", last_name="Operator")
    edition = make_edition(name="KIKS E2E", slug="kiks-e2e")
    track = make_track(edition, "Umum", shortlist_size=6, winner_count=1)
    organiser = make_organiser("panitia1")
    judges = [make_judge("juri1"), make_judge("juri2")]
    return agency, operator, edition, track, organiser, judges


def path(page):
    """The path of the page's address (a #fragment survives redirects in the browser)."""
    return urlsplit(page.url).path


def submit_form(page, selector):
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def upload(page, tmp_path, kind, name, content, section=None):
    path = tmp_path / name
    path.write_bytes(content)
    page.select_option("#id_upload-kind", kind)
    if section is not None:
        page.select_option("#id_upload-section", str(section.pk))
    page.set_input_files("#id_upload-file", str(path))
    submit_form(page, "button[name=action][value=upload]")
    assert page.locator(".attachment-list").get_by_text(name).count() == 1


def text_for(section, extra=5):
    count = max(section.min_words, 1) + extra
    if section.max_words is not None:
        count = min(count, section.max_words)
    return words(count, "layanan")


def test_proposal_from_draft_to_public_shortlist(e2e, tmp_path):
    agency, operator, edition, track, organiser, judges = world()
    sections = list(edition.sections.order_by("order", "pk"))
    assert sections, "the edition has its default sections"

    op = e2e.page()
    proposal = operator_creates_a_draft(e2e, op, agency, edition, track)
    operator_fills_in_and_uploads(e2e, op, proposal, sections, tmp_path)
    operator_submits(e2e, op, proposal)
    org = e2e.page()
    review_url = organiser_asks_for_changes(e2e, org, proposal)
    operator_fixes_and_submits_again(e2e, op, proposal, sections)
    organiser_verifies(e2e, org, review_url, proposal, edition)
    the_submission_window_closes(edition)
    stage, criteria = desk_stage_through_services(edition, organiser, judges, proposal)
    for judge, values in zip(judges, [(8, 7), (9, 6)], strict=True):
        judge_signs_and_scores(
            e2e, stage, criteria, proposal, judge, values, shots=judge == judges[0]
        )
    organiser_closes_and_shortlists(stage, track, proposal, organiser)
    visitor_sees_the_public_results(e2e, edition)


def operator_creates_a_draft(e2e, op, agency, edition, track):
    """The operator signs in and creates a draft with a new innovation."""
    e2e.login(op, "operator1")
    op.goto(e2e.url + reverse("innovations:proposal_create"))
    e2e.shot(op, "01-proposal-create")
    op.select_option("#id_track", str(track.pk))
    op.fill("#id_new-name", "Posyandu Digital Kita")
    op.fill("#id_new-acronym", "PODIKI")
    op.fill("#id_new-expansion", "Posyandu Digital Kita")
    op.fill("#id_new-started_on", "2021-03-01")
    op.select_option("#id_new-form", index=1)
    op.select_option("#id_new-stage", index=1)
    op.check("input[name=new-sdgs] >> nth=2")
    submit_form(op, "form:has(#id_new-name) button[type=submit]")
    proposal = Proposal.objects.get(agency=agency, edition=edition)
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.innovation.acronym == "PODIKI"
    assert path(op) == (reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}))
    assert op.locator(".status-badge.status-draft").first.is_visible()
    assert op.locator(".checklist .checklist-open").count() > 0
    return proposal


def operator_fills_in_and_uploads(e2e, op, proposal, sections, tmp_path):
    """Every section, the video link, and the files the checklist asks for."""
    op.fill("#id_video_url", "https://www.youtube.com/watch?v=kiks2026")
    for section in sections:
        op.fill(f"#id_section_{section.key}", text_for(section))
    submit_form(op, "#proposal-editor .editor-sidebar button[name=action][value=save]")
    assert {a.section.key: a.word_count for a in proposal.answers.select_related("section")} == {
        s.key: len(text_for(s).split()) for s in sections
    }
    upload(op, tmp_path, AttachmentKind.PHOTO, "kegiatan.png", png_bytes())
    upload(op, tmp_path, AttachmentKind.SK_LETTER, "sk-inovator.pdf", pdf_bytes())
    for section in sections:
        if section.evidence_required:
            upload(
                op, tmp_path, AttachmentKind.DOCUMENT, f"bukti-{section.key}.pdf", pdf_bytes(),
                section,
            )  # fmt: skip
    assert sorted(proposal.attachments.values_list("kind", flat=True)) == sorted(
        [AttachmentKind.PHOTO, AttachmentKind.SK_LETTER]
        + [AttachmentKind.DOCUMENT] * sum(s.evidence_required for s in sections)
    )
    assert op.locator(".checklist .checklist-open").count() == 0
    assert op.locator(".checklist .checklist-ok").count() >= len(sections)
    e2e.shot(op, "02-proposal-editor-ready")


def operator_submits(e2e, op, proposal):
    submit_form(op, "#proposal-editor button[name=action][value=submit]")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert path(op) == (reverse("innovations:proposal_detail", kwargs={"pk": proposal.pk}))
    assert op.locator(".status-badge.status-submitted").first.is_visible()
    e2e.shot(op, "03-proposal-detail-submitted")


def organiser_asks_for_changes(e2e, org, proposal):
    """The organiser signs in and asks for changes with a note; returns the review page's URL."""
    e2e.login(org, "panitia1")
    review_url = e2e.url + reverse("innovations:organiser_review", kwargs={"pk": proposal.pk})
    org.goto(review_url)
    e2e.shot(org, "04-organiser-review")
    org.fill("textarea[name=request_changes-note]", NOTE)
    submit_form(org, "form:has(textarea[name=request_changes-note]) button[type=submit]")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CHANGES_REQUESTED
    assert proposal.status_changes.order_by("-at", "-pk").first().note == NOTE
    return review_url


def operator_fixes_and_submits_again(e2e, op, proposal, sections):
    """The operator reads the note, fixes the first section's text and submits again."""
    op.goto(e2e.url + reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}))
    assert op.locator(".status-badge.status-changes_requested").first.is_visible()
    assert op.locator(".history-note", has_text=NOTE).count() >= 1
    first = sections[0]
    fixed = text_for(first, extra=8)
    op.fill(f"#id_section_{first.key}", fixed)
    submit_form(op, "#proposal-editor button[name=action][value=submit]")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.answers.get(section=first).text == fixed


def organiser_verifies(e2e, org, review_url, proposal, edition):
    org.goto(review_url)
    submit_form(org, "form:has(textarea[name=verify-note]) button[type=submit]")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.VERIFIED
    org.goto(e2e.url + reverse("innovations:organiser_queue") + f"?edition={edition.slug}")
    e2e.shot(org, "05-organiser-queue")


def the_submission_window_closes(edition):
    """Time passes: the window closes (the desk evaluation opens only after it)."""
    Edition.objects.filter(pk=edition.pk).update(
        submission_closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def desk_stage_through_services(edition, organiser, judges, proposal):
    """The desk stage set up through the services, the proposal assigned to both judges; returns
    the stage and its criteria in order."""
    stage = create_stage(edition=edition, kind=StageKind.DESK, by=organiser)
    set_criteria(stage, criteria=two_criteria(), by=organiser)
    set_panel(stage, judges=judges, by=organiser)
    open_stage(stage, by=organiser, notify=False)
    for judge in judges:
        assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
    return stage, list(Criterion.objects.filter(stage=stage).order_by("order", "pk"))


def judge_signs_and_scores(e2e, stage, criteria, proposal, judge, values, *, shots):
    """A judge signs the pledge and submits the sheet in the browser; `shots` takes the
    screenshots of the declaration and the sheet."""
    page = e2e.page()
    e2e.login(page, judge.username)
    page.goto(e2e.url + reverse("judging:judge_stage", kwargs={"stage_id": stage.pk}))
    assert path(page) == (reverse("judging:declare", kwargs={"stage_id": stage.pk}))
    if shots:
        e2e.shot(page, "06-judge-declaration")
    page.check("#id_confirm_complete")
    page.check("#id_sign_pledge")
    submit_form(page, "form:has(#id_sign_pledge) button[type=submit]")
    declaration = ConflictDeclaration.objects.get(stage=stage, judge=judge)
    assert declaration.no_conflicts is True
    assert declaration.pledge_signed_at is not None
    page.goto(
        e2e.url
        + reverse("judging:sheet", kwargs={"stage_id": stage.pk, "proposal_id": proposal.pk})
    )
    for criterion, value in zip(criteria, values, strict=True):
        page.fill(f"input[name=score_{criterion.pk}]", str(value))
    page.fill("textarea[name=overall_comment]", "Bermanfaat bagi warga.")
    if shots:
        e2e.shot(page, "07-score-sheet")
    submit_form(page, "#score-sheet button[name=submit]")
    sheet = ScoreSheet.objects.get(assignment__stage=stage, assignment__judge=judge)
    assert sheet.submitted_at is not None
    assert sheet.total == 6 * values[0] + 4 * values[1]


def organiser_closes_and_shortlists(stage, track, proposal, organiser):
    """The organiser closes the stage and confirms the shortlist (services)."""
    close_stage(stage, by=organiser)
    result = StageResult.objects.get(stage=stage, proposal=proposal)
    assert result.judges_counted == 2
    assert result.rank == 1
    confirm_shortlist(
        stage,
        track=track,
        proposal_ids=[proposal.pk],
        decree_number=DECREE,
        decree_date=datetime.date(2026, 9, 1),
        by=organiser,
        notify=False,
    )
    result.refresh_from_db()
    assert result.decision == "shortlisted"


def visitor_sees_the_public_results(e2e, edition):
    """A visitor sees the proposal on the public results page once the edition is published."""
    visitor = e2e.page()
    results_url = e2e.url + reverse("public:results", kwargs={"slug": edition.slug})
    assert visitor.goto(results_url).status == 404
    Edition.objects.filter(pk=edition.pk).update(is_published=True)
    response = visitor.goto(results_url)
    assert response.status == 200
    assert visitor.get_by_text("Posyandu Digital Kita").count() >= 1
    assert DECREE in visitor.content()
    assert "/accounts/login/" not in visitor.url
    e2e.shot(visitor, "08-public-results")
