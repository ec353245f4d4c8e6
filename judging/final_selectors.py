"""Reads of the finals: the interview schedule, the agencies' slots, the final ranking, the
agencies' feedback (only once the final result is published), and an innovation's history.
Each returns a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from agencies.enums import MembershipRole
from agencies.models import Membership
from innovations.enums import AttachmentKind
from innovations.models import Attachment, Proposal
from judging.enums import SheetStatus
from judging.models import (
    Award,
    Criterion,
    ExternalRecognition,
    FinalEntry,
    FinalResult,
    InterviewSlot,
    KijbNomination,
    Score,
    ScoreSheet,
    Stage,
    StageResult,
)

# --- schedule -----------------------------------------------------------------------------------


# A stage with at most this many entries offers them in a select; above it the organiser types the
# entry's number or acronym. Interviews are normally held for a short list (the Top Six).
SCHEDULE_SELECT_UP_TO = 100
# How many entries without a slot the schedule pages name; the rest is a count.
UNSCHEDULED_SHOWN = 50


@dataclass
class Schedule:
    """The interview schedule of a stage, bounded whatever the number of entries.

    `slots`: every slot in time order (one panel hears one entry at a time, so they are few).
    `entries_count`: the stage's entries; `unscheduled_count`: those without a slot, of which
    `unscheduled` names at most UNSCHEDULED_SHOWN (by acronym on a small stage, else by number:
    `unscheduled_by_number`). `choices`: every entry, for the slot form's select, when the stage
    has at most SCHEDULE_SELECT_UP_TO entries; None above (the form takes a typed entry).
    """

    slots: list[InterviewSlot]
    entries_count: int
    unscheduled_count: int
    unscheduled: list[StageResult]
    choices: list[Proposal] | None

    @property
    def unscheduled_more(self) -> int:
        return self.unscheduled_count - len(self.unscheduled)

    @property
    def unscheduled_by_number(self) -> bool:
        return self.choices is None


def _by_acronym(proposal):
    return (proposal.innovation.acronym, proposal.pk)


def schedule(stage) -> Schedule:
    """The stage's schedule (see Schedule). Three queries whatever the number of entries: the
    slots, the count of entries, and the entries without a slot: all of them on a small stage
    (at most SCHEDULE_SELECT_UP_TO), else the first UNSCHEDULED_SHOWN by number (an index range)."""
    related = ("proposal__innovation", "proposal__agency", "proposal__track")
    slots = list(
        InterviewSlot.objects.filter(stage=stage)
        .select_related(*related)
        .annotate(
            is_entry=Exists(
                StageResult.objects.filter(stage=stage, proposal_id=OuterRef("proposal_id"))
            )
        )
        .order_by("starts_at", "pk")
    )
    scheduled = [slot.proposal for slot in slots if slot.is_entry]
    entries_count = StageResult.objects.filter(stage=stage).count()
    unscheduled = (
        StageResult.objects.filter(stage=stage)
        .exclude(
            Exists(InterviewSlot.objects.filter(stage=stage, proposal_id=OuterRef("proposal_id")))
        )
        .order_by("proposal_id")
    )
    if entries_count <= SCHEDULE_SELECT_UP_TO:
        # Every entry is at hand: those without a slot all come, those with one are the slots'.
        first = sorted(
            unscheduled.select_related(*related)[:SCHEDULE_SELECT_UP_TO],
            key=lambda entry: (entry.proposal.track.order, *_by_acronym(entry.proposal)),
        )
        choices = sorted([entry.proposal for entry in first] + scheduled, key=_by_acronym)
    else:
        # Named by acronym and number only: the fewest joins, in the order of the index.
        first = list(
            unscheduled.select_related("proposal__innovation").only(
                "stage_id", "proposal_id", "proposal__innovation__acronym"
            )[:UNSCHEDULED_SHOWN]
        )
        choices = None
    return Schedule(
        slots=slots,
        entries_count=entries_count,
        unscheduled_count=max(entries_count - len(scheduled), 0),
        unscheduled=first[:UNSCHEDULED_SHOWN],
        choices=choices,
    )


def find_entries(stage, text: str, limit: int = 6) -> list[StageResult]:
    """The stage's entries a typed reference may mean: the entry's number (its proposal's, "123"
    or "#123") or its innovation's acronym in any case. At most `limit`, by number. Two queries
    (the edition's proposals of that acronym, then the stage's entries among them and the
    number), each an index lookup but the acronym's scan of the innovations."""
    text = (text or "").strip()
    if not text:
        return []
    ids = list(
        Proposal.objects.filter(edition_id=stage.edition_id, innovation__acronym__iexact=text)
        .order_by("pk")
        .values_list("pk", flat=True)[: limit * 10]
    )
    number = text.removeprefix("#").strip()
    if number.isascii() and number.isdigit() and len(number) <= 18:
        ids.append(int(number))
    if not ids:
        return []
    return list(
        StageResult.objects.filter(stage=stage, proposal_id__in=ids)
        .select_related("proposal__innovation", "proposal__agency")
        .order_by("proposal_id")[:limit]
    )


def operated_agency_ids(user):
    return (
        Membership.objects.active()
        .filter(user=user, role=MembershipRole.OPERATOR)
        .values("agency_id")
    )


def agency_slots(user, now=None) -> list[InterviewSlot]:
    """Slots of the proposals of the agencies the user operates, in stages not closed yet, each
    with `presentation` (its current slides, or None). Two queries."""
    now = now or timezone.now()
    slots = list(
        InterviewSlot.objects.filter(
            proposal__agency_id__in=operated_agency_ids(user), stage__closed_at__isnull=True
        )
        .select_related("stage__edition", "proposal__innovation", "proposal__agency")
        .order_by("starts_at", "pk")
    )
    slides = {}
    for attachment in Attachment.objects.filter(
        proposal_id__in=[slot.proposal_id for slot in slots], kind=AttachmentKind.PRESENTATION
    ).order_by("uploaded_at", "pk"):
        slides[attachment.proposal_id] = attachment
    for slot in slots:
        slot.presentation = slides.get(slot.proposal_id)
        slot.can_upload = slot.starts_at > now
    return slots


def agency_feedback_entries(user) -> list[FinalEntry]:
    """The finalists of the user's agencies whose edition's result is published. One query."""
    return list(
        FinalEntry.objects.filter(
            proposal__agency_id__in=operated_agency_ids(user),
            edition__final_result__results_published_at__isnull=False,
        )
        .select_related("edition", "proposal__innovation")
        .order_by("-edition__year", "proposal__innovation__acronym")
    )


# --- final ranking ------------------------------------------------------------------------------


@dataclass
class FinalTrack:
    track: object
    rows: list = field(default_factory=list)


def final_rows(edition) -> list[FinalEntry]:
    """The edition's finalists, ranked within each track (unscored last), each with its awards and
    KIJB nomination. Two queries."""
    return list(
        FinalEntry.objects.filter(edition=edition)
        .select_related(
            "proposal__innovation__agency", "proposal__agency", "proposal__kijb", "track"
        )
        .prefetch_related(
            Prefetch("proposal__awards", Award.objects.order_by("kind", "title", "pk"))
        )
        .order_by("track__order", "track_id", "rank", "proposal__innovation__acronym")
    )


def final_tracks(rows) -> list[FinalTrack]:
    groups: list[FinalTrack] = []
    for row in rows:
        if not groups or groups[-1].track.pk != row.track_id:
            groups.append(FinalTrack(track=row.track))
        groups[-1].rows.append(row)
    return groups


def published_result(edition) -> FinalResult | None:
    result = FinalResult.objects.filter(edition=edition).first()
    return result if result and result.is_published else None


# --- feedback to the agency ---------------------------------------------------------------------


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


# --- history of an innovation -------------------------------------------------------------------


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
        from public.selectors import public_proposal_q

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


def public_award_q(prefix: str = "") -> Q:
    """Awards the public may see: of a published final result."""
    return Q(**{f"{prefix}edition__final_result__results_published_at__isnull": False})
