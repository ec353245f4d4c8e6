"""One tie-break rule (judging.results.tiebreak) for every ranking: its Python form, its SQL form
and the stage's two computing paths agree, on random data full of ties."""

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from judging.enums import RankBy, TieBreak
from judging.models import StageResult
from judging.results import compute_stage_results, orm
from judging.results.tiebreak import rank_entries, sql_order, sql_tie_break
from tests.factories import make_organiser
from tests.judging.helpers import scenario, score

D = Decimal
BASE = datetime.datetime(2021, 3, 1, 8, 0, tzinfo=datetime.UTC)

# Few distinct values, so that entries tie on one key, on several, or on all of them.
entries_strategy = st.lists(
    st.tuples(
        st.sampled_from([1, 2]),  # track
        st.sampled_from([D("70.00"), D("72.50"), D("80.00")]),  # score
        st.sampled_from([None, D("60.00"), D("75.00")]),  # heaviest
        st.sampled_from([D("70.00"), D("71.00")]),  # median
        st.sampled_from([None, 0, 1]),  # submitted: day offset, or never
    ),
    min_size=1,
    max_size=14,
)


def as_entries(rows):
    return [
        SimpleNamespace(
            proposal_id=number,
            track_id=track,
            score=value,
            heaviest=heaviest,
            median=median,
            submitted_at=None if day is None else BASE + datetime.timedelta(days=day),
        )
        for number, (track, value, heaviest, median, day) in enumerate(rows, start=1)
    ]


def ranked_in_sql(entries) -> dict[int, tuple[int, str]]:
    """The same entries ranked by the rule's SQL form (what the stage statement runs)."""
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(entries))
    params = []
    for e in entries:
        submitted = None if e.submitted_at is None else e.submitted_at.isoformat()
        params += [e.proposal_id, e.track_id, e.score, e.heaviest, e.median, submitted]
    numeric = "numeric" if connection.vendor == "postgresql" else "real"
    moment = "timestamptz" if connection.vendor == "postgresql" else "text"
    sql = f"""
        WITH raw(proposal_id, track_id, score, heaviest, median, submitted_at) AS (
            VALUES {values}
        ), e AS (
            SELECT proposal_id, track_id, CAST(score AS {numeric}) AS score,
                   CAST(heaviest AS {numeric}) AS heaviest, CAST(median AS {numeric}) AS median,
                   CAST(submitted_at AS {moment}) AS submitted_at
            FROM raw
        )
        SELECT e.proposal_id, RANK() OVER tied,
               CASE WHEN ROW_NUMBER() OVER listed = 1 THEN '' {sql_tie_break("score", window="listed")} END
        FROM e
        WINDOW track AS (PARTITION BY e.track_id),
               tied AS (track ORDER BY {sql_order("score")}),
               listed AS (track ORDER BY {sql_order("score")}, e.proposal_id)
    """  # noqa: E501
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: (rank, tie) for pk, rank, tie in cursor.fetchall()}


class TestRuleInPythonAndSql(TestCase):
    @settings(max_examples=150, deadline=None)
    @given(entries_strategy)
    def test_python_and_sql_forms_rank_alike(self, rows):
        entries = as_entries(rows)

        rank_entries(entries, score="score")

        python = {e.proposal_id: (e.rank, str(e.tie_break)) for e in entries}
        assert python == ranked_in_sql(entries)


def test_rank_entries_applies_every_key_in_order():
    a, b, c, d, e = as_entries(
        [
            (1, D(80), D(60), D(70), 0),
            (1, D(80), D(75), D(70), 0),  # same score, higher heaviest: first
            (1, D(80), D(60), D(71), 0),  # same score and heaviest, higher median: above a
            (1, D(80), D(60), D(70), 1),  # like a, later: below a
            (1, D(80), D(60), D(70), 1),  # like d in every key: shares its rank
        ]
    )

    rank_entries([a, b, c, d, e], score="score")

    assert [(x.proposal_id, x.rank, x.tie_break) for x in sorted([a, b, c, d, e], key=rank_of)] == [
        (2, 1, TieBreak.NONE),
        (3, 2, TieBreak.HEAVIEST),
        (1, 3, TieBreak.MEDIAN),
        (4, 4, TieBreak.SUBMISSION),
        (5, 4, TieBreak.UNRESOLVED),
    ]


def rank_of(entry):
    return (entry.rank, entry.proposal_id)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("rank_by", [RankBy.MEAN, RankBy.NORMALISED])
def test_a_stage_ranks_the_same_by_either_path(seed, rank_by):
    """Random sheets with many equal totals: what compute_stage_results stored (the SQL statement
    on PostgreSQL, the ORM path elsewhere) is exactly what the ORM path computes afresh."""
    rng = random.Random(seed)
    stage, judges, proposals = scenario(make_organiser(), judges=3, proposals=9, rank_by=rank_by)
    for proposal in proposals:
        for judge in judges:
            score(stage, judge, proposal, (rng.choice([5, 6, 7]), rng.choice([5, 6])))
    compute_stage_results(stage)
    stored = list(StageResult.objects.filter(stage=stage).values_list("rank", "tie_break"))
    heaviest = stage.criteria.order_by("-weight", "order", "pk").values_list("pk", flat=True)

    changed = orm.changed_results(stage, orm.entry_figures(stage, heaviest.first(), None))

    assert changed == []
    if rank_by == RankBy.MEAN:
        assert {tie for _rank, tie in stored} - {""}  # the data does tie
