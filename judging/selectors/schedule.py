"""Reads of the interview schedule: a stage's slots and entries without one, the typed entry,
the agency's own slots."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies.enums import MembershipRole
from agencies.models import Membership
from innovations.enums import AttachmentKind
from innovations.models import Attachment, Proposal
from judging.models import InterviewSlot, StageResult

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
    return (proposal.innovation_acronym, proposal.pk)


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
            unscheduled.select_related("proposal").only(
                "stage_id", "proposal_id", "proposal__innovation_acronym"
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


def overlapping_slots(stage, starts_at, ends_at, *, exclude_proposal=None):
    """Slots of the stage's panel that share any minute with [starts_at, ends_at)."""
    slots = InterviewSlot.objects.filter(stage=stage, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_proposal is not None:
        slots = slots.exclude(proposal=exclude_proposal)
    return slots.select_related("proposal__innovation")


def upcoming_slot(proposal, now=None) -> InterviewSlot | None:
    """The proposal's slot in a stage that is not closed, if it has not started yet."""
    now = now or timezone.now()
    return (
        InterviewSlot.objects.filter(
            proposal=proposal, stage__closed_at__isnull=True, starts_at__gt=now
        )
        .select_related("stage")
        .order_by("starts_at")
        .first()
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


def slot_of(stage, slot_id) -> InterviewSlot:
    return get_object_or_404(InterviewSlot, pk=slot_id, stage=stage)


def consensus_entry(stage, proposal_id) -> StageResult:
    """An entry of the stage as the consensus page shows it, or a 404."""
    return get_object_or_404(
        StageResult.objects.select_related(
            "stage__edition", "proposal__innovation", "proposal__agency", "consensus_by"
        ),
        stage=stage,
        proposal_id=proposal_id,
    )
