"""Public results from judging: confirmed shortlists, published final rankings and awards, and
the favourite vote's ballot. Ranks and awards only: scores and judges stay private."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from innovations.models import (
    Edition,
    Proposal,
    Track,
    public_proposal_q,
)
from judging.enums import Decision
from judging.models import Award, FinalEntry, FinalResult, Shortlist, StageResult
from judging.models.finals import public_award_q
from public.models import FavouriteVoteWindow
from public.selectors.entries import public_editions, public_proposals


def confirmed_shortlist_results() -> QuerySet[StageResult]:
    """Shortlisted entries of shortlists confirmed by decree, public proposals only."""
    confirmed = Shortlist.objects.filter(
        stage_id=OuterRef("stage_id"), track_id=OuterRef("proposal__track_id")
    )
    return StageResult.objects.filter(
        public_proposal_q("proposal__"), Exists(confirmed), decision=Decision.SHORTLISTED
    )


def public_awards() -> QuerySet[Award]:
    """Awards of published final results, public proposals only."""
    return Award.objects.filter(public_award_q(), public_proposal_q("proposal__"))


def awards_of(proposal_ids) -> dict[int, list[Award]]:
    """The public awards of these proposals, by proposal (one query)."""
    ids = list(proposal_ids)
    found: dict[int, list[Award]] = {}
    if ids:
        for award in public_awards().filter(proposal_id__in=ids).order_by("kind", "title"):
            found.setdefault(award.proposal_id, []).append(award)
    return found


def shortlisted_ids(proposal_ids) -> set[int]:
    """Which of these proposals are on a confirmed shortlist (one query)."""
    ids = list(proposal_ids)
    if not ids:
        return set()
    return set(
        confirmed_shortlist_results()
        .filter(proposal_id__in=ids)
        .values_list("proposal_id", flat=True)
    )


@dataclass
class TrackResults:
    """One track of a published edition: its confirmed shortlist (latest stage that has one)."""

    track: Track
    shortlist: Shortlist | None = None
    entries: list[Proposal] = field(default_factory=list)
    # Once the final result is published: the finalists in rank order, each with `public_awards`.
    final: list[FinalEntry] = field(default_factory=list)

    @property
    def decree_ref(self) -> str:
        return self.shortlist.decree_ref if self.shortlist else ""


def edition_results(edition: Edition) -> list[TrackResults]:
    """Per track, the confirmed shortlist of a published edition, entries in alphabetical order
    (the ranks behind a shortlist are not published). Three queries; [] for an unpublished
    edition."""
    if not edition.is_published:
        return []
    tracks = list(Track.objects.filter(edition=edition).order_by("order", "name"))
    latest: dict[int, Shortlist] = {}
    for shortlist in (
        Shortlist.objects.filter(stage__edition=edition)
        .select_related("stage")
        .order_by("track_id", "-stage__order")
    ):
        latest.setdefault(shortlist.track_id, shortlist)
    entries: dict[int, list[Proposal]] = {}
    if latest:
        results = (
            confirmed_shortlist_results()
            .filter(stage_id__in=[s.stage_id for s in latest.values()])
            .select_related("proposal__innovation", "proposal__agency", "proposal__track")
        )
        for result in results:
            shortlist = latest.get(result.proposal.track_id)
            if shortlist is not None and shortlist.stage_id == result.stage_id:
                entries.setdefault(result.proposal.track_id, []).append(result.proposal)
    return [
        TrackResults(
            track=track,
            shortlist=latest.get(track.pk),
            entries=sorted(
                entries.get(track.pk, []),
                key=lambda p: (p.innovation_acronym.lower(), p.innovation_name.lower()),
            ),
        )
        for track in tracks
    ]


def published_final(edition: Edition) -> FinalResult | None:
    """The edition's final result if it is published (and the edition too)."""
    if not edition.is_published:
        return None
    return FinalResult.objects.filter(edition=edition, results_published_at__isnull=False).first()


def add_final_ranking(edition: Edition, tracks: list[TrackResults]) -> FinalResult | None:
    """Put the published final ranking and awards on each track (two queries; nothing before
    publication). Ranks and awards only: no score, no judge."""
    result = published_final(edition)
    if result is None:
        return None
    by_track = {item.track.pk: item for item in tracks}
    for entry in (
        FinalEntry.objects.filter(edition=edition, proposal__in=public_proposals())
        .select_related("proposal__innovation", "proposal__agency")
        .prefetch_related(
            Prefetch("proposal__awards", Award.objects.order_by("kind", "title"), "public_awards")
        )
        .order_by("track_id", F("rank").asc(nulls_last=True), "proposal__innovation_acronym")
    ):
        if entry.track_id in by_track:
            by_track[entry.track_id].final.append(entry)
    return result


def has_results(track_results: list[TrackResults]) -> bool:
    return any(item.shortlist for item in track_results)


def ballot(edition: Edition) -> list[TrackResults]:
    """What the favourite vote offers: per track, the shortlisted innovations (tracks without a
    confirmed shortlist left out)."""
    return [item for item in edition_results(edition) if item.shortlist and item.entries]


def is_on_ballot(proposal: Proposal) -> bool:
    """Whether a proposal may receive favourite votes: public, and on its track's latest
    confirmed shortlist."""
    if not Proposal.objects.filter(public_proposal_q(), pk=proposal.pk).exists():
        return False
    return any(
        entry.pk == proposal.pk
        for item in ballot(proposal.edition)
        if item.track.pk == proposal.track_id
        for entry in item.entries
    )


def vote_window(edition: Edition) -> FavouriteVoteWindow | None:
    """The edition's favourite vote if the organiser enabled it (open, closed or not yet open)."""
    return FavouriteVoteWindow.objects.filter(edition=edition, enabled=True).first()


def vote_windows() -> list[FavouriteVoteWindow]:
    """Every favourite vote, newest first, with its edition: the organiser's counts page."""
    return list(FavouriteVoteWindow.objects.select_related("edition").order_by("-opens_at"))


def latest_results() -> tuple[Edition | None, list[TrackResults]]:
    """The newest published edition with a confirmed shortlist, and its results: the shortlist of
    each track and, once the final result is published, its final ranking with the awards."""
    edition = (
        public_editions()
        .filter(Exists(Shortlist.objects.filter(stage__edition=OuterRef("pk"))))
        .order_by("-year", "-submission_opens_at")
        .first()
    )
    if edition is None:
        return None, []
    tracks = edition_results(edition)
    add_final_ranking(edition, tracks)  # the winners, once the final result is published
    return edition, tracks
