"""What an agency learns about its proposal once the edition's final result is published, and
the history of an innovation across editions."""

from dataclasses import dataclass

from django.db.models import Prefetch

from innovations.models import Proposal, public_proposal_q
from judging.enums import SheetStatus
from judging.models import (
    Award,
    Criterion,
    ExternalRecognition,
    FinalEntry,
    FinalResult,
    KijbNomination,
    Score,
    ScoreSheet,
    Stage,
    StageResult,
)


@dataclass
class CriterionFeedback:
    criterion: Criterion
    values: list  # one per counted sheet, in the sheets' (anonymous) order
    comments: list[str]


@dataclass
class StageFeedback:
    stage: Stage
    result: StageResult
    judges: int
    criteria: list[CriterionFeedback]
    overall_comments: list[str]


def proposal_feedback(proposal) -> list[StageFeedback] | None:
    """What the agency learns about its proposal once the edition's final result is published:
    per stage, the score of every counted sheet on every criterion and the comments, without the
    judges' names (sheets in their random order), the figures and the panel's consensus note.
    None before publication. Five queries."""
    if not FinalResult.objects.filter(
        edition_id=proposal.edition_id, results_published_at__isnull=False
    ).exists():
        return None
    results = list(
        StageResult.objects.filter(proposal=proposal)
        .select_related("stage")
        .order_by("stage__order")
    )
    stage_ids = [result.stage_id for result in results]
    criteria: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(stage_id__in=stage_ids).order_by("order", "pk"):
        criteria.setdefault(criterion.stage_id, []).append(criterion)
    sheets: dict[int, list[ScoreSheet]] = {}
    for sheet in (
        ScoreSheet.objects.filter(
            assignment__proposal=proposal,
            assignment__stage_id__in=stage_ids,
            status=SheetStatus.SUBMITTED,
            excluded=False,
        )
        .only("pk", "overall_comment", "assignment__stage_id", "assignment__position")
        .select_related("assignment")
        .prefetch_related(
            Prefetch("scores", Score.objects.only("sheet_id", "criterion_id", "value", "comment"))
        )
        .order_by("assignment__position", "pk")
    ):
        sheets.setdefault(sheet.assignment.stage_id, []).append(sheet)
    feedback = []
    for result in results:
        own = sheets.get(result.stage_id, [])
        by_sheet = [{score.criterion_id: score for score in sheet.scores.all()} for sheet in own]
        rows = []
        for criterion in criteria.get(result.stage_id, []):
            scores = [scores.get(criterion.pk) for scores in by_sheet]
            rows.append(
                CriterionFeedback(
                    criterion=criterion,
                    values=[score.value if score else None for score in scores],
                    comments=[score.comment for score in scores if score and score.comment],
                )
            )
        feedback.append(
            StageFeedback(
                stage=result.stage,
                result=result,
                judges=len(own),
                criteria=rows,
                overall_comments=[sheet.overall_comment for sheet in own if sheet.overall_comment],
            )
        )
    return feedback


@dataclass
class HistoryEntry:
    proposal: Proposal
    results: list[StageResult]
    final: FinalEntry | None
    awards: list[Award]
    kijb: KijbNomination | None
    published: bool


@dataclass
class History:
    entries: list[HistoryEntry]
    recognitions: list[ExternalRecognition]


def innovation_history(innovation, *, public: bool) -> History:
    """Every edition the innovation entered with its results and awards, and its external
    recognitions. `public`: only verified proposals of published editions, only the shortlist
    decisions, and the final rank and awards only once the final result is published (never
    scores). Five queries."""
    proposals = Proposal.objects.filter(innovation=innovation).select_related(
        "edition__final_result", "track"
    )
    if public:
        proposals = proposals.filter(public_proposal_q())
    proposals = list(proposals.order_by("-edition__year", "-edition__submission_opens_at"))
    ids = [p.pk for p in proposals]
    results: dict[int, list[StageResult]] = {}
    for result in (
        StageResult.objects.filter(proposal_id__in=ids)
        .select_related("stage")
        .order_by("stage__order")
    ):
        results.setdefault(result.proposal_id, []).append(result)
    finals = {entry.proposal_id: entry for entry in FinalEntry.objects.filter(proposal_id__in=ids)}
    awards: dict[int, list[Award]] = {}
    for award in Award.objects.filter(proposal_id__in=ids).order_by("kind", "title"):
        awards.setdefault(award.proposal_id, []).append(award)
    kijb = {n.proposal_id: n for n in KijbNomination.objects.filter(proposal_id__in=ids)}
    entries = []
    for proposal in proposals:
        final_result = getattr(proposal.edition, "final_result", None)
        published = bool(final_result and final_result.is_published)
        shown = published or not public
        entries.append(
            HistoryEntry(
                proposal=proposal,
                # The public pages show shortlists from public.selectors; scores never.
                results=[] if public else results.get(proposal.pk, []),
                final=finals.get(proposal.pk) if shown else None,
                awards=awards.get(proposal.pk, []) if shown else [],
                kijb=kijb.get(proposal.pk) if shown else None,
                published=published,
            )
        )
    recognitions = list(
        ExternalRecognition.objects.filter(innovation=innovation).order_by("-year", "title")
    )
    return History(entries=entries, recognitions=recognitions)
