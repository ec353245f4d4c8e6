"""The heaviest steps of judging.services.compute_stage_results as set-based PostgreSQL.

The ORM form (one correlated subquery per sheet, one UPDATE per judge) takes minutes on a stage
of 40,000 entries; these statements compute exactly the same figures, with the same casts and
rounding, in one pass each, and leave unchanged rows alone (IS DISTINCT FROM), so a
recomputation after one sheet changes rewrites only what moved.
"""

from django.db import connection

ANALYZE_AFTER = 5000

TOTALS = """
UPDATE judging_scoresheet AS s SET total = t.total
FROM (
    SELECT s2.id, points.total
    FROM judging_scoresheet s2
    JOIN judging_assignment a ON a.id = s2.assignment_id
    LEFT JOIN (
        SELECT sc.sheet_id, ROUND((SUM(
            ((sc.value - sc.scale_min))::double precision * (c.weight)::double precision
            / ((sc.scale_max - sc.scale_min))::double precision
        ))::numeric(1000, 15), 4) AS total
        FROM judging_score sc JOIN judging_criterion c ON c.id = sc.criterion_id
        WHERE c.stage_id = %(stage)s
        GROUP BY sc.sheet_id
    ) AS points ON points.sheet_id = s2.id
    WHERE a.stage_id = %(stage)s AND s2.status = %(submitted)s
) AS t
WHERE s.id = t.id AND s.total IS DISTINCT FROM t.total
"""

NOT_SUBMITTED = """
UPDATE judging_scoresheet AS s SET total = NULL, normalised = NULL
FROM judging_assignment a
WHERE a.id = s.assignment_id AND a.stage_id = %(stage)s AND s.status <> %(submitted)s
  AND (s.total IS NOT NULL OR s.normalised IS NOT NULL)
"""

EXCLUDED = """
UPDATE judging_scoresheet AS s SET normalised = NULL
FROM judging_assignment a
WHERE a.id = s.assignment_id AND a.stage_id = %(stage)s AND s.excluded
  AND s.normalised IS NOT NULL
"""

NORMALISED = """
WITH counted AS (
    SELECT s.id, a.judge_id, s.total
    FROM judging_scoresheet s JOIN judging_assignment a ON a.id = s.assignment_id
    WHERE a.stage_id = %(stage)s AND NOT s.excluded AND s.status = %(submitted)s
      AND s.total IS NOT NULL
), judges AS (
    SELECT judge_id, mean, SQRT(GREATEST(square - mean * mean, 0.0)) AS deviation
    FROM (
        SELECT judge_id, AVG((total)::double precision) AS mean,
               AVG(((total * total))::double precision) AS square
        FROM counted GROUP BY judge_id
    ) AS figures
), computed AS (
    SELECT c.id, CASE WHEN j.deviation < 1e-9 THEN 50::numeric
        ELSE ROUND((GREATEST(0.0, LEAST(100.0,
            (50.0 + (10.0 * (((c.total)::double precision - j.mean) / j.deviation))))
        ))::numeric(1000, 15), 4) END AS normalised
    FROM counted c JOIN judges j ON j.judge_id = c.judge_id
)
UPDATE judging_scoresheet AS s SET normalised = computed.normalised
FROM computed
WHERE s.id = computed.id AND s.normalised IS DISTINCT FROM computed.normalised
"""


def write_sheet_figures(stage_id: int) -> None:
    """Each sheet's total and normalised total (steps 1 and 2 of compute_stage_results)."""
    params = {"stage": stage_id, "submitted": "submitted"}
    with connection.cursor() as cursor:
        cursor.execute(TOTALS, params)
        if cursor.rowcount > ANALYZE_AFTER:
            # Many totals went from empty to set (the first computation of a big stage): fresh
            # statistics, else the planner still believes they are all empty and picks a
            # nested loop that takes minutes.
            cursor.execute("ANALYZE judging_scoresheet")
        for statement in (NOT_SUBMITTED, EXCLUDED, NORMALISED):
            cursor.execute(statement, params)
