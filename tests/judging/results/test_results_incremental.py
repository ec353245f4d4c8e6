"""compute_stage_results recomputing only what a sheet changes, and writing only what moved.

A submission, a reopening or an exclusion recomputes the sheets of that judge and the entries
they scored (judges=[...]), then ranks every entry again; the result must be exactly what a full
recomputation gives. On PostgreSQL the figures come from one SQL statement (judging.results.sql);
the Python rules of the other databases must agree with it row for row.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from common.bulk import update_rows
from innovations.models import Proposal
from judging.enums import RankBy, TieBreak
from judging.models import Assignment, ScoreSheet, Stage, StageResult
from judging.results import orm
from judging.results.orm import RESULT_FIELDS
from judging.services import (
    compute_stage_results,
    declare_conflicts,
    reopen_score_sheet,
    update_stage_settings,
)
from tests.factories import make_organiser, make_track
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db
D = Decimal

# Judge -> one (significance, novelty) pair per proposal P1..P8; total = 6 a + 4 b, the heaviest
# criterion's score = 10 a. Ties reaching every key of the rule (ranked by the mean):
#   P2 / P1  mean 72.50, heaviest 77.50 / 72.50                      -> heaviest
#   P3 / P4  equal on everything but the submission (P4 later)      -> submission
#   P4 / P8  mean 59.50, heaviest 60, median 59 / 58                 -> median
#   P5 / P6  another track, equal on every key                       -> unresolved
# J2 first gives P1 (9, 8), then the sheet is reopened and given (8, 9); J3's P7 is excluded for
# a conflict, J4's P7 stays a draft.
SCORES = [
    [(8, 7), (9, 8), (6, 6), (6, 6), (5, 5), (5, 5), (9, 1), (6, 8)],
    [(9, 8), (9, 5.5), (7, 5), (7, 5), (6, 4), (6, 4), (2, 3), (7, 3)],
    [(6, 6), (7, 7.5), (5, 7), (5, 7), (4, 6), (4, 6), (10, 10), (5, 7)],
    [(7, 7), (6, 5), (6, 5.5), (6, 5.5), (5, 5), (5, 5), None, (6, 5.5)],
]


def snapshot(stage):
    sheets = list(
        ScoreSheet.objects.filter(assignment__stage=stage)
        .order_by("pk")
        .values_list("pk", "status", "excluded", "total", "normalised")
    )
    results = list(
        StageResult.objects.filter(stage=stage)
        .order_by("pk")
        .values_list("pk", *RESULT_FIELDS, "track_id", "place")
    )
    computed_at = Stage.objects.get(pk=stage.pk).results_computed_at
    return sheets, results, computed_at


@pytest.fixture
def busy(db):
    """Four judges, eight entries in two tracks, sheets submitted one by one (each submission
    recomputes incrementally), one reopened and submitted again, one excluded for a conflict."""
    organiser = make_organiser()
    stage, judges, proposals = scenario(organiser, judges=4, proposals=8)
    p1, _p2, p3, p4, p5, p6, p7, _p8 = proposals
    other = make_track(stage.edition, name="Lain")
    Proposal.objects.filter(pk__in=[p5.pk, p6.pk]).update(track=other, submitted_at=p5.submitted_at)
    Proposal.objects.filter(pk=p4.pk).update(submitted_at=p3.submitted_at + timedelta(days=1))
    # Entry by entry, each judge in turn (not judge by judge).
    for index, proposal in enumerate(proposals):
        for judge, rows in zip(judges, SCORES, strict=True):
            if rows[index] is not None:
                score(stage, judge, proposal, rows[index])
    sheet = Assignment.objects.get(stage=stage, judge=judges[1], proposal=p1).sheet
    reopen_score_sheet(sheet, by=organiser, reason="Nilai tertukar")
    score(stage, judges[1], p1, (8, 9))
    declare_conflicts(stage, judge=judges[2], conflicts={p7.pk: "Mantan atasan"})
    stage.refresh_from_db()
    return stage, judges, proposals, organiser


def test_incremental_recomputation_equals_the_full_one(busy):
    stage, _judges, proposals, _organiser = busy
    sheets, results, _at = snapshot(stage)

    compute_stage_results(stage)

    assert snapshot(stage)[:2] == (sheets, results)
    rows = {row.proposal_id: row for row in StageResult.objects.filter(stage=stage)}
    p1, p2, p3, p4, p5, p6, p7, p8 = (rows[proposal.pk] for proposal in proposals)
    assert [(row.rank, row.tie_break) for row in (p2, p1, p3, p4, p8, p7)] == [
        (1, TieBreak.NONE),
        (2, TieBreak.HEAVIEST),
        (3, TieBreak.NONE),
        (4, TieBreak.SUBMISSION),
        (5, TieBreak.MEDIAN),
        (6, TieBreak.NONE),
    ]
    assert [(row.rank, row.tie_break) for row in (p5, p6)] == [
        (1, TieBreak.NONE),
        (1, TieBreak.UNRESOLVED),
    ]
    assert (p1.mean, p2.mean, p1.heaviest, p2.heaviest) == (D("72.50"), D("72.50"), D("72.50"),
                                                          D("77.50"))  # fmt: skip
    assert (p4.mean, p8.mean, p4.median, p8.median) == (D("59.50"), D("59.50"), D("59.00"),
                                                        D("58.00"))  # fmt: skip
    assert p7.judges_counted == 2  # J3 excluded, J4 in draft


def test_incremental_recomputation_after_a_change_of_settings(busy):
    stage, judges, proposals, organiser = busy
    update_stage_settings(stage, by=organiser, rank_by=RankBy.NORMALISED, spread_threshold=D(5))
    stage.refresh_from_db()
    sheet = Assignment.objects.get(stage=stage, judge=judges[0], proposal=proposals[2]).sheet
    reopen_score_sheet(sheet, by=organiser, reason="Periksa lagi")
    score(stage, judges[0], proposals[2], (10, 10))
    sheets, results, _at = snapshot(stage)

    compute_stage_results(stage)

    assert snapshot(stage)[:2] == (sheets, results)
    assert StageResult.objects.filter(stage=stage, spread_flagged=True).exists()


def test_the_python_rules_agree_with_the_database_row_for_row(busy):
    """On PostgreSQL the figures and ranks come from judging.results.sql; the Python rules used on
    other databases find nothing to change in what it wrote (on SQLite: the same code)."""
    stage, _judges, _proposals, _organiser = busy
    for rank_by in (RankBy.MEAN, RankBy.NORMALISED):
        Stage.objects.filter(pk=stage.pk).update(rank_by=rank_by)
        stage.refresh_from_db()
        compute_stage_results(stage)
        sheets, results, _at = snapshot(stage)
        heaviest = stage.criteria.order_by("-weight", "order", "pk").values_list("pk", flat=True)

        orm.write_sheet_figures(stage, None)
        changed = orm.changed_results(stage, orm.entry_figures(stage, heaviest.first(), None))

        assert changed == []
        assert snapshot(stage)[:2] == (sheets, results)


def test_a_late_submission_is_recomputed_incrementally(busy):
    stage, judges, proposals, _organiser = busy
    p7 = proposals[6]
    before = StageResult.objects.get(stage=stage, proposal=p7)

    score(stage, judges[3], p7, (3, 8))

    after = StageResult.objects.get(stage=stage, proposal=p7)
    assert (before.judges_counted, after.judges_counted) == (2, 3)  # J1, J2, J4; J3 excluded
    assert after.mean == D("44.00")  # (58 + 24 + 50) / 3
    sheets, results, _at = snapshot(stage)
    compute_stage_results(stage)
    assert snapshot(stage)[:2] == (sheets, results)


def test_entries_outside_the_scope_keep_their_stored_figures(db):
    organiser = make_organiser()
    stage, (j1, j2), (p1, p2) = scenario(organiser, judges=2, proposals=2)
    # J1 scores P1 only, J2 scores P2 only: the two entries have no judge in common.
    Assignment.objects.filter(stage=stage, judge=j1, proposal=p2).delete()
    Assignment.objects.filter(stage=stage, judge=j2, proposal=p1).delete()
    score(stage, j1, p1, (5, 5))
    score(stage, j2, p2, (6, 6))
    StageResult.objects.filter(stage=stage, proposal=p2).update(heaviest=D("1.23"))

    compute_stage_results(stage, judges=[j1.pk])

    assert StageResult.objects.get(stage=stage, proposal=p2).heaviest == D("1.23")
    compute_stage_results(stage)
    assert StageResult.objects.get(stage=stage, proposal=p2).heaviest == D("60.00")


def test_a_stage_never_computed_is_computed_whole(db):
    organiser = make_organiser()
    stage, (j1, j2), (p1, p2) = scenario(organiser, judges=2, proposals=2)
    score(stage, j1, p1, (5, 5))
    score(stage, j2, p2, (6, 6))
    StageResult.objects.filter(stage=stage).update(
        judges_counted=0, mean=None, median=None, spread=None, normalised=None, heaviest=None,
        rank=None, tie_break="",
    )  # fmt: skip
    Stage.objects.filter(pk=stage.pk).update(results_computed_at=None)

    compute_stage_results(stage, judges=[j1.pk])

    assert list(
        StageResult.objects.filter(stage=stage).order_by("proposal_id").values_list("mean", "rank")
    ) == [(D("50.00"), 2), (D("60.00"), 1)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row versions: PostgreSQL")
def test_a_recomputation_without_changes_rewrites_no_row(busy):
    stage, _judges, _proposals, _organiser = busy

    def versions():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM judging_scoresheet ORDER BY id")
            sheets = cursor.fetchall()
            cursor.execute("SELECT ctid::text FROM judging_stageresult ORDER BY id")
            return sheets, cursor.fetchall()

    before = versions()
    compute_stage_results(stage)

    assert versions() == before


def test_update_rows_writes_the_given_columns_and_skips_what_is_already_right(busy):
    stage, _judges, proposals, _organiser = busy
    rows = list(
        StageResult.objects.filter(stage=stage)
        .order_by("pk")
        .values_list("pk", "decree_ref", "spread_flagged")
    )
    first, second = rows[0], rows[1]

    def version(pk):
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM judging_stageresult WHERE id = %s", [pk])
            return cursor.fetchone()[0]

    untouched = version(second[0])
    sent = update_rows(
        StageResult,
        ["decree_ref", "spread_flagged"],
        [(first[0], "SK 1/2026", not first[2]), second],
    )

    assert sent == 2
    assert StageResult.objects.get(pk=first[0]).decree_ref == "SK 1/2026"
    assert StageResult.objects.get(pk=first[0]).spread_flagged is (not first[2])
    assert StageResult.objects.filter(pk=second[0]).values_list(
        "decree_ref", "spread_flagged"
    ).get() == (second[1], second[2])
    assert version(second[0]) == untouched  # the row already right was not rewritten
    assert update_rows(StageResult, ["decree_ref"], []) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="settings: PostgreSQL")
def test_the_statement_settings_do_not_outlive_it(busy):
    stage, _judges, _proposals, _organiser = busy

    def settings():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('work_mem'), current_setting('extra_float_digits'),"
                " current_setting('jit')"
            )
            return cursor.fetchone()

    before = settings()
    compute_stage_results(stage)

    assert settings() == before
