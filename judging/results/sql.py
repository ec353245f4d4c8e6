"""judging.results.compute_stage_results in one set-based PostgreSQL statement.

The ORM form (one correlated subquery per sheet, one UPDATE per judge, the entries' figures
rounded and ranked in Python) takes minutes on a stage of 40,000 entries; RESULTS computes
exactly the same figures, with the same casts and rounding, in one pass over the scores:

    points    each sheet's total (and its points on the heaviest criterion) from its scores
    sheets    the stage's sheets with their new total; `counts`: submitted, not excluded, scored
    judged    each judge's mean and mean of squares over the sheets that count (window)
    computed  each sheet's normalised total, 50 + 10 z clamped to 0..100 (50 when the judge's
              totals are all equal)
    written   UPDATE of the sheets whose total or normalised total changed
    counted   the sheets that count, per entry
    figures   per entry: count, mean, mean of squares, median, mean normalised, mean heaviest
    rounded   half up to two decimals, as Decimal(str(float)).quantize() does in Python:
              float -> shortest text -> numeric -> ROUND (half away from zero)
    ranked    rank and tie-break per track, by window functions over the rule of
              judging.results.tiebreak
    UPDATE    of the entries whose figures, rank or tie-break changed

Rows already right are never rewritten (IS DISTINCT FROM), so a recomputation after one change
writes only what moved. With `judge_ids`, the statement covers only those judges' sheets and the
entries they scored (a sheet submitted, reopened or excluded); the other entries keep their
stored figures and every entry is ranked again.

Floating-point means depend on the order of the summed values: an entry's mean of five totals
of four decimals can fall exactly on a half cent, and the order of the sum then decides how it
rounds. Each mean is taken in a fixed order (a judge's sheets by id, an entry's by total then
id), so the same data always gives the same figures, run after run. Python's rules
(judging.results.orm, used on other databases) agree with this statement row for row
(tests/judging/test_results_incremental.py).

Only rows whose values change are written; the scores are read once; nothing goes through
Python. About 4 s for 40,000 entries and 1.6 million scores (the old statements: about 9 s).
"""

from django.db import connection

from judging.results.tiebreak import sql_order, sql_tie_break

# Set for the statement only (then back to the transaction's values):
SETTINGS = {
    # sorts and hashes of 200,000 sheets stay in memory (the default 4 MB spills them to disk);
    "work_mem": "64MB",
    # floats read as text are the shortest exact form (the default since PostgreSQL 12), as
    # Python's str(float): the rounding in RESULTS depends on it;
    "extra_float_digits": "1",
    # JIT compiling this statement saves nothing measurable at 40,000 entries, and larger stages
    # would cross the threshold of its optimisation pass (seconds of compiling).
    "jit": "off",
}

SCOPE_SHEETS = """
    SELECT s.id FROM judging_scoresheet s JOIN judging_assignment a ON a.id = s.assignment_id
    WHERE a.stage_id = %(stage)s AND a.judge_id = ANY(%(judges)s::integer[])
"""

SCOPE_ENTRIES = """
    SELECT a2.proposal_id FROM judging_assignment a2
    WHERE a2.stage_id = %(stage)s AND a2.judge_id = ANY(%(judges)s::integer[])
"""

# The sheets that count of the scoped entries, by the judges outside the scope (unchanged).
OTHER_SHEETS = """
    UNION ALL
    SELECT a.proposal_id, s.id, s.total, s.normalised,
           ((h.value - h.scale_min))::double precision * 100.0::double precision
           / ((h.scale_max - h.scale_min))::double precision
    FROM judging_scoresheet s
    JOIN judging_assignment a ON a.id = s.assignment_id
    LEFT JOIN judging_score h ON h.sheet_id = s.id AND h.criterion_id = %(heaviest)s
    WHERE a.stage_id = %(stage)s AND NOT (a.judge_id = ANY(%(judges)s::integer[]))
      AND a.proposal_id IN ({scope_entries})
      AND s.status = %(submitted)s AND NOT s.excluded AND s.total IS NOT NULL
"""

RESULTS = """
WITH points AS (
    SELECT sc.sheet_id, ROUND((SUM(
        ((sc.value - sc.scale_min))::double precision * c.weight
        / ((sc.scale_max - sc.scale_min))::double precision
    ))::numeric(1000, 15), 4) AS total,
    MAX(
        ((sc.value - sc.scale_min))::double precision * 100.0::double precision
        / ((sc.scale_max - sc.scale_min))::double precision
    ) FILTER (WHERE sc.criterion_id = %(heaviest)s) AS heaviest
    FROM judging_score sc
    JOIN (
        SELECT id, (weight)::double precision AS weight
        FROM judging_criterion WHERE stage_id = %(stage)s
    ) AS c ON c.id = sc.criterion_id
    {score_scope}
    GROUP BY sc.sheet_id
), sheets AS (
    SELECT s.id, a.judge_id, a.proposal_id, s.total AS stored_total,
           s.normalised AS stored_normalised, p.heaviest,
           CASE WHEN s.status = %(submitted)s THEN p.total END AS total,
           s.status = %(submitted)s AND NOT s.excluded AND p.total IS NOT NULL AS counts
    FROM judging_scoresheet s
    JOIN judging_assignment a ON a.id = s.assignment_id
    LEFT JOIN points p ON p.sheet_id = s.id
    WHERE a.stage_id = %(stage)s {judge_scope}
), judged AS (
    -- Each judge's mean and mean of squares over the sheets that count, taken by sheet id.
    SELECT sh.*,
           AVG((sh.total)::double precision) FILTER (WHERE sh.counts) OVER judge AS mean,
           AVG(((sh.total * sh.total))::double precision) FILTER (WHERE sh.counts)
               OVER judge AS square
    FROM sheets sh
    WINDOW judge AS (
        PARTITION BY sh.judge_id ORDER BY sh.id
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
), computed AS MATERIALIZED (
    SELECT j.id, j.proposal_id, j.counts, j.total, j.heaviest,
        j.stored_total, j.stored_normalised,
        CASE WHEN NOT j.counts THEN NULL
        WHEN j.deviation < 1e-9 THEN 50::numeric
        ELSE ROUND((GREATEST(0.0, LEAST(100.0,
            (50.0 + (10.0 * (((j.total)::double precision - j.mean) / j.deviation))))
        ))::numeric(1000, 15), 4) END AS normalised
    FROM (
        SELECT judged.*, SQRT(GREATEST(square - mean * mean, 0.0)) AS deviation FROM judged
    ) AS j
), written AS (
    UPDATE judging_scoresheet AS s SET total = computed.total, normalised = computed.normalised
    FROM computed
    WHERE s.id = computed.id
      AND (computed.stored_total IS DISTINCT FROM computed.total
           OR computed.stored_normalised IS DISTINCT FROM computed.normalised)
), counted AS (
    SELECT proposal_id, id, total, normalised, heaviest FROM computed WHERE counts
    {other_sheets}
), figures AS (
    -- The window sorts each entry's sheets by total then id, and the aggregates above it take
    -- its rows in that order (a sorted input, as for a subquery with ORDER BY): fixed sums.
    SELECT proposal_id, COUNT(*) AS count,
           AVG((total)::double precision) AS mean,
           AVG(((total * total))::double precision) AS square,
           AVG((normalised)::double precision) AS normalised,
           AVG(heaviest) AS heaviest,
           AVG((total)::double precision)
               FILTER (WHERE position IN ((size + 1) / 2, (size + 2) / 2)) AS median
    FROM (
        SELECT proposal_id, total, normalised, heaviest,
               ROW_NUMBER() OVER sheet_order AS position,
               COUNT(*) OVER (
                   sheet_order ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
               ) AS size
        FROM counted
        WINDOW sheet_order AS (PARTITION BY proposal_id ORDER BY total, id)
    ) AS ordered
    GROUP BY proposal_id
), rounded AS (
    SELECT r.id, r.proposal_id, p.track_id, p.submitted_at, f.count,
        ROUND((f.mean)::text::numeric, 2) AS mean,
        ROUND((f.median)::text::numeric, 2) AS median,
        CASE WHEN f.count > 0 THEN ROUND(
            (SQRT(GREATEST(f.square - POWER(f.mean, 2), 0.0)))::text::numeric, 2
        ) END AS spread,
        ROUND((f.normalised)::text::numeric, 2) AS normalised,
        ROUND((f.heaviest)::text::numeric, 2) AS heaviest,
        {affected} AS affected,
        r.judges_counted AS stored_count, r.mean AS stored_mean, r.median AS stored_median,
        r.spread AS stored_spread, r.normalised AS stored_normalised,
        r.heaviest AS stored_heaviest, r.spread_flagged AS stored_flagged
    FROM judging_stageresult r
    JOIN innovations_proposal p ON p.id = r.proposal_id
    LEFT JOIN figures f ON f.proposal_id = r.proposal_id
    WHERE r.stage_id = %(stage)s
), entries AS (
    SELECT id, proposal_id, track_id, submitted_at,
        CASE WHEN affected THEN COALESCE(count, 0) ELSE stored_count END AS judges_counted,
        CASE WHEN affected THEN mean ELSE stored_mean END AS mean,
        CASE WHEN affected THEN median ELSE stored_median END AS median,
        CASE WHEN affected THEN spread ELSE stored_spread END AS spread,
        CASE WHEN affected THEN normalised ELSE stored_normalised END AS normalised,
        CASE WHEN affected THEN heaviest ELSE stored_heaviest END AS heaviest,
        CASE WHEN affected THEN COALESCE(spread > %(threshold)s, FALSE)
             ELSE stored_flagged END AS spread_flagged
    FROM rounded
), ranked AS (
    SELECT e.*,
        CASE WHEN e.judges_counted > 0 THEN RANK() OVER tied END AS rank,
        -- The tie-break rule of judging.results.tiebreak, written as SQL.
        CASE WHEN e.judges_counted = 0 OR ROW_NUMBER() OVER listed = 1 THEN ''
             {tie_break} END AS tie_break
    FROM entries e
    WINDOW track AS (PARTITION BY e.judges_counted > 0, e.track_id),
           tied AS (track ORDER BY {order}),
           listed AS (track ORDER BY {order}, e.proposal_id)
)
UPDATE judging_stageresult AS r
SET judges_counted = x.judges_counted, mean = x.mean, median = x.median, spread = x.spread,
    normalised = x.normalised, heaviest = x.heaviest, spread_flagged = x.spread_flagged,
    rank = x.rank, tie_break = x.tie_break
FROM ranked x
WHERE r.id = x.id
  AND (r.judges_counted, r.mean, r.median, r.spread, r.normalised, r.heaviest, r.spread_flagged,
       r.rank, r.tie_break)
      IS DISTINCT FROM
      (x.judges_counted, x.mean, x.median, x.spread, x.normalised, x.heaviest, x.spread_flagged,
       x.rank, x.tie_break)
"""


def results_sql(*, scoped: bool, score: str) -> str:
    """The statement for the whole stage, or (scoped) for the sheets of some judges."""
    if score not in ("mean", "normalised"):
        raise ValueError(score)
    return RESULTS.format(
        score_scope=f"WHERE sc.sheet_id IN ({SCOPE_SHEETS})" if scoped else "",
        judge_scope="AND a.judge_id = ANY(%(judges)s::integer[])" if scoped else "",
        other_sheets=OTHER_SHEETS.format(scope_entries=SCOPE_ENTRIES) if scoped else "",
        affected=f"r.proposal_id IN ({SCOPE_ENTRIES})" if scoped else "TRUE",
        order=sql_order(score),
        tie_break=sql_tie_break(score, window="listed"),
    )


def compute_results(stage_id: int, *, heaviest_id, threshold, score: str, judge_ids=None) -> int:
    """Steps 1-4 of compute_stage_results for the whole stage, or only for the sheets of
    `judge_ids` and the entries they scored. Returns the number of entries written."""
    sql = results_sql(scoped=judge_ids is not None, score=score)
    params = {
        "stage": stage_id,
        "submitted": "submitted",
        "judges": list(judge_ids or []),
        "heaviest": heaviest_id,
        "threshold": threshold,
    }
    with connection.cursor() as cursor:
        # SET LOCAL for this statement only: the transaction's own values are put back after it
        # (on an error the transaction or its savepoint is rolled back, and they with it).
        cursor.execute(
            "SELECT name, current_setting(name) FROM unnest(%s::text[]) AS s(name)",
            [list(SETTINGS)],
        )
        previous = dict(cursor.fetchall())
        _set_local(cursor, SETTINGS)
        cursor.execute(sql, params)
        written = cursor.rowcount
        _set_local(cursor, previous)
        return written


def _set_local(cursor, settings: dict) -> None:
    cursor.execute(
        "SELECT set_config(name, value, true)"
        " FROM unnest(%s::text[], %s::text[]) AS s(name, value)",
        [list(settings), list(settings.values())],
    )
