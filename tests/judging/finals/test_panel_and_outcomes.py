"""The interview stage as a panel (every member scores every finalist, in the order of the
schedule), the final decisions carried back to every stage, and consensus notes locked once their
stage closes."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from innovations.enums import ProposalStatus
from judging.enums import Decision
from judging.models import Assignment, Stage, StageResult
from judging.services import (
    JudgingError,
    assign_manually,
    close_stage,
    confirm_final_result,
    confirm_shortlist,
    declare_conflicts,
    forward_to_kijb,
    open_stage,
    publish_final_result,
    record_consensus_note,
    schedule_slot,
    set_panel,
)
from tests.factories import make_edition, make_judge, make_organiser, make_proposal, make_track
from tests.judging.finals.helpers import finals
from tests.judging.helpers import desk_stage, score, sign, two_criteria

pytestmark = pytest.mark.django_db
WIB = datetime.timezone(datetime.timedelta(hours=7))


def shortlisted(organiser, count=3):
    """A closed desk stage whose shortlist (every entry) created the interview stage."""
    edition = make_edition(open_now=False)
    track = make_track(edition, shortlist_size=6)
    entries = [
        make_proposal(edition, track=track, status=ProposalStatus.VERIFIED) for _ in range(count)
    ]
    judge = make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())
    open_stage(stage, by=organiser, notify=False)
    sign(stage, judge)
    for index, proposal in enumerate(entries):
        assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
        score(stage, judge, proposal, (8 - index, 6))
    close_stage(stage, by=organiser)
    confirm_shortlist(
        stage,
        track=track,
        proposal_ids=[p.pk for p in entries],
        decree_number="1/Kep/2027",
        decree_date=datetime.date(2027, 3, 1),
        by=organiser,
        notify=False,
    )
    return Stage.objects.get(edition=edition, order=2), entries


def test_the_interview_stage_made_by_the_shortlist_is_heard_by_the_whole_panel():
    organiser = make_organiser()
    interview, entries = shortlisted(organiser)
    mayor, second, third = make_judge(), make_judge(), make_judge()

    set_panel(interview, judges=[mayor, second, third], by=organiser)
    open_stage(interview, by=organiser, notify=False)

    interview.refresh_from_db()
    assert (interview.whole_panel, interview.judges_per_proposal) == (True, 3)
    pairs = set(Assignment.objects.filter(stage=interview).values_list("judge_id", "proposal_id"))
    assert pairs == {(j.pk, p.pk) for j in (mayor, second, third) for p in entries}


def test_a_judge_joining_an_open_interview_panel_gets_every_finalist():
    organiser = make_organiser()
    interview, entries = shortlisted(organiser, count=2)
    mayor, late = make_judge(), make_judge()
    set_panel(interview, judges=[mayor], by=organiser)
    open_stage(interview, by=organiser, notify=False)

    set_panel(interview, judges=[mayor, late], by=organiser)

    assert sorted(
        Assignment.objects.filter(stage=interview, judge=late).values_list("proposal_id", flat=True)
    ) == sorted(p.pk for p in entries)
    assert Stage.objects.get(pk=interview.pk).judges_per_proposal == 2


def test_the_judges_list_follows_the_schedule_and_shows_the_slots(client):
    organiser = make_organiser()
    interview, (first, second, third) = shortlisted(organiser)
    mayor = make_judge()
    set_panel(interview, judges=[mayor], by=organiser)
    day = timezone.now().astimezone(WIB).date() + datetime.timedelta(days=3)
    for hour, proposal in ((11, first), (9, third), (10, second)):
        schedule_slot(
            interview,
            proposal=proposal,
            starts_at=datetime.datetime.combine(day, datetime.time(hour), WIB),
            place="Ruang Rapat Wali Kota",
            by=organiser,
            notify=False,
        )
    open_stage(interview, by=organiser, notify=False)
    sign(interview, mayor)
    client.force_login(mayor)

    page = client.get(reverse("judging:judge_stage", kwargs={"stage_id": interview.pk}))
    home = client.get(reverse("judging:judge_home"))

    listed = [a.proposal_id for a in page.context["assignments"]]
    assert listed == [third.pk, second.pk, first.pk]
    assert [slot.proposal_id for slot in page.context["slots"]] == listed
    assert "Ruang Rapat Wali Kota" in page.content.decode()
    assert [slot.proposal_id for slot in home.context["slots"]] == listed
    assert "09:00–09:20 WIB" in home.content.decode()


def test_confirming_the_final_result_leaves_no_entry_pending():
    organiser = make_organiser()
    edition, desk, interview, (first, second), _judges = finals(organiser)
    # An entry that never reached the interview: its desk decision stays as confirmed.
    assert not StageResult.objects.filter(decision=Decision.PENDING).exclude(stage=interview)

    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )

    decisions = dict(
        StageResult.objects.filter(stage=interview).values_list("proposal_id", "decision")
    )
    assert decisions == {first.pk: Decision.RANKED, second.pk: Decision.RANKED}
    assert not StageResult.objects.filter(stage__edition=edition, decision=Decision.PENDING)


def test_an_unscored_finalist_is_not_ranked_and_an_unconfirmed_track_did_not_go_on():
    organiser = make_organiser()
    edition, desk, interview, (first, second), (_judge, mayor) = finals(
        organiser, interview=((9, 9, 9),)
    )
    StageResult.objects.filter(stage=desk, proposal=second).update(decision=Decision.PENDING)

    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )

    assert StageResult.objects.get(stage=interview, proposal=second).decision == "not_ranked"
    assert StageResult.objects.get(stage=desk, proposal=second).decision == "not_shortlisted"


def test_documents_of_a_finished_edition_say_no_pending(client, settings):
    organiser = make_organiser()
    edition, desk, interview, (first, _second), _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    publish_final_result(edition, by=organiser, notify=False)
    first.innovation.started_on = datetime.date(2020, 1, 1)
    first.innovation.save()
    forward_to_kijb(first, forwarded_on=datetime.date(2021, 7, 1), by=organiser)
    client.force_login(organiser)
    kwargs = {"edition_id": edition.pk}
    pages = [
        reverse("judging:minutes", kwargs={"stage_id": interview.pk}),
        reverse("judging:minutes", kwargs={"stage_id": desk.pk}),
        reverse("judging:final_minutes", kwargs=kwargs),
        reverse("judging:kijb_pack", kwargs=kwargs),
        reverse("judging:feedback", kwargs={"proposal_id": first.pk}),
    ]

    for url in pages:
        content = client.get(url).content.decode()
        assert "Pending" not in content, url
    pack = client.get(reverse("judging:kijb_json", kwargs=kwargs)).json()
    assert [r["decision"] for r in pack["innovations"][0]["results"]] == [
        "Shortlisted",
        "Ranked in the final result",
    ]
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("judging:export", kwargs=kwargs)).streaming_content))
    )
    cells = {str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row}
    assert "Pending" not in cells
    assert "Menunggu" not in cells


def test_consensus_notes_lock_when_the_stage_closes():
    organiser = make_organiser()
    interview, (first, _second, _third) = shortlisted(organiser)
    mayor = make_judge()
    set_panel(interview, judges=[mayor], by=organiser)
    open_stage(interview, by=organiser, notify=False)
    declare_conflicts(interview, judge=mayor, conflicts={}, pledge_text="Janji")
    record_consensus_note(interview, proposal=first, text="Sepakat: unggul.", by=mayor)
    close_stage(interview, by=organiser)

    with pytest.raises(JudgingError) as by_the_mayor:
        record_consensus_note(interview, proposal=first, text="Diubah.", by=mayor)
    with pytest.raises(JudgingError) as without_reason:
        record_consensus_note(interview, proposal=first, text="Diubah.", by=organiser)
    record_consensus_note(
        interview,
        proposal=first,
        text="Sepakat: unggul sekali.",
        reason="Typo",
        by=organiser,
    )

    assert by_the_mayor.value.messages == [
        "The stage is closed and its consensus notes are locked. Ask the organiser for a "
        "correction."
    ]
    assert without_reason.value.messages == [
        "The stage is closed: give the reason for correcting the note."
    ]
    result = StageResult.objects.get(stage=interview, proposal=first)
    assert result.consensus_note == "Sepakat: unggul sekali."
    corrected = AuditEvent.objects.get(action="consensus.correct")
    assert (corrected.before, corrected.after, corrected.note, corrected.actor_name) == (
        {"consensus_note": "Sepakat: unggul."},
        {"consensus_note": "Sepakat: unggul sekali."},
        "Typo",
        organiser.username,
    )
    assert AuditEvent.objects.filter(action="consensus.write").count() == 1


def test_a_published_consensus_note_never_changes_and_the_page_is_read_only(client):
    organiser = make_organiser()
    edition, _desk, interview, (first, _second), (_judge, mayor) = finals(organiser)
    record_consensus_note(interview, proposal=first, text="Kuat.", reason="Notulen", by=organiser)
    url = reverse("judging:consensus", kwargs={"stage_id": interview.pk, "proposal_id": first.pk})
    client.force_login(mayor)
    closed_page = client.get(url)
    refused_post = client.post(url, {"text": "Diubah oleh juri"}, follow=True)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    publish_final_result(edition, by=organiser, notify=False)

    with pytest.raises(JudgingError) as published:
        record_consensus_note(interview, proposal=first, text="Lain.", reason="x", by=organiser)

    assert closed_page.context["form"] is None
    assert "Kuat." in closed_page.content.decode()
    assert [str(m) for m in refused_post.context["messages"]] == ["This consensus note is locked."]
    assert published.value.messages == [
        "The results of this edition are published: the consensus note can no longer change."
    ]
    assert StageResult.objects.get(stage=interview, proposal=first).consensus_note == "Kuat."


def test_a_forwarding_date_in_the_future_is_refused():
    organiser = make_organiser()
    edition, _desk, _interview, (first, _second), _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    with pytest.raises(JudgingError) as refused:
        forward_to_kijb(first, forwarded_on=tomorrow, by=organiser)

    assert refused.value.messages == [
        f"The date of forwarding cannot be in the future (today is {today:%-d %B %Y})."
    ]
