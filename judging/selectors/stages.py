"""Reads of a stage for the organiser: the stages, the panel's progress, the assignment table,
the entry's sheets, and the stage's neighbours."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from agencies.enums import Role
from innovations.models import Track
from judging.enums import SheetStatus
from judging.models import (
    Assignment,
    ConflictDeclaration,
    Criterion,
    PanelMember,
    Score,
    ScoreSheet,
    Shortlist,
    Stage,
    StageEvent,
    StageResult,
)


def previous_stage(stage) -> Stage | None:
    return stage.edition.stages.filter(order__lt=stage.order).order_by("-order").first()


def next_stage(stage) -> Stage | None:
    return stage.edition.stages.filter(order__gt=stage.order).order_by("order").first()


def sheets_with_content(sheets) -> set[int]:
    """Ids of the sheets in `sheets` that hold anything a judge wrote."""
    written = Score.objects.filter(Q(value__isnull=False) | ~Q(comment="")).values("sheet_id")
    return set(
        sheets.filter(
            Q(status=SheetStatus.SUBMITTED) | ~Q(overall_comment="") | Q(pk__in=written)
        ).values_list("pk", flat=True)
    )


def counted_sheets(stage):
    """Sheets that count: submitted, not excluded."""
    return ScoreSheet.objects.filter(
        assignment__stage=stage, status=SheetStatus.SUBMITTED, excluded=False
    )


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
        .order_by("proposal__track__order", "proposal__innovation_acronym", "proposal_id")
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


def stages() -> QuerySet:
    """Every stage with its edition: what the organiser's and the readers' pages look up."""
    return Stage.objects.select_related("edition")


def stages_judged_by(user) -> QuerySet:
    """The stages whose panel the user sits on (a judge's pages: any other stage is a 404)."""
    return stages().filter(panel__judge=user)


def panel_of(stage) -> list[PanelMember]:
    """The stage's panel members with their users, by username."""
    return list(stage.panel.select_related("judge").order_by("judge__username"))


def panel_judges(stage) -> list:
    """The users on the stage's panel, by username."""
    return [member.judge for member in panel_of(stage)]


def panel_judge_ids(stage) -> list[int]:
    return list(stage.panel.values_list("judge", flat=True))


def entries_of(stage) -> QuerySet:
    """The stage's entries (StageResult rows) with their innovation and agency."""
    return StageResult.objects.filter(stage=stage).select_related(
        "proposal__innovation", "proposal__agency"
    )


def entry_count(stage) -> int:
    return stage.results.count()


def entry_with_track(stage, proposal_id):
    """One entry of the stage with its innovation, agency and track, or a 404."""
    return get_object_or_404(
        StageResult.objects.select_related(
            "proposal__innovation", "proposal__agency", "proposal__track"
        ),
        stage=stage,
        proposal_id=proposal_id,
    )


def stage_events(stage, limit: int = 30) -> list[StageEvent]:
    """The stage's latest events, newest first (the stage page's history)."""
    return list(stage.events.select_related("by", "judge", "proposal__innovation")[:limit])


def shortlists_of(stage) -> list[Shortlist]:
    """The stage's confirmed shortlists with their tracks and who confirmed them, by track."""
    return list(stage.shortlists.select_related("track", "confirmed_by").order_by("track__order"))


def shortlist_of(stage, track) -> Shortlist | None:
    """A track's shortlist of the stage with its log of changes, or None."""
    return (
        Shortlist.objects.filter(stage=stage, track=track).prefetch_related("changes__by").first()
    )


def tracks_of(edition) -> list[Track]:
    return list(Track.objects.filter(edition=edition).order_by("order", "name"))


def track_of(edition, track_id) -> Track:
    """One track of the edition, or a 404."""
    return get_object_or_404(Track, pk=track_id, edition=edition)


def sheet_of(stage, sheet_id) -> ScoreSheet:
    """One score sheet of the stage with its assignment, or a 404."""
    return get_object_or_404(
        ScoreSheet.objects.select_related("assignment"), pk=sheet_id, assignment__stage=stage
    )


def assignment_of(stage, assignment_id) -> Assignment:
    """One assignment of the stage, or a 404."""
    return get_object_or_404(Assignment, pk=assignment_id, stage=stage)


def stages_needing_attention() -> list[Stage]:
    """Open or preparing stages, each with how many excluded sheets still wait for another judge
    (`waiting`: the organiser's alert after a late conflict). One query."""
    active = (
        Assignment.objects.filter(
            stage=OuterRef("assignment__stage"),
            proposal=OuterRef("assignment__proposal"),
            sheet__excluded=False,
        )
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    waiting = (
        ScoreSheet.objects.filter(excluded=True, assignment__stage=OuterRef("pk"))
        .annotate(active=Subquery(active))
        .filter(Q(active__isnull=True) | Q(active__lt=OuterRef("judges_per_proposal")))
        .order_by()
        .values("assignment__stage")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return list(
        Stage.objects.filter(closed_at__isnull=True)
        .select_related("edition")
        .annotate(waiting=Subquery(waiting))
        .order_by("-edition__year", "order")
    )
