"""The ranking, hand-computed.

Two criteria: Signifikansi weight 60 (the heaviest) and Kebaruan weight 40, both scored 0-10, so a
judge's total is 6 a + 4 b. Three judges score five proposals; J3 submits P5, then declares a
conflict with it: that sheet is excluded. The track's shortlist is the Top 2.

    judge  P1 (a,b)=total   P2              P3             P4             P5
    J1     (8,7)=76         (7,8)=74        (6,9)=72       (5,5)=50       (9,9)=90
    J2     (9,8)=86         (8,9)=84        (9,6)=78       (4,6)=48       (3,2)=26
    J3     (6,6)=60         (7,5.5)=64      (8,7)=76       (6,4)=52       (10,10)=100 excluded

Per entry (population standard deviation; median of the counted totals):
    P1 mean 222/3 = 74.00, median 76, sd sqrt(((2)²+(12)²+(-14)²)/3) = sqrt(114.67) = 10.71
    P2 mean 222/3 = 74.00, median 74, sd sqrt((0+100+100)/3) = 8.16
    P3 mean 226/3 = 75.33, median 76, sd sqrt((3.33²+2.67²+0.67²)/3) = 2.49
    P4 mean 150/3 = 50.00, median 50, sd sqrt(8/3) = 1.63
    P5 mean 116/2 = 58.00, median 58, sd 32.00 (above the threshold 15: flagged)
Heaviest criterion (mean of a, as 0-100): P1 (8+9+6)/3 = 76.67, P2 (7+8+7)/3 = 73.33.
P1 and P2 tie at 74.00 exactly at the cut (2nd and 3rd): P1 stays above on the heaviest criterion.

Normalised: per judge, z over the judge's counted totals, 50 + 10 z.
    J1 totals 76 74 72 50 90: mean 72.4, sd sqrt(27036/5 - 72.4²) = sqrt(165.44) = 12.8623
       -> P1 52.7989, P2 51.2439, P3 49.6890, P4 32.5848, P5 63.6833
    J2 totals 86 84 78 48 26: mean 64.4, sd sqrt(555.84) = 23.5763
       -> P1 59.1618, P2 58.3134, P3 55.7685, P4 43.0438, P5 33.7124
    J3 totals 60 64 76 52 (P5 excluded): mean 63, sd sqrt(75) = 8.6603
       -> P1 46.5359, P2 51.1547, P3 65.0111, P4 37.2983
    Entry: P1 (52.7989+59.1618+46.5359)/3 = 52.83, P2 53.57, P3 56.82, P4 37.64, P5 48.70.

Judges (leniency = mean of own total - entry mean):
    J1 5 entries, mean 72.40, sd 12.86, (2 + 0 - 3.33 + 0 + 32)/5 = +6.13: lenient
    J2 5 entries, mean 64.40, sd 23.58, (12 + 10 + 2.67 - 2 - 32)/5 = -1.87: in line
    J3 4 entries, mean 63.00, sd 8.66, (-14 - 10 + 0.67 + 2)/4 = -5.33: severe
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innovations.models import Proposal
from innovations.services import sync_entry_titles
from judging.enums import RankBy, TieBreak
from judging.models import ScoreSheet, StageResult
from judging.selectors import judge_statistics, ranking_rows, tracks_of_ranking
from judging.services import (
    compute_stage_results,
    declare_conflicts,
    reopen_score_sheet,
    update_stage_settings,
)
from tests.factories import make_organiser
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db
D = Decimal

SCORES = {
    0: [(8, 7), (7, 8), (6, 9), (5, 5), (9, 9)],
    1: [(9, 8), (8, 9), (9, 6), (4, 6), (3, 2)],
    2: [(6, 6), (7, 5.5), (8, 7), (6, 4), (10, 10)],
}


@pytest.fixture
def hand(db):
    organiser = make_organiser()
    stage, judges, proposals = scenario(
        organiser, judges=3, proposals=5, shortlist_size=2, spread_threshold=D(15)
    )
    for index, judge in enumerate(judges):
        for proposal, values in zip(proposals, SCORES[index], strict=True):
            score(stage, judge, proposal, values)
    # J3 finds out it is in conflict with P5 after submitting it.
    declare_conflicts(stage, judge=judges[2], conflicts={proposals[4].pk: "Kakak saya di tim"})
    return stage, judges, proposals, organiser


def figures(stage, proposal):
    r = StageResult.objects.get(stage=stage, proposal=proposal)
    return (r.judges_counted, r.mean, r.median, r.spread, r.normalised, r.heaviest, r.rank,
            r.tie_break, r.spread_flagged)  # fmt: skip


def test_hand_computed_scenario_every_figure(hand):
    stage, judges, (p1, p2, p3, p4, p5), _organiser = hand

    assert figures(stage, p1) == (3, D("74.00"), D("76.00"), D("10.71"), D("52.83"), D("76.67"),
                                  2, TieBreak.NONE, False)  # fmt: skip
    assert figures(stage, p2) == (3, D("74.00"), D("74.00"), D("8.16"), D("53.57"), D("73.33"),
                                  3, TieBreak.HEAVIEST, False)  # fmt: skip
    assert figures(stage, p3) == (3, D("75.33"), D("76.00"), D("2.49"), D("56.82"), D("76.67"),
                                  1, TieBreak.NONE, False)  # fmt: skip
    assert figures(stage, p4) == (3, D("50.00"), D("50.00"), D("1.63"), D("37.64"), D("50.00"),
                                  5, TieBreak.NONE, False)  # fmt: skip
    assert figures(stage, p5) == (2, D("58.00"), D("58.00"), D("32.00"), D("48.70"), D("60.00"),
                                  4, TieBreak.NONE, True)  # fmt: skip


def test_hand_computed_sheet_totals_and_normalised(hand):
    stage, judges, proposals, _organiser = hand
    sheets = {
        (sheet.assignment.judge_id, sheet.assignment.proposal_id): sheet
        for sheet in ScoreSheet.objects.filter(assignment__stage=stage).select_related("assignment")
    }
    j1, j2, j3 = judges
    p1, p2, p3, p4, p5 = proposals
    assert [sheets[j1.pk, p.pk].total for p in proposals] == [D(76), D(74), D(72), D(50), D(90)]
    assert [sheets[j3.pk, p.pk].total for p in proposals] == [D(60), D(64), D(76), D(52), D(100)]
    assert [sheets[j1.pk, p.pk].normalised for p in proposals] == [
        D("52.7989"), D("51.2439"), D("49.6890"), D("32.5848"), D("63.6833")
    ]  # fmt: skip
    assert [sheets[j2.pk, p.pk].normalised for p in proposals] == [
        D("59.1618"), D("58.3134"), D("55.7685"), D("43.0438"), D("33.7124")
    ]  # fmt: skip
    assert [sheets[j3.pk, p.pk].normalised for p in (p1, p2, p3, p4)] == [
        D("46.5359"), D("51.1547"), D("65.0111"), D("37.2983")
    ]  # fmt: skip
    excluded = sheets[j3.pk, p5.pk]
    assert (excluded.excluded, excluded.normalised) == (True, None)


def test_hand_computed_order_and_tie_at_the_cut(hand):
    stage, _judges, (p1, p2, p3, p4, p5), _organiser = hand

    rows = ranking_rows(stage)
    assert [row.proposal_id for row in rows] == [p3.pk, p1.pk, p2.pk, p5.pk, p4.pk]
    (group,) = tracks_of_ranking(rows, rank_by=stage.rank_by)
    tie = group["tie_at_cut"]
    assert (tie["inside"].proposal_id, tie["outside"].proposal_id) == (p1.pk, p2.pk)
    assert (tie["resolved_by"], tie["unresolved"]) == (TieBreak.HEAVIEST, False)
    assert [row.above_cut for row in group["rows"]] == [True, True, False, False, False]
    assert [[s.total for s in row.sheets] for row in rows][3] == [D(90), D(26), D(100)]


def test_hand_computed_judge_statistics(hand):
    stage, judges, _proposals, _organiser = hand

    stats = {row.judge.pk: row for row in judge_statistics(stage)}
    assert [
        (stats[j.pk].scored, stats[j.pk].mean, stats[j.pk].spread, stats[j.pk].leniency,
         stats[j.pk].verdict)
        for j in judges
    ] == [
        (5, D("72.40"), D("12.86"), D("6.13"), "lenient"),
        (5, D("64.40"), D("23.58"), D("-1.87"), "in_line"),
        (4, D("63.00"), D("8.66"), D("-5.33"), "severe"),
    ]  # fmt: skip


def test_ranking_order_is_materialised_and_pages_are_ranges_of_it(hand):
    stage, _judges, (p1, p2, p3, p4, p5), organiser = hand
    track = p1.track

    places = dict(StageResult.objects.filter(stage=stage).values_list("proposal_id", "place"))
    assert [places[p.pk] for p in (p3, p1, p2, p5, p4)] == [1, 2, 3, 4, 5]
    assert set(StageResult.objects.filter(stage=stage).values_list("track_id", flat=True)) == {
        track.pk
    }
    second = ranking_rows(stage, track_id=track.pk, offset=2, limit=2)
    assert [(row.proposal_id, row.track_size) for row in second] == [(p2.pk, 5), (p5.pk, 5)]

    # A new order (ranking by the normalised score) is written with the ranks.
    update_stage_settings(stage, by=organiser, rank_by=RankBy.NORMALISED)
    assert [row.proposal_id for row in ranking_rows(stage, offset=0, limit=3)] == [
        p3.pk,
        p2.pk,
        p1.pk,
    ]


def test_judge_statistics_limited_to_the_judges_furthest_from_the_panel(hand):
    stage, (j1, j2, j3), _proposals, _organiser = hand

    shown = judge_statistics(stage, limit=2)

    # Leniency +6.13, -1.87, -5.33: the two furthest are j1 and j3, the furthest first.
    assert [row.judge.pk for row in shown] == [j1.pk, j3.pk]
    assert (shown.panel_size, judge_statistics(stage).panel_size) == (3, 3)


def test_rank_by_normalised_reorders(hand):
    stage, _judges, (p1, p2, p3, p4, p5), organiser = hand

    update_stage_settings(stage, by=organiser, rank_by=RankBy.NORMALISED)

    ranked = list(
        StageResult.objects.filter(stage=stage).order_by("rank").values_list("proposal_id", "rank")
    )
    assert ranked == [(p3.pk, 1), (p2.pk, 2), (p1.pk, 3), (p5.pk, 4), (p4.pk, 5)]


def test_recompute_is_stable(hand):
    stage, _judges, proposals, _organiser = hand
    before = [figures(stage, p) for p in proposals]

    compute_stage_results(stage)

    assert [figures(stage, p) for p in proposals] == before


def test_unscored_entry_is_not_yet_scored_never_zero(db):
    organiser = make_organiser()
    stage, (j1, j2), (p1, p2) = scenario(organiser)
    score(stage, j1, p1, (5, 5))

    assert figures(stage, p1) == (1, D("50.00"), D("50.00"), D("0.00"), D("50.00"), D("50.00"), 1,
                                  TieBreak.NONE, False)  # fmt: skip
    assert figures(stage, p2) == (0, None, None, None, None, None, None, TieBreak.NONE, False)
    rows = ranking_rows(stage)
    assert [(row.proposal_id, row.is_scored) for row in rows] == [(p1.pk, True), (p2.pk, False)]


def test_draft_sheets_do_not_count(db):
    from judging.services import save_score_sheet

    organiser = make_organiser()
    stage, (j1, j2), (p1, _p2) = scenario(organiser)
    score(stage, j1, p1, (10, 10))
    sheet = ScoreSheet.objects.get(assignment__judge=j2, assignment__proposal=p1)
    criteria = list(stage.criteria.order_by("order"))
    save_score_sheet(sheet, by=j2, scores={c.pk: (D(0), "") for c in criteria})
    compute_stage_results(stage)

    assert figures(stage, p1)[:3] == (1, D("100.00"), D("100.00"))


def test_reopened_sheet_leaves_the_results_until_submitted_again(db):
    organiser = make_organiser()
    stage, (j1, j2), (p1, _p2) = scenario(organiser)
    score(stage, j1, p1, (10, 10))
    score(stage, j2, p1, (0, 0))
    sheet = ScoreSheet.objects.get(assignment__judge=j2, assignment__proposal=p1)

    reopen_score_sheet(sheet, by=organiser, reason="Salah ketik")

    assert figures(stage, p1)[:3] == (1, D("100.00"), D("100.00"))
    score(stage, j2, p1, (5, 5))
    assert figures(stage, p1)[:4] == (2, D("75.00"), D("75.00"), D("25.00"))


def test_tie_break_keys_median_then_submission_then_unresolved(db):
    """Three judges; all four entries have mean 60.00 and 60.00 on the heaviest criterion.
    A: totals 70 70 40 (median 70); B, C, D: 60 60 60. B was submitted before C; C and D at the
    same moment: C over B by nothing but submission, D equal to C on every key."""
    organiser = make_organiser()
    stage, judges, (a, b, c, d) = scenario(organiser, judges=3, proposals=4, shortlist_size=3)
    now = timezone.now()
    Proposal.objects.filter(pk=b.pk).update(submitted_at=now - timezone.timedelta(days=2))
    Proposal.objects.filter(pk__in=[c.pk, d.pk]).update(submitted_at=now)
    for judge, values in zip(judges, [(7, 7), (7, 7), (4, 4)], strict=True):
        score(stage, judge, a, values)
        for proposal in (b, c, d):
            score(stage, judge, proposal, (6, 6))

    assert [figures(stage, p)[1:3] for p in (a, b, c, d)] == [(D(60), D(70))] + [(D(60), D(60))] * 3
    ranked = [(r.proposal_id, r.rank, r.tie_break) for r in ranking_rows(stage)]
    assert ranked == [
        (a.pk, 1, TieBreak.NONE),
        (b.pk, 2, TieBreak.MEDIAN),
        (c.pk, 3, TieBreak.SUBMISSION),
        (d.pk, 3, TieBreak.UNRESOLVED),
    ]
    (group,) = tracks_of_ranking(ranking_rows(stage), rank_by=stage.rank_by)
    assert (group["tie_at_cut"]["unresolved"], group["tie_at_cut"]["outside"].proposal_id) == (
        True,
        d.pk,
    )


def test_ranking_page_rows_show_every_figure_escaped_and_localised(hand, client):
    stage, (j1, j2, j3), (p1, p2, p3, p4, p5), organiser = hand
    p5.innovation.acronym = "<b>P5</b>"
    p5.innovation.save()
    sync_entry_titles(p5.innovation)  # the entries of an unpublished edition follow it
    client.force_login(organiser)
    client.cookies["kiks_language"] = "id"

    page = client.get(reverse("judging:ranking", args=[stage.pk])).content.decode()

    entry = reverse("judging:entry_detail", args=[stage.pk, p5.pk])
    row = page[page.index(f'<a href="{entry}">') :]
    row = row[: row.index("</tr>")]
    assert "&lt;b&gt;P5&lt;/b&gt;" in row and "<b>P5</b>" not in row
    # Rank 4; totals in Indonesian decimals; J3's sheet struck out as excluded; mean, median,
    # spread flagged for discussion (32,00 > 15), normalised, heaviest criterion.
    assert f"{j3.username}: 100,00 (dikecualikan)" in row
    assert f'<span class="me-2 text-nowrap d-inline-block">{j1.username}: 90,00</span>' in row
    assert ">58,00</td>" in row and ">48,70</td>" in row and ">60,00</td>" in row
    assert '32,00 <span class="badge text-bg-danger">perlu dibahas</span>' in row
    assert (
        page[: page.index(f'<a href="{entry}">')]
        .rstrip()
        .endswith('<td class="text-end fw-semibold">4</td><td>')
    )


def test_ranking_tables_are_rendered_once_per_computation(hand, client):
    stage, _judges, (p1, p2, p3, p4, p5), organiser = hand
    client.force_login(organiser)
    url = reverse("judging:ranking", args=[stage.pk])

    def order(page):
        html = page.content.decode()
        acronyms = [p.innovation_acronym for p in (p1, p2, p3, p4, p5)]
        return sorted(acronyms, key=lambda a: html.find(f">{a}</a>"))

    first = client.get(url)
    assert order(first) == [p.innovation_acronym for p in (p3, p1, p2, p5, p4)]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.context["groups_html"] == first.context["groups_html"]
    # Read back: neither the rows nor the judges' totals were queried again.
    assert not [q for q in queries.captured_queries if '"place"' in q["sql"]]
    assert not [q for q in queries.captured_queries if "judging_scoresheet" in q["sql"]
                and '"total"' in q["sql"] and "username" in q["sql"]]  # fmt: skip

    # A new computation (ranking by the normalised score) shows at once.
    update_stage_settings(stage, by=organiser, rank_by=RankBy.NORMALISED)
    assert order(client.get(url)) == [p.innovation_acronym for p in (p3, p2, p1, p5, p4)]

    # So does a renamed innovation (no new computation).
    p4.innovation.acronym = "BARU"
    p4.innovation.save()
    sync_entry_titles(p4.innovation)
    assert ">BARU</a>" in client.get(url).content.decode()
