"""Reads of the judging app: who is in conflict, what a judge may see, progress and rankings.

Every judge-facing view starts from `assignments_for_judge` / `proposals_visible_to_judge`; other
apps ask `judge_can_see_proposal` (e.g. the attachment download view of innovations).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from agencies.enums import Role
from agencies.models import Membership
from innovations.models import Proposal, Track
from judging.enums import RankBy, ScoreVisibility, SheetStatus
from judging.models import (
    Assignment,
    ConflictDeclaration,
    Criterion,
    PanelMember,
    Score,
    ScoreSheet,
    Stage,
    StageResult,
)

# How far (in points out of 100) a judge's totals may sit from the panel's mean on the same
# entries before the judge is called lenient or severe.
LENIENCY_MARGIN = Decimal("5")


# --- conflicts ----------------------------------------------------------------------------------


def _agency_tree_q(prefix: str, agencies) -> Q:
    """Proposals of the agencies, their units, and the units' units."""
    return (
        Q(**{f"{prefix}agency_id__in": agencies})
        | Q(**{f"{prefix}agency__parent_id__in": agencies})
        | Q(**{f"{prefix}agency__parent__parent_id__in": agencies})
    )


def conflict_q(judge, *, prefix: str = "") -> Q:
    """A filter on proposals (or, with `prefix="proposal__"`, on rows pointing at one) matching the
    proposals the judge is in conflict with.

    Automatic: the judge is an active member of the proposal's agency or of an agency above it.
    Declared: a Conflict row for the proposal, or for its agency (or one above) in its edition.
    (The judge's own pages read the same rule once per request: see judge_conflicts.)
    """
    from judging.models import Conflict

    member_of = Membership.objects.filter(user=judge, is_active=True).values("agency_id")
    declared_proposals = Conflict.objects.filter(judge=judge, proposal__isnull=False).values(
        "proposal_id"
    )
    declared_agencies = Conflict.objects.filter(
        judge=judge, agency__isnull=False, edition_id=OuterRef(f"{prefix}edition_id")
    ).values("agency_id")
    pk = f"{prefix}pk" if prefix else "pk"
    return (
        Q(**{f"{pk}__in": declared_proposals})
        | _agency_tree_q(prefix, member_of)
        | _agency_tree_q(prefix, declared_agencies)
    )


def conflicted_proposals(judge, edition) -> QuerySet:
    """The edition's proposals the judge must not judge."""
    return Proposal.objects.filter(edition=edition).filter(conflict_q(judge))


def conflict_pairs(stage: Stage, judge_ids=None, proposal_ids=None) -> set[tuple[int, int]]:
    """Every (judge id, proposal id) in conflict among the stage's panel and entries.

    A few small queries (memberships, declared conflicts, the entries' agency chains), then the
    pairs are matched in memory: the sizes are panel x entries.
    """
    from judging.models import Conflict

    if judge_ids is None:
        judge_ids = list(stage.panel.values_list("judge_id", flat=True))
    entries = StageResult.objects.filter(stage=stage)
    if proposal_ids is not None:
        entries = entries.filter(proposal_id__in=proposal_ids)
    chains = {
        proposal_id: {agency, parent, grandparent} - {None}
        for proposal_id, agency, parent, grandparent in entries.values_list(
            "proposal_id",
            "proposal__agency_id",
            "proposal__agency__parent_id",
            "proposal__agency__parent__parent_id",
        )
    }
    agencies_of: dict[int, set[int]] = {judge: set() for judge in judge_ids}
    for user_id, agency_id in Membership.objects.filter(
        user_id__in=judge_ids, is_active=True
    ).values_list("user_id", "agency_id"):
        agencies_of[user_id].add(agency_id)
    pairs: set[tuple[int, int]] = set()
    for judge_id, agency_id, proposal_id in (
        Conflict.objects.filter(judge_id__in=judge_ids)
        .filter(Q(edition_id=stage.edition_id) | Q(proposal_id__in=list(chains)))
        .values_list("judge_id", "agency_id", "proposal_id")
    ):
        if proposal_id is not None:
            if proposal_id in chains:
                pairs.add((judge_id, proposal_id))
        else:
            agencies_of[judge_id].add(agency_id)
    for judge_id, agencies in agencies_of.items():
        if not agencies:
            continue
        for proposal_id, chain in chains.items():
            if chain & agencies:
                pairs.add((judge_id, proposal_id))
    return pairs


def is_in_conflict(judge, proposal) -> bool:
    return Proposal.objects.filter(pk=proposal.pk).filter(conflict_q(judge)).exists()


# --- what a judge may see -----------------------------------------------------------------------


def stages_for_judge(user) -> QuerySet:
    """Stages the user sits on, with whether the declaration is done and their progress."""
    own = Assignment.objects.filter(stage=OuterRef("pk"), judge=user).exclude(sheet__excluded=True)
    return (
        Stage.objects.filter(panel__judge=user)
        .select_related("edition")
        .annotate(
            declared=Exists(
                ConflictDeclaration.objects.filter(
                    stage=OuterRef("pk"), judge=user, pledge_signed_at__isnull=False
                )
            ),
            entry_count=Coalesce(
                Subquery(own.order_by().values("stage").annotate(n=Count("pk")).values("n")[:1]),
                0,
            ),
            scored_count=Coalesce(
                Subquery(
                    own.filter(sheet__status=SheetStatus.SUBMITTED)
                    .order_by()
                    .values("stage")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .order_by("-edition__year", "edition_id", "order")
    )


def has_signed_declaration(user, stage) -> bool:
    return ConflictDeclaration.objects.filter(
        stage=stage, judge=user, pledge_signed_at__isnull=False
    ).exists()


CONFLICTS_SQL = """
SELECT 'agency', a.id
  FROM agencies_agency a
  LEFT JOIN agencies_agency up ON up.id = a.parent_id
 WHERE a.id IN (SELECT agency_id FROM roots)
    OR a.parent_id IN (SELECT agency_id FROM roots)
    OR up.parent_id IN (SELECT agency_id FROM roots)
UNION ALL
SELECT 'proposal', proposal_id
  FROM judging_conflict
 WHERE judge_id = %s AND proposal_id IS NOT NULL
"""
ROOTS_SQL = """
WITH roots AS (
    SELECT agency_id FROM agencies_membership WHERE user_id = %s AND is_active
    UNION
    SELECT agency_id FROM judging_conflict
     WHERE judge_id = %s AND edition_id = %s AND agency_id IS NOT NULL
)
"""


def judge_conflicts(user, edition_id) -> tuple[frozenset[int], frozenset[int]]:
    """(agencies, proposals) the judge is in conflict with in an edition: the agencies the judge
    is an active member of or declared, with their units and the units' units (automatic and
    declared conflicts, as conflict_q defines them), and the proposals declared one by one.

    One small query, remembered on the user object for the request: the judge's pages filter
    with the (usually empty) lists instead of building and planning the conflict subqueries."""
    memo = user.__dict__.setdefault("_kiks_conflicts", {})
    if edition_id not in memo:
        agencies, proposals = set(), set()
        with connection.cursor() as cursor:
            cursor.execute(ROOTS_SQL + CONFLICTS_SQL, [user.pk, user.pk, edition_id, user.pk])
            for kind, pk in cursor.fetchall():
                (agencies if kind == "agency" else proposals).add(pk)
        memo[edition_id] = (frozenset(agencies), frozenset(proposals))
    return memo[edition_id]


def assignments_for_judge(user, stage) -> QuerySet:
    """The judge's entries in a stage, in the judge's own random order, with sheets and what the
    list shows. Excluded (conflicted) entries are left out."""
    queryset = Assignment.objects.filter(stage=stage, judge=user).exclude(sheet__excluded=True)
    agencies, proposals = judge_conflicts(user, stage.edition_id)
    if proposals:
        queryset = queryset.exclude(proposal_id__in=proposals)
    if agencies:
        queryset = queryset.exclude(proposal__agency_id__in=agencies)
    return queryset.select_related(
        "sheet", "proposal__innovation", "proposal__agency", "proposal__track"
    ).order_by("position", "pk")


def judge_progress(assignments) -> tuple[int, int]:
    """(entries, submitted) of a judge's assignments (assignments_for_judge), in one query."""
    figures = assignments.order_by().aggregate(
        total=Count("pk"), scored=Count("pk", filter=Q(sheet__status=SheetStatus.SUBMITTED))
    )
    return figures["total"], figures["scored"]


def proposals_visible_to_judge(user, stage=None) -> QuerySet:
    """Proposals a judge may open: assigned in a stage that has opened, the stage's declaration and
    pledge signed, the sheet not excluded, and no conflict (automatic or declared)."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    assignments = Assignment.objects.filter(
        judge=user,
        stage__opened_at__isnull=False,
        sheet__excluded=False,
        stage__declarations__judge=user,
        stage__declarations__pledge_signed_at__isnull=False,
    )
    if stage is not None:
        assignments = assignments.filter(stage=stage)
    return Proposal.objects.filter(pk__in=assignments.values("proposal_id")).exclude(
        conflict_q(user)
    )


def judge_can_see_proposal(user, proposal) -> bool:
    """Whether a judge may open a proposal and its attachments (see proposals_visible_to_judge)."""
    return proposals_visible_to_judge(user).filter(pk=proposal.pk).exists()


def attachment_scope(user) -> Q | None:
    """For innovations.selectors.register_attachment_scope: the attachments of the proposals the
    judge may see."""
    if not user.is_authenticated:
        return None
    return Q(proposal__in=proposals_visible_to_judge(user).values("pk"))


def assignment_for_judge(user, stage, proposal_id):
    """The judge's visible assignment of a proposal in a stage, or None (the view answers 404)."""
    if not has_signed_declaration(user, stage) or stage.opened_at is None:
        return None
    return assignments_for_judge(user, stage).filter(proposal_id=proposal_id).first()


def entry_body(proposal_id):
    """The proposal as the agency submitted it, as innovations.selectors.proposal_body builds it
    for templates/innovations/_proposal_body.html (a fixed number of queries)."""
    from innovations.selectors import proposal_body, with_checklist_data

    proposal = with_checklist_data(
        Proposal.objects.select_related("edition", "track", "innovation", "agency")
    ).get(pk=proposal_id)
    return proposal_body(proposal)


def others_visible(stage, sheet) -> bool:
    """Whether the judge of `sheet` may see the other judges' scores of the same entry."""
    if stage.score_visibility == ScoreVisibility.AFTER_OWN:
        return sheet.is_submitted or stage.is_closed
    if stage.score_visibility == ScoreVisibility.AFTER_CLOSE:
        return stage.is_closed
    return False


def other_sheets(sheet) -> list[ScoreSheet]:
    """The other judges' submitted, counted sheets of the same entry, with their scores."""
    assignment = sheet.assignment
    return list(
        ScoreSheet.objects.filter(
            assignment__stage_id=assignment.stage_id,
            assignment__proposal_id=assignment.proposal_id,
            status=SheetStatus.SUBMITTED,
            excluded=False,
        )
        .exclude(pk=sheet.pk)
        .prefetch_related(Prefetch("scores", Score.objects.select_related("criterion")))
        .order_by("assignment__position", "pk")
    )


# --- organiser views ----------------------------------------------------------------------------


def stages_for_organiser() -> QuerySet:
    return (
        Stage.objects.select_related("edition")
        .annotate(
            entry_count=Count("results", distinct=True),
            judge_count=Count("panel", distinct=True),
        )
        .order_by("-edition__year", "edition__name", "order")
    )


def judge_users() -> QuerySet:
    """Active users with the judge role, for the panel form."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.JUDGE)
        .order_by("username")
        .distinct()
    )


@dataclass
class JudgeProgress:
    judge: object
    assigned: int
    submitted: int
    drafts: int
    excluded: int
    declared: bool


def panel_progress(stage) -> list[JudgeProgress]:
    """Per panel judge: entries assigned, submitted, in draft, excluded; declaration done."""
    members = (
        PanelMember.objects.filter(stage=stage)
        .select_related("judge")
        .annotate(
            assigned=Count(
                "judge__judging_assignments",
                filter=Q(judge__judging_assignments__stage=stage),
                distinct=True,
            ),
        )
        .order_by("judge__username")
    )
    counts: dict[int, dict[str, int]] = {}
    for row in (
        ScoreSheet.objects.filter(assignment__stage=stage)
        .values("assignment__judge_id", "status", "excluded")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        entry = counts.setdefault(row["assignment__judge_id"], {"sub": 0, "draft": 0, "exc": 0})
        if row["excluded"]:
            entry["exc"] += row["n"]
        elif row["status"] == SheetStatus.SUBMITTED:
            entry["sub"] += row["n"]
        else:
            entry["draft"] += row["n"]
    declared = set(
        ConflictDeclaration.objects.filter(stage=stage, pledge_signed_at__isnull=False).values_list(
            "judge_id", flat=True
        )
    )
    return [
        JudgeProgress(
            judge=member.judge,
            assigned=member.assigned,
            submitted=counts.get(member.judge_id, {}).get("sub", 0),
            drafts=counts.get(member.judge_id, {}).get("draft", 0),
            excluded=counts.get(member.judge_id, {}).get("exc", 0),
            declared=member.judge_id in declared,
        )
        for member in members
    ]


def assignment_table(stage) -> list[dict]:
    """The stage's entries, each with its assignments (judge, sheet status, excluded) and how
    many more judges it needs. Three queries whatever the size."""
    entries = list(
        StageResult.objects.filter(stage=stage)
        .select_related("proposal__innovation", "proposal__agency", "proposal__track")
        .order_by("proposal__track__order", "proposal__innovation__acronym", "proposal_id")
    )
    by_proposal: dict[int, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.filter(stage=stage)
        .select_related("judge", "sheet")
        .order_by("judge__username")
    ):
        by_proposal.setdefault(assignment.proposal_id, []).append(assignment)
    rows = []
    for entry in entries:
        assignments = by_proposal.get(entry.proposal_id, [])
        active = [a for a in assignments if not a.sheet.excluded]
        rows.append(
            {
                "entry": entry,
                "assignments": assignments,
                "missing": max(0, stage.judges_per_proposal - len(active)),
                "needs_reassignment": any(a.sheet.excluded for a in assignments)
                and len(active) < stage.judges_per_proposal,
            }
        )
    return rows


def excluded_sheets_needing_reassignment(stage) -> QuerySet:
    """Excluded sheets whose entry now has fewer judges than the stage asks for: the organiser's
    alert list."""
    active = (
        Assignment.objects.filter(
            stage=stage, proposal_id=OuterRef("assignment__proposal_id"), sheet__excluded=False
        )
        .order_by()
        .values("proposal_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        ScoreSheet.objects.filter(assignment__stage=stage, excluded=True)
        .annotate(active=Subquery(active))
        .filter(Q(active__lt=stage.judges_per_proposal) | Q(active__isnull=True))
        .select_related(
            "assignment__judge", "assignment__proposal__innovation", "assignment__proposal__agency"
        )
        .order_by("excluded_at")
    )


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
    "proposal__innovation__acronym",
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
        "proposal__innovation", "proposal__agency", "proposal__track"
    )
    sizes: dict[int, int] = {}
    if limit is None:
        if track_id is not None:
            queryset = queryset.filter(proposal__track_id=track_id)
        queryset = queryset.order_by(
            "proposal__track__order",
            "proposal__track_id",
            F("rank").asc(nulls_last=True),
            F("proposal__innovation__acronym").asc(),
            "pk",
        )
    else:
        # A page is a range of the materialised order (judging.ranking_order): the same cost at
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
class JudgeStatistics:
    judge: object
    scored: int
    mean: Decimal | None
    spread: Decimal | None
    leniency: Decimal | None

    @property
    def verdict(self) -> str:
        if self.leniency is None:
            return ""
        if self.leniency > LENIENCY_MARGIN:
            return "lenient"
        if self.leniency < -LENIENCY_MARGIN:
            return "severe"
        return "in_line"


def _decimal(value, places="0.01") -> Decimal | None:
    if value is None:
        return None
    from decimal import ROUND_HALF_UP

    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


class JudgeStatisticsList(list):
    """judge_statistics' rows, with `panel_size`: how many judges the panel has in all."""

    panel_size = 0


def judge_statistics(stage, *, limit: int | None = None) -> JudgeStatisticsList:
    """Per judge, over their counted sheets: entries scored, mean and spread (population standard
    deviation) of their totals, and leniency: the mean of (their total - the entry's mean), so
    positive is lenient and negative severe compared with the panel. One aggregate query, cached
    until the next recomputation of the stage's results.

    Every panel member by username; with `limit`, only that many, the furthest from the panel
    first (largest leniency either way, then those who scored nothing), so that a page shows the
    judges worth a look whatever the size of the panel.
    """
    from django.db.models import Avg, FloatField
    from django.db.models.functions import Cast

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
        )
        .order_by()
    )
    # The figures change only when the results are recomputed (every submission, reopening and
    # exclusion recomputes), so they are cached per computation: at 40,000 entries the aggregate
    # reads 200,000 sheets. The panel itself is read fresh below.
    key = None
    if stage.results_computed_at is not None:
        key = f"judging:judge-stats:{stage.pk}:{stage.results_computed_at.isoformat()}"
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
                mean=_decimal(row["mean"]),
                spread=_decimal(variance**0.5),
                leniency=_decimal(row["leniency"]),
            )
        )
    result.panel_size = len(panel) if limit is not None else len(result)
    return result


def criteria_of(stage) -> list[Criterion]:
    return list(stage.criteria.order_by("order", "pk"))


def sheets_of_entry(stage, proposal_id) -> list[ScoreSheet]:
    """Every sheet of one entry, for the organiser: judge, status, scores and comments."""
    return list(
        ScoreSheet.objects.filter(assignment__stage=stage, assignment__proposal_id=proposal_id)
        .select_related("assignment__judge")
        .prefetch_related(
            Prefetch(
                "scores",
                Score.objects.select_related("criterion").order_by("criterion__order", "pk"),
            )
        )
        .order_by("assignment__judge__username")
    )
