"""A stage's entries: the StageResult rows of what is to be judged in it."""

from innovations.enums import ProposalStatus
from innovations.models import Proposal
from judging.enums import Decision
from judging.models import Assignment, ScoreSheet, StageResult
from judging.results.order import write_ranking_order
from judging.selectors.stages import previous_stage, sheets_with_content


def sync_entries(stage) -> tuple[int, int]:
    """Make the stage's entries (StageResult rows) match what should be judged.

    First stage: the edition's verified proposals. A later stage: the previous stage's shortlist.
    An entry that no longer belongs is removed with its assignments only while nobody has written
    on its sheets; otherwise it stays (and the caller refuses the change first).
    Returns (added, removed).
    """
    previous = previous_stage(stage)
    if previous is None:
        wanted = set(
            Proposal.objects.filter(
                edition_id=stage.edition_id, status=ProposalStatus.VERIFIED
            ).values_list("pk", flat=True)
        )
    else:
        wanted = set(
            StageResult.objects.filter(stage=previous, decision=Decision.SHORTLISTED).values_list(
                "proposal_id", flat=True
            )
        )
    existing = set(stage.results.values_list("proposal_id", flat=True))
    StageResult.objects.bulk_create(
        StageResult(stage=stage, proposal_id=proposal_id)
        for proposal_id in sorted(wanted - existing)
    )
    removed = 0
    leaving = existing - wanted
    if leaving:
        sheets = ScoreSheet.objects.filter(
            assignment__stage=stage, assignment__proposal_id__in=leaving
        )
        kept = set(
            ScoreSheet.objects.filter(pk__in=sheets_with_content(sheets)).values_list(
                "assignment__proposal_id", flat=True
            )
        )
        gone = leaving - kept
        Assignment.objects.filter(stage=stage, proposal_id__in=gone).delete()
        removed, _detail = StageResult.objects.filter(stage=stage, proposal_id__in=gone).delete()
    if wanted - existing or removed:
        write_ranking_order(stage.pk)
    return len(wanted - existing), removed
