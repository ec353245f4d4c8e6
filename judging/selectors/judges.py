"""What a judge may see: the stages they sit on, their entries, the proposals and attachments
behind them, the other judges' sheets as the stage allows, and the consensus note."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from agencies.permissions import is_organiser
from innovations.models import Attachment, Proposal
from innovations.selectors import proposal_body, with_checklist_data
from judging.enums import SheetStatus, StageKind
from judging.models import (
    Assignment,
    Conflict,
    ConflictDeclaration,
    InterviewSlot,
    Score,
    ScoreSheet,
    Stage,
    StageResult,
)
from judging.selectors.conflicts import (
    conflict_q,
    conflicted_proposals,
    is_in_conflict,
    judge_conflicts,
)


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


def assignments_for_judge(user, stage) -> QuerySet:
    """The judge's entries in a stage, with sheets and what the list shows: in the judge's own
    random order, or, in an interview stage, in the order of the schedule (each with `slot_at`
    and `slot_place`; entries without a slot last). Excluded (conflicted) entries are left out."""
    queryset = Assignment.objects.filter(stage=stage, judge=user).exclude(sheet__excluded=True)
    agencies, proposals = judge_conflicts(user, stage.edition_id)
    if proposals:
        queryset = queryset.exclude(proposal_id__in=proposals)
    if agencies:
        queryset = queryset.exclude(proposal__agency_id__in=agencies)
    queryset = queryset.select_related(
        "sheet", "proposal__innovation", "proposal__agency", "proposal__track"
    )
    if stage.kind != StageKind.INTERVIEW:
        return queryset.order_by("position", "pk")
    slot = InterviewSlot.objects.filter(stage=stage, proposal_id=OuterRef("proposal_id"))
    return queryset.annotate(
        slot_at=Subquery(slot.values("starts_at")[:1]),
        slot_place=Subquery(slot.values("place")[:1]),
    ).order_by(F("slot_at").asc(nulls_last=True), "position", "pk")


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
    proposal = with_checklist_data(
        Proposal.objects.select_related("edition", "track", "innovation", "agency")
    ).get(pk=proposal_id)
    return proposal_body(proposal)


def other_sheets(sheet) -> list[ScoreSheet]:
    """The other judges' submitted, counted sheets of the same entry, with their scores. Shown
    only through judging.selectors.visibility.other_sheets_visible_to."""
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


def can_write_consensus(user, stage, proposal) -> bool:
    """The organiser, or a member of the stage's panel who is not in conflict with the entry."""
    if is_organiser(user):
        return True
    return stage.panel.filter(judge=user).exists() and not is_in_conflict(user, proposal)


def declaration_of(stage, judge) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(stage=stage, judge=judge).first()


def declaration_entries(stage) -> list[StageResult]:
    """The stage's entries as the declaration lists them: by agency, then innovation."""
    return list(
        StageResult.objects.filter(stage=stage)
        .select_related("proposal__innovation", "proposal__agency__parent")
        .order_by("proposal__agency__name", "proposal__innovation_acronym")
    )


def declared_proposal_ids(judge) -> set[int]:
    """The proposals the judge declared a conflict with, one by one."""
    return set(
        Conflict.objects.filter(judge=judge, proposal__isnull=False).values_list(
            "proposal_id", flat=True
        )
    )


def automatic_conflict_ids(judge, edition) -> set[int]:
    """The edition's proposals the judge is in conflict with other than by a declaration on the
    proposal itself (membership, a declared agency)."""
    declared = Conflict.objects.filter(judge=judge, proposal__isnull=False).values("proposal_id")
    return set(
        conflicted_proposals(judge, edition).exclude(pk__in=declared).values_list("pk", flat=True)
    )


def attachment_for_judge(user, attachment_id) -> Attachment:
    """An attachment of a proposal the judge may see (proposals_visible_to_judge), or a 404."""
    return get_object_or_404(
        Attachment.objects.filter(proposal__in=proposals_visible_to_judge(user)), pk=attachment_id
    )


def slots_for_judge(user, stage) -> list[InterviewSlot]:
    """The interview slots of the entries the judge scores in the stage, in time order."""
    return list(
        InterviewSlot.objects.filter(
            stage=stage, proposal_id__in=assignments_for_judge(user, stage).values("proposal_id")
        )
        .select_related("proposal__innovation", "proposal__agency")
        .order_by("starts_at", "pk")
    )


def upcoming_slots_for_judge(user, now) -> list[InterviewSlot]:
    """The judge's slots still ahead in stages that are not closed (the judge's home page): those
    of the entries the judge is assigned to and not excluded from."""
    assigned = Assignment.objects.filter(
        stage_id=OuterRef("stage_id"),
        proposal_id=OuterRef("proposal_id"),
        judge=user,
        sheet__excluded=False,
    )
    return list(
        InterviewSlot.objects.filter(stage__closed_at__isnull=True, ends_at__gt=now)
        .filter(Exists(assigned))
        .select_related("stage__edition", "proposal__innovation")
        .order_by("starts_at", "pk")
    )
