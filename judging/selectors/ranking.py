"""The ranking of a stage: its rows a page at a time, grouped by track with the shortlist cut, the
cut itself, and the judges' statistics (leniency)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Avg, Count, F, FloatField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Cast

from common.formats import cents
from innovations.models import Track
from judging.enums import RankBy, SheetStatus, TieBreak
from judging.models import PanelMember, ScoreSheet, StageResult

# How far (in points out of 100) a judge's totals may sit from the panel's mean on the same
# entries before the judge is called lenient or severe.
LENIENCY_MARGIN = Decimal("5")


RANKING_PAGE_SIZE = 250


# What a page of the ranking reads (the rows are many; the rest of each row stays in the database).
RANKING_PAGE_FIELDS = (
    "stage_id",
    "proposal_id",
    "track_id",
    "place",
    "judges_counted",
    "mean",
    "median",
    "spread",
    "normalised",
    "heaviest",
    "rank",
    "tie_break",
    "spread_flagged",
    "decision",
    "proposal__innovation_acronym",
    "proposal__agency__name",
    "proposal__track__name",
    "proposal__track__order",
    "proposal__track__shortlist_size",
    "proposal__submitted_at",
)


class RankedSheet(NamedTuple):
    """A sheet as a ranking row shows it."""

    username: str
    total: Decimal | None
    excluded: bool


def ranking_rows(stage, *, track_id=None, offset: int = 0, limit: int | None = None):
    """The stage's entries with their results, ranked within each track, unscored ones last.

    With `limit`, at most that many rows per track (after `offset`, for paging); with `track_id`,
    that track only. Each row carries `track_size` (the track's entries in the stage) and
    `sheets`: every sheet of the entry that has a total or was excluded, as (judge's username,
    total, excluded) by username, loaded in one query for the rows shown.
    """
    queryset = StageResult.objects.filter(stage=stage).select_related(
        "proposal__agency", "proposal__track"
    )
    sizes: dict[int, int] = {}
    if limit is None:
        if track_id is not None:
            queryset = queryset.filter(proposal__track_id=track_id)
        queryset = queryset.order_by(
            "proposal__track__order",
            "proposal__track_id",
            F("rank").asc(nulls_last=True),
            F("proposal__innovation_acronym").asc(),
            "pk",
        )
    else:
        # A page is a range of the materialised order (judging.results.order): the same cost at
        # 60 or 36,000 entries. The size of each track is its last place.
        queryset = (
            queryset.filter(place__gt=offset, place__lte=offset + limit)
            .order_by("track__order", "track_id", "place")
            .only(*RANKING_PAGE_FIELDS)
        )
        tracks = Track.objects.filter(edition_id=stage.edition_id)
        if track_id is not None:
            queryset = queryset.filter(track_id=track_id)
            tracks = tracks.filter(pk=track_id)
        last_place = (
            StageResult.objects.filter(stage=stage, track_id=OuterRef("pk"))
            .order_by("-place")
            .values("place")[:1]
        )
        sizes = dict(tracks.annotate(size=Subquery(last_place)).values_list("pk", "size"))
    rows = list(queryset)
    sheet_rows = ScoreSheet.objects.filter(assignment__stage=stage)
    if limit is not None:
        sheet_rows = sheet_rows.filter(assignment__proposal_id__in=[r.proposal_id for r in rows])
    sheets: dict[int, list[RankedSheet]] = {}
    for proposal_id, username, total, excluded in (
        sheet_rows.filter(Q(status=SheetStatus.SUBMITTED) | Q(excluded=True))
        .order_by("assignment__judge__username")
        .values_list("assignment__proposal_id", "assignment__judge__username", "total", "excluded")
    ):
        sheets.setdefault(proposal_id, []).append(RankedSheet(username, total, excluded))
    for row in rows:
        row.sheets = sheets.get(row.proposal_id, [])
        row.track_size = sizes.get(row.track_id) or 0
    return rows


def tracks_of_ranking(rows, *, rank_by: str, offset: int = 0) -> list[dict]:
    """Group ranking rows by track, marking the shortlist cut (Track.shortlist_size).

    `offset`: how many ranked rows of each track come before these (a later page)."""
    groups: list[dict] = []
    for row in rows:
        track = row.proposal.track
        if not groups or groups[-1]["track"].pk != track.pk:
            groups.append({"track": track, "rows": [], "tie_at_cut": None})
        groups[-1]["rows"].append(row)
    for group in groups:
        size = group["track"].shortlist_size
        ranked = [row for row in group["rows"] if row.rank is not None]
        for position, row in enumerate(ranked, start=offset + 1):
            row.position = position
            row.above_cut = position <= size
            row.is_cut = position == size
        if offset < size < offset + len(ranked):
            last_in, first_out = ranked[size - 1 - offset], ranked[size - offset]
            primary = "normalised" if rank_by == RankBy.NORMALISED else "mean"
            if getattr(last_in, primary) == getattr(first_out, primary):
                group["tie_at_cut"] = {
                    "inside": last_in,
                    "outside": first_out,
                    "resolved_by": first_out.tie_break,
                    "unresolved": first_out.rank == last_in.rank,
                }
    return groups


@dataclass
class CutInfo:
    """The computed Top N of a track and whether the cut falls inside an unresolved tie."""

    top: list[int]
    scored: list[int]
    unresolved_tie: bool


def cut_of(stage, track) -> CutInfo:
    ranked = list(
        StageResult.objects.filter(stage=stage, proposal__track=track, judges_counted__gt=0)
        .order_by("rank", "proposal_id")
        .values_list("proposal_id", "rank", "tie_break")
    )
    size = track.shortlist_size
    top = [proposal_id for proposal_id, _rank, _tie in ranked[:size]]
    unresolved = (
        len(ranked) > size
        and ranked[size][2] == TieBreak.UNRESOLVED
        and ranked[size][1] == ranked[size - 1][1]
    )
    return CutInfo(top=top, scored=[p for p, _r, _t in ranked], unresolved_tie=unresolved)


@dataclass
class JudgeStatistics:
    judge: object
    scored: int
    mean: Decimal | None
    spread: Decimal | None
    leniency: Decimal | None
    lowest: Decimal | None = None  # the judge's lowest and highest total
    highest: Decimal | None = None

    @property
    def verdict(self) -> str:
        if self.leniency is None:
            return ""
        if self.leniency > LENIENCY_MARGIN:
            return "lenient"
        if self.leniency < -LENIENCY_MARGIN:
            return "severe"
        return "in_line"


class JudgeStatisticsList(list):
    """judge_statistics' rows, with `panel_size`: how many judges the panel has in all."""

    panel_size = 0


def judge_statistics(stage, *, limit: int | None = None) -> JudgeStatisticsList:
    """Per judge, over their counted sheets: entries scored, mean, lowest, highest and spread
    (population standard deviation) of their totals, and leniency: the mean of (their total -
    the entry's mean), so positive is lenient and negative severe compared with the panel. One
    aggregate query, cached until the next recomputation of the stage's results.

    Every panel member by username; with `limit`, only that many, the furthest from the panel
    first (largest leniency either way, then those who scored nothing), so that a page shows the
    judges worth a look whatever the size of the panel.
    """
    entry_mean = StageResult.objects.filter(
        stage=stage, proposal_id=OuterRef("assignment__proposal_id")
    ).values("mean")[:1]
    rows = (
        ScoreSheet.objects.filter(
            assignment__stage=stage, status=SheetStatus.SUBMITTED, excluded=False
        )
        .values("assignment__judge_id")
        .annotate(
            scored=Count("pk"),
            mean=Avg(Cast("total", FloatField())),
            square=Avg(Cast(F("total") * F("total"), FloatField())),
            leniency=Avg(Cast(F("total"), FloatField()) - Cast(Subquery(entry_mean), FloatField())),
            lowest=Min("total"),
            highest=Max("total"),
        )
        .order_by()
    )
    # The figures change only when the results are recomputed (every submission, reopening and
    # exclusion recomputes), so they are cached per computation: at 40,000 entries the aggregate
    # reads 200,000 sheets. The panel itself is read fresh below.
    key = None
    if stage.results_computed_at is not None:  # ":2": the figures gained lowest and highest
        key = f"judging:judge-stats:2:{stage.pk}:{stage.results_computed_at.isoformat()}"
    stats = cache.get(key) if key else None
    if stats is None:
        stats = {row["assignment__judge_id"]: row for row in rows}
        if key:
            cache.set(key, stats, 24 * 3600)
    members = PanelMember.objects.filter(stage=stage).select_related("judge")
    if limit is None:
        members = members.order_by("judge__username")
    else:
        panel = list(members.order_by("judge__username").values_list("judge_id", flat=True))
        shown = sorted(
            panel,  # scored nothing yet: after those with figures, by username (stable sort)
            key=lambda judge_id: (
                -abs(stats[judge_id]["leniency"] or 0.0) if judge_id in stats else 1.0
            ),
        )[:limit]
        order = {judge_id: index for index, judge_id in enumerate(shown)}
        members = sorted(members.filter(judge_id__in=shown), key=lambda m: order[m.judge_id])
    result = JudgeStatisticsList()
    for member in members:
        row = stats.get(member.judge_id)
        if row is None:
            result.append(JudgeStatistics(member.judge, 0, None, None, None))
            continue
        variance = max(row["square"] - row["mean"] ** 2, 0.0)
        result.append(
            JudgeStatistics(
                judge=member.judge,
                scored=row["scored"],
                mean=cents(row["mean"]),
                spread=cents(variance**0.5),
                leniency=cents(row["leniency"]),
                lowest=cents(row["lowest"]),
                highest=cents(row["highest"]),
            )
        )
    result.panel_size = len(panel) if limit is not None else len(result)
    return result
