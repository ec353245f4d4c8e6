import random
from collections import Counter

import pytest

from agencies.enums import AgencyKind
from judging.models import Assignment, ScoreSheet, StageEvent
from judging.services import (
    JudgingError,
    assign_judges,
    assign_manually,
    declare_conflicts,
    open_stage,
    set_panel,
    unassign,
)
from judging.services.assignment_plan import plan_assignment
from tests.factories import make_agency, make_edition, make_judge, make_organiser, make_track
from tests.judging.helpers import desk_stage, score, sign, two_criteria, verified


def random_case(rng):
    """A random case that has a balanced solution: a hidden round-robin plan, then conflicts only
    on pairs outside it."""
    proposals = list(range(1, rng.randint(1, 40) + 1))
    judges = list(range(100, 100 + rng.randint(1, 7)))
    need = rng.randint(1, min(3, len(judges)))
    order = judges[:]
    rng.shuffle(order)
    hidden = set()
    slot = 0
    for proposal in proposals:
        for _ in range(need):
            hidden.add((order[slot % len(order)], proposal))
            slot += 1
    forbidden = {
        (judge, proposal)
        for judge in judges
        for proposal in proposals
        if (judge, proposal) not in hidden and rng.random() < 0.4
    }
    return proposals, judges, need, forbidden


@pytest.mark.parametrize("seed", range(300))
def test_plan_is_balanced_complete_and_conflict_free(seed):
    rng = random.Random(seed)
    proposals, judges, need, forbidden = random_case(rng)

    plan = plan_assignment(
        proposals=proposals,
        judges=judges,
        need=dict.fromkeys(proposals, need),
        load={},
        forbidden=forbidden,
        seed=seed,
    )

    assert plan.missing == {}
    assert set(plan.pairs) & forbidden == set()
    assert len(plan.pairs) == len(set(plan.pairs)) == len(proposals) * need
    assert Counter(p for _j, p in plan.pairs) == dict.fromkeys(proposals, need)
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1


def test_plan_counts_existing_loads():
    plan = plan_assignment(
        proposals=[1, 2, 3, 4], judges=[10, 11], need={1: 1, 2: 1, 3: 1, 4: 1},
        load={10: 4, 11: 0}, forbidden=set(), seed=1,
    )  # fmt: skip

    assert Counter(j for j, _p in plan.pairs) == {11: 4}
    assert plan.loads == {10: 4, 11: 4}


def test_plan_reports_what_conflicts_make_impossible():
    plan = plan_assignment(
        proposals=[1, 2], judges=[10, 11], need={1: 2, 2: 2},
        load={}, forbidden={(10, 1)}, seed=1,
    )  # fmt: skip

    assert sorted(plan.pairs) == [(10, 2), (11, 1), (11, 2)]
    assert plan.missing == {1: 1}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(12))
def test_assign_judges_balanced_on_random_editions(seed):
    rng = random.Random(seed)
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    track = make_track(edition)
    agencies = [make_agency() for _ in range(4)]
    # A quarter of the entries come from the insider's agency: balance stays possible.
    proposals = [
        verified(edition, track=track, agency=agencies[index % 4])[0]
        for index in range(rng.randint(3, 14))
    ]
    judges = [make_judge() for _ in range(rng.randint(3, 6))]
    # One judge works for one of the agencies: never assigned its proposals.
    insider = make_judge(agency=agencies[0])
    stage = desk_stage(organiser, edition=edition, judges=[*judges, insider],
                       criteria=two_criteria(), judges_per_proposal=2)  # fmt: skip

    report = assign_judges(stage, by=organiser, seed=seed)

    rows = list(Assignment.objects.filter(stage=stage).values_list("judge_id", "proposal_id"))
    assert report.created == len(rows) == 2 * len(proposals)
    assert report.missing == {}
    assert Counter(p for _j, p in rows) == {p.pk: 2 for p in proposals}
    loads = Counter(j for j, _p in rows)
    panel = [*judges, insider]
    assert max(loads[j.pk] for j in panel) - min(loads[j.pk] for j in panel) <= 1
    insider_entries = {p for j, p in rows if j == insider.pk}
    assert insider_entries & {p.pk for p in proposals if p.agency_id == agencies[0].pk} == set()
    assert ScoreSheet.objects.filter(assignment__stage=stage).count() == len(rows)


@pytest.mark.django_db
def test_member_of_parent_agency_is_never_assigned_the_units_proposals():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    dinkes = make_agency("Dinas Kesehatan")
    puskesmas = make_agency("Puskesmas Tipar", kind=AgencyKind.PUSKESMAS, parent=dinkes)
    other = make_agency()
    (own,) = verified(edition, agency=dinkes)
    (unit,) = verified(edition, agency=puskesmas)
    (free,) = verified(edition, agency=other)
    insider = make_judge(agency=dinkes)
    outsiders = [make_judge(), make_judge()]
    stage = desk_stage(organiser, edition=edition, judges=[insider, *outsiders],
                       criteria=two_criteria())  # fmt: skip

    assign_judges(stage, by=organiser, seed=3)

    assert set(
        Assignment.objects.filter(stage=stage, judge=insider).values_list("proposal_id", flat=True)
    ) == {free.pk}
    with pytest.raises(JudgingError) as error:
        assign_manually(stage, judge=insider, proposal=unit, by=organiser)
    assert error.value.messages == [f"{insider.username} is in conflict with {unit.innovation}."]
    assert Assignment.objects.filter(stage=stage, judge=insider, proposal=own).exists() is False


@pytest.mark.django_db
def test_rerun_keeps_sheets_and_fills_after_a_late_conflict(
    mailoutbox, django_capture_on_commit_callbacks
):
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    proposals = verified(edition, 4)
    judges = [make_judge() for _ in range(3)]
    stage = desk_stage(organiser, edition=edition, judges=judges, criteria=two_criteria())
    assign_judges(stage, by=organiser, seed=1)
    open_stage(stage, by=organiser)
    sign(stage, *judges)
    first = Assignment.objects.filter(stage=stage, proposal=proposals[0]).select_related("judge")
    scorer, leaver = [a.judge for a in first]
    score(stage, scorer, proposals[0], (5, 5))
    before = set(Assignment.objects.filter(stage=stage).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        declare_conflicts(stage, judge=leaver, conflicts={proposals[0].pk: "Mantan atasan"})
    report = assign_judges(stage, by=organiser, seed=2)

    after = Assignment.objects.filter(stage=stage)
    assert before < set(after.values_list("pk", flat=True))
    assert report.created == 1
    counted = after.filter(proposal=proposals[0], sheet__excluded=False)
    assert counted.count() == 2
    assert leaver.pk not in set(counted.values_list("judge_id", flat=True))
    excluded = ScoreSheet.objects.get(assignment__judge=leaver, assignment__proposal=proposals[0])
    assert excluded.excluded is True
    kept = ScoreSheet.objects.get(assignment__judge=scorer, assignment__proposal=proposals[0])
    assert (kept.status, kept.total) == ("submitted", 50)
    assert [m.to for m in mailoutbox] == [[organiser.email]]
    assert mailoutbox[0].subject == f"[KIKS] Conflict of interest in {stage}: reassign entries"
    assert StageEvent.objects.filter(stage=stage, action="sheet_excluded").count() == 1


@pytest.mark.django_db
def test_judge_order_is_random_per_judge_and_stable():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    verified(edition, 12)
    judges = [make_judge(), make_judge()]
    stage = desk_stage(organiser, edition=edition, judges=judges, criteria=two_criteria(),
                       judges_per_proposal=2)  # fmt: skip
    assign_judges(stage, by=organiser, seed=5)

    def order(judge):
        return list(
            Assignment.objects.filter(stage=stage, judge=judge)
            .order_by("position", "pk")
            .values_list("proposal_id", flat=True)
        )

    assert order(judges[0]) != order(judges[1])
    assert sorted(order(judges[0])) == sorted(order(judges[1]))
    assert order(judges[0]) == order(judges[0])


@pytest.mark.django_db
def test_unassign_refuses_a_sheet_with_scores_and_removes_an_empty_one():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    proposal, other = verified(edition, 2)
    judge = make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())
    scored = assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
    empty = assign_manually(stage, judge=judge, proposal=other, by=organiser)
    open_stage(stage, by=organiser)
    sign(stage, judge)
    score(stage, judge, proposal, (1, 1))

    with pytest.raises(JudgingError) as error:
        unassign(scored, by=organiser)
    unassign(empty, by=organiser)

    assert error.value.messages == [
        f"{judge.username} has already scored {proposal.innovation}; the assignment cannot be "
        "removed."
    ]
    assert list(Assignment.objects.filter(stage=stage).values_list("pk", flat=True)) == [scored.pk]
    assert list(StageEvent.objects.filter(stage=stage, action="unassigned").values_list(
        "proposal_id", flat=True)) == [other.pk]  # fmt: skip


@pytest.mark.django_db
def test_panel_member_who_scored_cannot_leave():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    (proposal,) = verified(edition)
    judge, spare = make_judge(), make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge, spare], criteria=two_criteria())
    assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
    assign_manually(stage, judge=spare, proposal=proposal, by=organiser)
    open_stage(stage, by=organiser)
    sign(stage, judge)
    score(stage, judge, proposal, (3, 3))

    with pytest.raises(JudgingError) as error:
        set_panel(stage, judges=[spare], by=organiser)
    set_panel(stage, judges=[judge], by=organiser)

    assert error.value.messages == [
        f"{judge.username} already scored in this stage and cannot leave the panel."
    ]
    assert list(Assignment.objects.filter(stage=stage).values_list("judge_id", flat=True)) == [
        judge.pk
    ]
