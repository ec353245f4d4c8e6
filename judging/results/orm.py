"""compute_stage_results with the ORM, for databases other than PostgreSQL (SQLite): the same
figures as the SQL statement of judging.results.sql, row for row."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Cast, Greatest, Least, Round, RowNumber

from common.formats import cents
from judging.enums import RankBy, SheetStatus, TieBreak
from judging.models import Assignment, Score, ScoreSheet, StageResult
from judging.results.tiebreak import rank_entries
from judging.selectors.stages import counted_sheets


def _float(expression):
    return Cast(expression, FloatField())


# The figures of an entry that compute_stage_results writes, in the order of its rows.
RESULT_FIELDS = [
    "judges_counted",
    "mean",
    "median",
    "spread",
    "normalised",
    "heaviest",
    "spread_flagged",
    "rank",
    "tie_break",
]


UNSCORED = (0, None, None, None, None, None, False)


def write_sheet_figures(stage, judge_ids) -> None:
    """Steps 1 and 2 of compute_stage_results with the ORM (databases other than PostgreSQL)."""
    sheets = ScoreSheet.objects.filter(assignment__stage=stage)
    counted = counted_sheets(stage).filter(total__isnull=False)
    if judge_ids is not None:
        sheets = sheets.filter(assignment__judge_id__in=judge_ids)
        counted = counted.filter(assignment__judge_id__in=judge_ids)
    points = (
        _float(F("value") - F("scale_min"))
        * _float(F("criterion__weight"))
        / _float(F("scale_max") - F("scale_min"))
    )
    totals = (
        Score.objects.filter(sheet=OuterRef("pk"))
        .order_by()
        .values("sheet")
        .annotate(total=Sum(points))
        .values("total")
    )
    sheets.filter(status=SheetStatus.SUBMITTED).update(total=Round(Subquery(totals), 4))
    sheets.exclude(status=SheetStatus.SUBMITTED).update(total=None, normalised=None)
    sheets.filter(Q(excluded=True) | Q(total__isnull=True)).exclude(normalised=None).update(
        normalised=None
    )

    for row in (
        counted.values("assignment__judge_id")
        .annotate(mean=Avg(_float("total")), square=Avg(_float(F("total") * F("total"))))
        .order_by()
    ):
        deviation = math.sqrt(max(row["square"] - row["mean"] ** 2, 0.0))
        own = counted.filter(assignment__judge_id=row["assignment__judge_id"])
        if deviation < 1e-9:
            own.update(normalised=Decimal(50))
        else:
            z = (_float("total") - Value(row["mean"])) / Value(deviation)
            own.update(
                normalised=Round(
                    Greatest(Value(0.0), Least(Value(100.0), Value(50.0) + Value(10.0) * z)), 4
                )
            )


def entry_figures(stage, heaviest_id, judge_ids) -> list[tuple]:
    """Every entry of the stage with its stored figures and, when it is recomputed (all of them,
    or those scored by `judge_ids`), its raw figures over the sheets that count (databases other
    than PostgreSQL, where judging.results.sql does steps 1-4 in one statement).

    Rows: (pk, proposal_id, track_id, submitted_at, *RESULT_FIELDS as stored, affected, count,
    mean, mean of squares, normalised, heaviest, median), the last six None when no sheet counts.
    """
    counted = counted_sheets(stage).filter(total__isnull=False)
    scope = None
    if judge_ids is not None:
        scope = set(
            Assignment.objects.filter(stage=stage, judge_id__in=judge_ids).values_list(
                "proposal_id", flat=True
            )
        )
        counted = counted.filter(assignment__proposal_id__in=scope)
    figures = {
        row["assignment__proposal_id"]: row
        for row in counted.values("assignment__proposal_id")
        .annotate(
            count=Count("pk"),
            mean=Avg(_float("total")),
            square=Avg(_float(F("total") * F("total"))),
            normalised=Avg(_float("normalised")),
        )
        .order_by()
    }
    heaviest = {}
    if heaviest_id is not None:
        heaviest = dict(
            Score.objects.filter(sheet__in=counted, criterion_id=heaviest_id)
            .values("sheet__assignment__proposal_id")
            .annotate(
                score=Avg(
                    _float(F("value") - F("scale_min"))
                    * Value(100.0)
                    / _float(F("scale_max") - F("scale_min"))
                )
            )
            .order_by()
            .values_list("sheet__assignment__proposal_id", "score")
        )
    middle: dict[int, list[float]] = {}
    for proposal_id, total in (
        counted.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("assignment__proposal_id")],
                order_by=[F("total").asc(), F("pk").asc()],
            ),
            size=Window(Count("pk"), partition_by=[F("assignment__proposal_id")]),
        )
        .filter(Q(row=(F("size") + 1) / 2) | Q(row=(F("size") + 2) / 2))
        .values_list("assignment__proposal_id", "total")
    ):
        middle.setdefault(proposal_id, []).append(float(total))

    rows = []
    for stored in StageResult.objects.filter(stage=stage).values_list(
        "pk", "proposal_id", "proposal__track_id", "proposal__submitted_at", *RESULT_FIELDS
    ):
        proposal_id = stored[1]
        affected = scope is None or proposal_id in scope
        row = figures.get(proposal_id)
        if row is None:
            rows.append((*stored, affected, None, None, None, None, None, None))
            continue
        values = middle[proposal_id]
        rows.append(
            (
                *stored,
                affected,
                row["count"],
                row["mean"],
                row["square"],
                row["normalised"],
                heaviest.get(proposal_id),
                sum(values) / len(values),
            )
        )
    return rows


@dataclass
class _Entry:
    """An entry of the stage as the ranking sees it: its new figures and its stored row."""

    pk: int
    proposal_id: int
    track_id: int
    submitted_at: object
    stored: tuple
    judges_counted: int
    mean: Decimal | None
    median: Decimal | None
    spread: Decimal | None
    normalised: Decimal | None
    heaviest: Decimal | None
    spread_flagged: bool
    rank: int | None = None
    tie_break: str = TieBreak.NONE

    def figures(self) -> tuple:
        return (
            self.judges_counted,
            self.mean,
            self.median,
            self.spread,
            self.normalised,
            self.heaviest,
            self.spread_flagged,
            self.rank,
            str(self.tie_break),
        )


def _figures(stage, stored, affected, count, mean, square, normalised, heaviest, median) -> tuple:
    """The entry's seven figures (RESULT_FIELDS up to the rank), rounded as the SQL does."""
    if not affected:
        return stored[:7]
    if not count:
        return UNSCORED
    spread = cents(math.sqrt(max(square - mean**2, 0.0)))
    return (
        count,
        cents(mean),
        cents(median),
        spread,
        cents(normalised),
        cents(heaviest),
        spread > stage.spread_threshold,
    )


def changed_results(stage, rows) -> list[tuple]:
    """Round the raw figures of `rows` (entry_figures), rank every scored entry by the rule of
    judging.results.tiebreak, and return (pk, *RESULT_FIELDS) of the entries whose stored
    figures differ."""
    entries = []
    for row in rows:
        pk, proposal_id, track_id, submitted_at = row[:4]
        stored = tuple(row[4:13])
        figures = _figures(stage, stored, *row[13:])
        entries.append(_Entry(pk, proposal_id, track_id, submitted_at, stored, *figures))
    score = "normalised" if stage.rank_by == RankBy.NORMALISED else "mean"
    rank_entries([entry for entry in entries if entry.judges_counted > 0], score=score)
    return [(entry.pk, *entry.figures()) for entry in entries if entry.figures() != entry.stored]
