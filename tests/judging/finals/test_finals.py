import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from innovations.enums import AttachmentKind, ProposalStatus
from judging.enums import AwardKind, StageKind
from judging.models import FinalEntry, InterviewSlot, KijbNomination, Stage, StageResult
from judging.services import (
    JudgingError,
    compute_final_results,
    confirm_final_result,
    create_stage,
    forward_to_kijb,
    give_award,
    publish_final_result,
    record_consensus_note,
    schedule_slot,
    upload_presentation,
)
from tests.factories import (
    make_agency,
    make_edition,
    make_operator,
    make_organiser,
    make_proposal,
    make_track,
    pdf_bytes,
    uploaded,
)
from tests.judging.finals.helpers import finals

pytestmark = pytest.mark.django_db
D = Decimal
WIB = datetime.timezone(datetime.timedelta(hours=7))


def test_final_score_is_each_stage_score_times_its_weight():
    organiser = make_organiser()
    # Desk totals: 6*8 + 4*6 = 72 and 6*6 + 4*8 = 68. Interview totals on a 1-10 scale:
    # (9-1)/9*100 = 88.89 and (5-1)/9*100 = 44.44.
    edition, desk, interview, (first, second), _judges = finals(organiser)
    entries = {e.proposal_id: e for e in compute_final_results(edition)}
    # 72 * 0.7 + 88.89 * 0.3 = 50.40 + 26.667 = 77.067 -> 77.07
    assert entries[first.pk].score == D("77.07")
    # 68 * 0.7 + 44.44 * 0.3 = 47.60 + 13.332 = 60.932 -> 60.93
    assert entries[second.pk].score == D("60.93")
    assert (entries[first.pk].rank, entries[second.pk].rank) == (1, 2)
    assert entries[first.pk].stage_scores == {str(desk.pk): "72.00", str(interview.pk): "88.89"}


def test_final_ranking_ties_use_the_stage_tie_break():
    organiser = make_organiser()
    edition, _desk, _interview, (first, second), _judges = finals(
        organiser, desk=((8, 6), (8, 6)), interview=((9, 9, 9), (9, 9, 9))
    )
    entries = {e.proposal_id: e for e in compute_final_results(edition)}
    assert entries[first.pk].score == entries[second.pk].score
    # Equal on heaviest and median too: the earlier submission ranks higher.
    later = max((first, second), key=lambda p: (p.submitted_at, p.pk))
    assert entries[later.pk].tie_break in ("submission", "unresolved")


def test_weights_must_add_up_to_100():
    organiser = make_organiser()
    edition, desk, interview, _entries, _judges = finals(organiser)
    Stage.objects.filter(pk=interview.pk).update(weight=40)
    with pytest.raises(JudgingError) as error:
        confirm_final_result(
            edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
        )
    assert error.value.messages == ["The stage weights add up to 110; they must add up to 100."]


def _slot(stage, proposal, organiser, hour, minute=0, **extra):
    return schedule_slot(
        stage,
        proposal=proposal,
        starts_at=datetime.datetime(2031, 6, 7, hour, minute, tzinfo=WIB),
        place="Aula Balai Kota",
        by=organiser,
        **extra,
    )


def _open_interview(organiser, count=2):
    """A later stage (not closed) whose entries are `count` shortlisted proposals."""
    edition = make_edition(open_now=False)
    track = make_track(edition)
    proposals = [
        make_proposal(edition, track=track, status=ProposalStatus.VERIFIED) for _ in range(count)
    ]
    desk = Stage.objects.create(edition=edition, kind=StageKind.DESK, order=1)
    stage = create_stage(edition=edition, kind=StageKind.INTERVIEW, by=organiser)
    for proposal in proposals:
        StageResult.objects.create(stage=desk, proposal=proposal, decision="shortlisted")
        StageResult.objects.create(stage=stage, proposal=proposal)
    return stage, proposals


def test_overlapping_slots_are_refused():
    organiser = make_organiser()
    stage, (one, two) = _open_interview(organiser)
    first = _slot(stage, one, organiser, 9)
    assert (first.ends_at - first.starts_at) == datetime.timedelta(minutes=20)
    with pytest.raises(JudgingError) as error:
        _slot(stage, two, organiser, 9, 10)
    assert error.value.messages[0].startswith("This slot overlaps the slot of")
    assert InterviewSlot.objects.filter(stage=stage).count() == 1
    # Back to back is fine.
    _slot(stage, two, organiser, 9, 20)
    assert InterviewSlot.objects.filter(stage=stage).count() == 2
    assert AuditEvent.objects.filter(action="interview_slot.schedule").count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint: PostgreSQL")
def test_database_refuses_overlapping_slots():
    organiser = make_organiser()
    stage, (one, two) = _open_interview(organiser)
    first = _slot(stage, one, organiser, 9)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSlot.objects.create(
            stage=stage,
            proposal=two,
            starts_at=first.starts_at + datetime.timedelta(minutes=5),
            ends_at=first.ends_at + datetime.timedelta(minutes=5),
            place="x",
        )


def test_slot_change_is_mailed_and_audited(mailoutbox, django_capture_on_commit_callbacks):
    organiser = make_organiser()
    stage, (one, _two) = _open_interview(organiser)
    make_operator(one.agency)
    with django_capture_on_commit_callbacks(execute=True):
        _slot(stage, one, organiser, 9)
        _slot(stage, one, organiser, 10)
    assert [m.subject.split("] ")[1] for m in mailoutbox] == [
        f"Interview slot of {one.innovation.acronym}",
        f"Interview slot of {one.innovation.acronym} changed",
    ]
    event = AuditEvent.objects.get(action="interview_slot.change")
    assert event.before["starts_at"].startswith("2031-06-07T09:00")
    assert event.after["starts_at"].startswith("2031-06-07T10:00")


def test_shortlisted_agency_uploads_slides_before_its_slot_only():
    organiser = make_organiser()
    stage, (one, _two) = _open_interview(organiser)
    operator = make_operator(one.agency)
    assert not one.is_editable_by_agency
    _slot(stage, one, organiser, 9)
    attachment = upload_presentation(
        one, uploaded_file=uploaded("slides.pdf", pdf_bytes()), by=operator
    )
    assert attachment.kind == AttachmentKind.PRESENTATION
    assert attachment.original_name == "slides.pdf"
    later = datetime.datetime(2031, 6, 7, 9, 1, tzinfo=WIB)
    with pytest.raises(JudgingError) as error:
        upload_presentation(
            one, uploaded_file=uploaded("late.pdf", pdf_bytes()), by=operator, now=later
        )
    assert error.value.messages == [
        "Slides can be uploaded only by a shortlisted entry, before its interview slot."
    ]
    assert one.attachments.filter(kind=AttachmentKind.PRESENTATION).count() == 1


def test_kijb_needs_six_months_in_operation_on_the_forwarding_date():
    organiser = make_organiser()
    edition, _desk, _interview, (first, _second), _judges = finals(organiser)
    type(first.innovation).objects.filter(pk=first.innovation_id).update(
        started_on=datetime.date(2021, 1, 31)
    )
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    with pytest.raises(JudgingError) as error:
        forward_to_kijb(first, forwarded_on=datetime.date(2021, 7, 30), by=organiser)
    assert "qualifies from 31 July 2021" in error.value.messages[0]
    assert not KijbNomination.objects.exists()
    forward_to_kijb(first, forwarded_on=datetime.date(2021, 7, 31), by=organiser)
    assert KijbNomination.objects.get().proposal_id == first.pk
    assert AuditEvent.objects.filter(action="kijb.forward").count() == 1


def _publish(organiser, edition):
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    publish_final_result(edition, by=organiser)


def test_feedback_is_invisible_before_publication_and_hides_judges(client):
    organiser = make_organiser()
    edition, _desk, interview, (first, _second), judges = finals(organiser)
    record_consensus_note(
        interview, proposal=first, text="Panel sepakat: kuat.", reason="Notulen rapat", by=organiser
    )
    operator = make_operator(first.agency)
    client.force_login(operator)
    url = reverse("judging:feedback", kwargs={"proposal_id": first.pk})
    assert client.get(url).status_code == 404
    _publish(organiser, edition)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Panel sepakat: kuat." in content
    assert "Komentar wawancara" in content
    for judge in judges:
        assert judge.username not in content
        assert judge.get_full_name() not in content
        assert judge.last_name not in content


def test_feedback_is_refused_to_another_agency(client):
    organiser = make_organiser()
    edition, _desk, _interview, (first, _second), _judges = finals(organiser)
    _publish(organiser, edition)
    client.force_login(make_operator(make_agency()))
    response = client.get(reverse("judging:feedback", kwargs={"proposal_id": first.pk}))
    assert response.status_code == 404


def test_publication_and_awards_are_audited_and_public():
    organiser = make_organiser()
    edition, _desk, _interview, (first, second), _judges = finals(organiser)
    _publish(organiser, edition)
    give_award(edition, proposal=first, kind=AwardKind.WINNER_1, by=organiser)
    with pytest.raises(JudgingError) as error:
        give_award(edition, proposal=second, kind=AwardKind.WINNER_1, by=organiser)
    assert error.value.messages == [
        f"{first.innovation.acronym} already holds this place in the track: remove it first."
    ]
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "award.give",
        "final.confirm",
        "final.publish",
    }
    assert AuditEvent.objects.filter(action="final.publish").count() == 1
    assert AuditEvent.objects.filter(action="award.give").count() == 1


def test_export_figures_match_the_ranking_page(client):
    organiser = make_organiser()
    edition, desk, _interview, _entries, _judges = finals(organiser)
    compute_final_results(edition)
    client.force_login(organiser)
    page = client.get(reverse("judging:ranking", kwargs={"stage_id": desk.pk}))
    shown = {
        row.proposal.innovation.acronym: (row.mean, row.median, row.spread, row.rank)
        for group in page.context["groups"]
        for row in group["rows"]
    }
    response = client.get(reverse("judging:export", kwargs={"edition_id": edition.pk}))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    # Columns: track, innovation, agency, judge, 2 criteria, total, normalised, counted, why,
    # mean, median, spread, normalised score, rank, ...
    assert len(header) == 18
    exported = {
        row[1]: (D(str(row[10])), D(str(row[11])), D(str(row[12])), row[14]) for row in rows[1:]
    }
    assert exported == shown


def test_export_escapes_formula_cells(client):
    organiser = make_organiser()
    edition, _desk, _interview, (first, _second), _judges = finals(organiser)
    # As the entry shows it (its own copy of the innovation's acronym).
    type(first).objects.filter(pk=first.pk).update(innovation_acronym="=HYPERLINK(1)")
    client.force_login(organiser)
    response = client.get(reverse("judging:export", kwargs={"edition_id": edition.pk}))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    values = [v for row in workbook.worksheets[0].iter_rows(values_only=True) for v in row]
    assert "'=HYPERLINK(1)" in values
    assert "=HYPERLINK(1)" not in values


def test_final_entries_follow_the_last_stage():
    organiser = make_organiser()
    edition, _desk, _interview, entries, _judges = finals(organiser)
    compute_final_results(edition)
    assert FinalEntry.objects.filter(edition=edition).count() == len(entries)
