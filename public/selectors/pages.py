"""One innovation's public page and one agency's."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from agencies.models import Agency
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    SectionAnswer,
    public_proposal_q,
)
from judging.models import Award, FinalEntry, Shortlist
from judging.models.finals import public_award_q
from public.selectors.entries import (
    entries_prefetch,
    photo_prefetch,
    public_answers,
    public_proposals,
)
from public.selectors.results import confirmed_shortlist_results, public_awards, shortlisted_ids


def public_innovations() -> QuerySet[Innovation]:
    return Innovation.objects.filter(
        Exists(Proposal.objects.filter(public_proposal_q(), innovation_id=OuterRef("pk")))
    )


@dataclass
class EntryView:
    """One public entry of an innovation (an edition it entered) and its public results."""

    proposal: Proposal
    shortlist: Shortlist | None = None
    final_rank: int | None = None
    awards: list[Award] = field(default_factory=list)

    @property
    def edition(self):
        return self.proposal.edition


@dataclass
class InnovationPage:
    innovation: Innovation
    entries: list[EntryView]
    sections: list[SectionAnswer]
    photos: list[Attachment]
    video_url: str
    sdgs: list

    @property
    def latest(self) -> Proposal:
        return self.entries[0].proposal

    @property
    def summary(self) -> str:
        return self.sections[0].text if self.sections else ""


def innovation_page(innovation: Innovation) -> InnovationPage:
    """What the innovation page shows: public texts of its newest entry, every public photo
    (newest entry first), the newest video link, and per entry the confirmed shortlist it is on."""
    innovation = (
        Innovation.objects.select_related("agency__parent")
        .prefetch_related("sdgs", *entries_prefetch())
        .get(pk=innovation.pk)
    )
    entries = [EntryView(proposal=p) for p in innovation.public_entries]
    if entries:
        shortlists = {
            (s.stage_id, s.track_id): s
            for s in Shortlist.objects.filter(
                stage__edition__in=[e.proposal.edition_id for e in entries]
            ).select_related("stage")
        }
        for result in confirmed_shortlist_results().filter(
            proposal_id__in=[e.proposal.pk for e in entries]
        ):
            for entry in entries:
                if entry.proposal.pk == result.proposal_id:
                    entry.shortlist = shortlists.get((result.stage_id, entry.proposal.track_id))
        # Awards and final ranks only for editions whose final result is published (loaded with
        # the entries): no query otherwise.
        by_pk = {
            entry.proposal.pk: entry
            for entry in entries
            if getattr(getattr(entry.proposal.edition, "final_result", None), "is_published", False)
        }
        if by_pk:
            for award in (
                public_awards().filter(proposal_id__in=list(by_pk)).order_by("kind", "title")
            ):
                by_pk[award.proposal_id].awards.append(award)
            for proposal_id, rank in FinalEntry.objects.filter(
                public_award_q(), proposal_id__in=list(by_pk)
            ).values_list("proposal_id", "rank"):
                by_pk[proposal_id].final_rank = rank
    sections = []
    if entries:
        sections = list(
            public_answers()
            .filter(proposal=entries[0].proposal)
            .select_related("section")
            .order_by("section__order", "section_id")
        )
    return InnovationPage(
        innovation=innovation,
        entries=entries,
        sections=sections,
        photos=[photo for entry in entries for photo in entry.proposal.public_photos],
        video_url=next((e.proposal.video_url for e in entries if e.proposal.video_url), ""),
        sdgs=list(innovation.sdgs.all()),
    )


def public_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(
        Exists(Proposal.objects.filter(public_proposal_q(), agency_id=OuterRef("pk")))
    )


@dataclass
class AgencyYear:
    edition: Edition
    entries: list[Proposal]


def agency_years(agency: Agency) -> list[AgencyYear]:
    """An agency's public entries grouped by edition, newest first, with photos and shortlist
    marks (a fixed number of queries)."""
    entries = list(
        public_proposals()
        .filter(agency=agency)
        .prefetch_related(photo_prefetch("attachments"))
        .order_by("-edition__year", "-edition__submission_opens_at", "innovation_acronym")
    )
    chosen = shortlisted_ids(entry.pk for entry in entries)
    years: list[AgencyYear] = []
    for entry in entries:
        entry.photo = entry.public_photos[0] if entry.public_photos else None
        entry.is_shortlisted = entry.pk in chosen
        if not years or years[-1].edition.pk != entry.edition_id:
            years.append(AgencyYear(edition=entry.edition, entries=[]))
        years[-1].entries.append(entry)
    return years
