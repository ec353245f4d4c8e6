import datetime

import pytest
from django.urls import reverse

from innovations.enums import ProposalStatus
from judging.enums import Decision, StageKind
from judging.models import Shortlist, ShortlistChange, Stage, StageResult
from judging.services import JudgingError, change_shortlist, close_stage, confirm_shortlist
from tests.factories import make_operator, make_organiser
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db
DECREE_DATE = datetime.date(2021, 6, 14)


@pytest.fixture
def ranked():
    """Four entries of one track (Top 2), ranked A > B > C > D, stage closed."""
    organiser = make_organiser()
    stage, judges, proposals = scenario(organiser, judges=2, proposals=4, shortlist_size=2)
    for proposal, values in zip(proposals, [(9, 9), (8, 8), (7, 7), (6, 6)], strict=True):
        make_operator(proposal.agency)
        for judge in judges:
            score(stage, judge, proposal, values)
    close_stage(stage, by=organiser)
    return organiser, stage, proposals


def decisions(stage):
    return dict(StageResult.objects.filter(stage=stage).values_list("proposal_id", "decision"))


def test_confirm_top_n_records_decree_moves_on_and_mails(
    ranked, mailoutbox, django_capture_on_commit_callbacks
):
    organiser, stage, (a, b, c, d) = ranked

    with django_capture_on_commit_callbacks(execute=True):
        shortlist = confirm_shortlist(
            stage, track=a.track, proposal_ids=[a.pk, b.pk], decree_number="800/117/Org",
            decree_date=DECREE_DATE, by=organiser,
        )  # fmt: skip

    assert decisions(stage) == {
        a.pk: Decision.SHORTLISTED,
        b.pk: Decision.SHORTLISTED,
        c.pk: Decision.NOT_SHORTLISTED,
        d.pk: Decision.NOT_SHORTLISTED,
    }
    assert StageResult.objects.get(stage=stage, proposal=a).decree_ref == "800/117/Org (14-06-2021)"
    interview = Stage.objects.get(edition=stage.edition, order=2)
    assert interview.kind == StageKind.INTERVIEW
    assert sorted(interview.results.values_list("proposal_id", flat=True)) == sorted([a.pk, b.pk])
    assert list(interview.criteria.values_list("weight", flat=True)) == [30, 40, 30]
    log = ShortlistChange.objects.get(shortlist=shortlist)
    assert (log.action, log.by, log.decree_number) == ("confirmed", organiser, "800/117/Org")
    assert sorted(m.subject for m in mailoutbox) == sorted(
        [f"[KIKS] {p.innovation.acronym} is shortlisted in {stage.edition.name}" for p in (a, b)]
        + [f"[KIKS] {p.innovation.acronym} is not shortlisted in {stage.edition.name}"
           for p in (c, d)]
    )  # fmt: skip
    # Judging outcomes never touch the proposal's own status.
    a.refresh_from_db()
    assert a.status == ProposalStatus.VERIFIED


def test_selection_other_than_the_top_n_needs_a_reason(ranked):
    organiser, stage, (a, b, c, _d) = ranked

    with pytest.raises(JudgingError) as error:
        confirm_shortlist(
            stage, track=a.track, proposal_ids=[a.pk, c.pk], decree_number="1",
            decree_date=DECREE_DATE, by=organiser,
        )  # fmt: skip

    assert error.value.messages == [
        "The selection differs from the computed Top 2: give the reason."
    ]
    assert Shortlist.objects.exists() is False
    assert set(decisions(stage).values()) == {Decision.PENDING}


def test_confirm_refused_while_the_stage_is_open():
    organiser = make_organiser()
    stage, (judge, _other), (a, _b) = scenario(organiser, shortlist_size=1)
    score(stage, judge, a, (5, 5))

    with pytest.raises(JudgingError) as error:
        confirm_shortlist(
            stage, track=a.track, proposal_ids=[a.pk], decree_number="",
            decree_date=None, by=organiser,
        )  # fmt: skip

    assert error.value.messages == [
        "Close the stage before confirming its shortlist.",
        "Enter the number of the mayor's decree letter (Surat Wali Kota).",
        "Enter the date of the decree letter.",
    ]


def test_change_needs_a_reason_and_is_logged(
    ranked, mailoutbox, django_capture_on_commit_callbacks
):
    organiser, stage, (a, b, c, _d) = ranked
    shortlist = confirm_shortlist(
        stage, track=a.track, proposal_ids=[a.pk, b.pk], decree_number="800/117/Org",
        decree_date=DECREE_DATE, by=organiser,
    )  # fmt: skip

    with pytest.raises(JudgingError) as error:
        change_shortlist(shortlist, proposal_ids=[a.pk, c.pk], reason="", by=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        change_shortlist(
            shortlist, proposal_ids=[a.pk, c.pk], reason="B ternyata belum 6 bulan berjalan",
            decree_number="800/121/Org", by=organiser,
        )  # fmt: skip

    assert error.value.messages == ["Give the reason for changing a confirmed shortlist."]
    assert decisions(stage)[b.pk] == Decision.NOT_SHORTLISTED
    assert decisions(stage)[c.pk] == Decision.SHORTLISTED
    change = shortlist.changes.get(action="changed")
    assert (change.reason, change.added, change.removed, change.decree_number) == (
        "B ternyata belum 6 bulan berjalan",
        c.innovation.acronym,
        b.innovation.acronym,
        "800/121/Org",
    )
    assert shortlist.changes.count() == 2
    interview = Stage.objects.get(edition=stage.edition, order=2)
    assert sorted(interview.results.values_list("proposal_id", flat=True)) == sorted([a.pk, c.pk])
    assert sorted(m.subject for m in mailoutbox) == sorted(
        [
            f"[KIKS] {b.innovation.acronym} is not shortlisted in {stage.edition.name}",
            f"[KIKS] {c.innovation.acronym} is shortlisted in {stage.edition.name}",
        ]
    )


def test_shortlist_page_confirms(client, ranked):
    organiser, stage, (a, b, _c, _d) = ranked
    client.force_login(organiser)
    url = reverse("judging:shortlist", args=[stage.pk, a.track_id])

    page = client.get(url)
    response = client.post(
        url,
        {"proposals": [a.pk, b.pk], "decree_number": "800/117/Org", "decree_date": "2021-06-14"},
    )

    assert page.context["form"]["proposals"].value() == [a.pk, b.pk]
    assert (response.status_code, response.url) == (
        302,
        reverse("judging:ranking", args=[stage.pk]),
    )
    assert Shortlist.objects.get(stage=stage).decree_ref == "800/117/Org (14-06-2021)"


def test_unresolved_tie_at_the_cut_needs_a_reason():
    organiser = make_organiser()
    stage, judges, (a, b) = scenario(organiser, proposals=2, shortlist_size=1)
    from innovations.models import Proposal

    Proposal.objects.filter(pk=b.pk).update(submitted_at=a.submitted_at)
    for judge in judges:
        score(stage, judge, a, (5, 5))
        score(stage, judge, b, (5, 5))
    close_stage(stage, by=organiser)

    with pytest.raises(JudgingError) as error:
        confirm_shortlist(stage, track=a.track, proposal_ids=[a.pk], decree_number="9",
                          decree_date=DECREE_DATE, by=organiser)  # fmt: skip
    confirm_shortlist(stage, track=a.track, proposal_ids=[b.pk], decree_number="9",
                      decree_date=DECREE_DATE, by=organiser,
                      reason="Panel memilih B setelah diskusi")  # fmt: skip

    assert error.value.messages == [
        "The cut falls inside a tie that the published rule does not resolve: explain the "
        "choice in the reason."
    ]
    assert decisions(stage) == {a.pk: Decision.NOT_SHORTLISTED, b.pk: Decision.SHORTLISTED}
