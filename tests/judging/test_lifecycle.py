"""An edition's lifecycle: the phase derived from its dates, proposals, stages and final result,
the next step, what blocks it, and the guard it puts on opening the desk evaluation."""

import datetime

import pytest
from django.utils import timezone

from innovations.enums import ProposalStatus
from judging.lifecycle import Phase, lifecycle_of
from judging.models import Stage
from judging.services import (
    JudgingError,
    close_stage,
    confirm_final_result,
    confirm_shortlist,
    create_stage,
    open_stage,
    publish_final_result,
    set_criteria,
    set_panel,
)
from tests.factories import make_edition, make_judge, make_organiser, make_proposal
from tests.judging.finals.helpers import finals
from tests.judging.helpers import scenario, score, two_criteria

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def desk_ready(edition, organiser):
    stage = create_stage(edition=edition, kind="desk", by=organiser)
    set_criteria(stage, criteria=two_criteria(), by=organiser)
    set_panel(stage, judges=[make_judge()], by=organiser)
    return stage


def test_phases_before_judging():
    now = timezone.now()
    future = make_edition(submission_opens_at=now + DAY, submission_closes_at=now + 9 * DAY)
    open_now = make_edition()
    closed = make_edition(open_now=False)
    make_proposal(closed, status=ProposalStatus.SUBMITTED)

    assert lifecycle_of(future).phase == Phase.PREPARATION
    assert lifecycle_of(open_now).phase == Phase.SUBMISSION
    waiting = lifecycle_of(closed)
    assert waiting.phase == Phase.VERIFICATION
    assert waiting.blockers == [
        "1 proposal still waits for verification: verify or reject it first."
    ]
    assert [step.state for step in waiting.steps[:4]] == ["done", "done", "current", "upcoming"]


def test_the_desk_evaluation_waits_for_submission_and_verification():
    organiser = make_organiser()
    edition = make_edition()
    make_proposal(edition, status=ProposalStatus.VERIFIED)
    make_proposal(edition, status=ProposalStatus.CHANGES_REQUESTED)
    make_proposal(edition, status=ProposalStatus.SUBMITTED)
    stage = desk_ready(edition, organiser)

    with pytest.raises(JudgingError) as refused:
        open_stage(stage, by=organiser, notify=False)

    closes = timezone.localtime(edition.submission_closes_at)
    assert refused.value.messages == [
        f"Submission is open until {closes:%-d %B %Y %H:%M} WIB: the desk evaluation opens "
        "after it closes.",
        "1 proposal still waits for verification: verify or reject it first.",
        "1 proposal was sent back for changes and is not answered yet: wait for the agency, "
        "or reject it, before the desk evaluation opens.",
    ]
    assert Stage.objects.get(pk=stage.pk).opened_at is None


def test_the_desk_evaluation_opens_once_every_proposal_is_decided():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    make_proposal(edition, status=ProposalStatus.VERIFIED)
    make_proposal(edition, status=ProposalStatus.REJECTED)
    stage = desk_ready(edition, organiser)
    assert lifecycle_of(edition).next_step == "Open the desk evaluation."
    assert lifecycle_of(edition).blockers == []

    open_stage(stage, by=organiser, notify=False)

    assert lifecycle_of(edition).phase == Phase.DESK
    assert lifecycle_of(edition).next_step == (
        "The judges score; close the desk evaluation when every sheet is in."
    )


def test_phases_after_judging_up_to_archived():
    organiser = make_organiser()
    edition, _desk, _interview, _entries, _judges = finals(organiser)
    final = lifecycle_of(edition)
    assert (final.phase, final.next_step) == (
        Phase.FINAL,
        "Confirm the final result with the mayor's decree.",
    )

    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    assert lifecycle_of(edition).next_step == "Publish the results."
    publish_final_result(edition, by=organiser, notify=False)
    assert lifecycle_of(edition).phase == Phase.PUBLISHED
    make_edition(year=edition.year + 1, slug="berikut", name="KIKS Berikutnya")

    archived = lifecycle_of(edition)
    assert archived.phase == Phase.ARCHIVED
    assert {step.state for step in archived.steps[:-1]} == {"done"}


def test_shortlist_then_interview_phases():
    organiser = make_organiser()
    stage, (judge,), (proposal,) = scenario(organiser, judges=1, proposals=1)
    score(stage, judge, proposal, (8, 7))
    close_stage(stage, by=organiser)
    track = proposal.track

    shortlist = lifecycle_of(stage.edition)
    confirm_shortlist(
        stage,
        track=track,
        proposal_ids=[proposal.pk],
        decree_number="1/Kep",
        decree_date=datetime.date(2027, 3, 1),
        by=organiser,
        notify=False,
    )
    interview = lifecycle_of(stage.edition)

    assert (shortlist.phase, shortlist.blockers) == (
        Phase.SHORTLIST,
        [f"No shortlist confirmed yet for: {track.name}."],
    )
    assert interview.phase == Phase.INTERVIEW
    assert interview.next_step == (
        "Set the interview panel and the schedule, then open the presentation and interview stage."
    )
    assert interview.blockers == ["The stage has no judges yet."]
