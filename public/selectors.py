"""Reads of the public portal. Every public page starts from `public_proposals()`.

A proposal is public ("a published innovation") when its edition is published (the organiser's
switch, `Edition.is_published`) and it was verified (accepted into judging). Of a public proposal
the portal shows the innovation's identity, the agency, the answers of the sections the organiser
marked public (`SectionTemplate.is_public`, by default the summary), the photos, the video link and
the results; never the SK letter, supporting documents, other sections, scores or judges.

Results come from judging: a shortlist is public once confirmed (a `judging.Shortlist` with its
decree number exists) and its edition is published. The final ranking and the awards are public
once the organiser publishes the final result (`judging.FinalResult.results_published_at`), in a
published edition: ranks and awards only; scores and judges stay private.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from innovations.enums import AttachmentKind
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    SectionAnswer,
    Track,
    public_proposal_q,
)
from judging.enums import AwardKind, Decision, StageKind
from judging.final_selectors import public_award_q
from judging.models import Award, FinalEntry, FinalResult, Shortlist, Stage, StageResult
from public.models import Announcement, FavouriteVoteWindow

REGISTRY_PAGE_SIZE = 24
RESULT_SHORTLISTED = "shortlisted"
# The registry's "result" filter: shortlisted, or one kind of award (judging.enums.AwardKind).
RESULT_CHOICES = [RESULT_SHORTLISTED, *AwardKind.values]


def public_proposals() -> QuerySet[Proposal]:
    """Published innovations' entries: verified proposals of published editions.

    Drafts, proposals waiting for verification, sent back, rejected or withdrawn, and every
    proposal of an unpublished edition are left out. Joins edition, track, innovation, agency.
    """
    return Proposal.objects.filter(public_proposal_q()).select_related(
        "edition", "track", "innovation", "agency"
    )


def public_editions() -> QuerySet[Edition]:
    return Edition.objects.published()


def public_photos() -> QuerySet[Attachment]:
    """The only files the public sees: photos of public proposals."""
    return Attachment.objects.filter(public_proposal_q("proposal__"), kind=AttachmentKind.PHOTO)


def public_answers() -> QuerySet[SectionAnswer]:
    """Texts of the sections the organiser made public, of public proposals."""
    return SectionAnswer.objects.filter(
        public_proposal_q("proposal__"), section__is_public=True
    ).exclude(text="")


def _photo_prefetch(lookup: str) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Attachment.objects.filter(kind=AttachmentKind.PHOTO).order_by("uploaded_at", "pk"),
        to_attr="public_photos",
    )


def _entries_prefetch() -> list[Prefetch]:
    """An innovation's public entries, newest edition first, each with its photos."""
    return [
        Prefetch(
            "proposals",
            queryset=public_proposals()
            .select_related("edition__final_result")
            .order_by("-edition__year", "-edition__submission_opens_at"),
            to_attr="public_entries",
        ),
        _photo_prefetch("public_entries__attachments"),
    ]


def first_photo(entries) -> Attachment | None:
    """The photo that stands for an innovation: the first one of its newest entry that has one."""
    for entry in entries:
        if entry.public_photos:
            return entry.public_photos[0]
    return None


# --- Results (from judging) ------------------------------------------------------------------


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
                key=lambda p: (p.innovation.acronym.lower(), p.innovation.name.lower()),
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
        .order_by("track_id", F("rank").asc(nulls_last=True), "proposal__innovation__acronym")
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


def latest_results() -> tuple[Edition | None, list[TrackResults]]:
    """The newest published edition with a confirmed shortlist, and its results."""
    edition = (
        public_editions()
        .filter(Exists(Shortlist.objects.filter(stage__edition=OuterRef("pk"))))
        .order_by("-year", "-submission_opens_at")
        .first()
    )
    if edition is None:
        return None, []
    return edition, edition_results(edition)


# --- Registry ----------------------------------------------------------------------------------


@dataclass
class RegistryFilters:
    """The registry's search and filters, as cleaned by public.forms.RegistryFilterForm."""

    q: str = ""
    edition: str = ""  # edition slug
    track: str = ""  # track slug (tracks of the same name share a slug across editions)
    kind: str = ""  # agency kind
    sdg: int | None = None
    digital: bool | None = None
    result: str = ""  # RESULT_SHORTLISTED

    @property
    def is_active(self) -> bool:
        return bool(
            self.q
            or self.edition
            or self.track
            or self.kind
            or self.sdg
            or self.digital is not None
            or self.result
        )


def _search_condition(term: str) -> Q:
    texts = public_answers().filter(proposal__innovation_id=OuterRef("pk"), text__icontains=term)
    return (
        Q(name__icontains=term)
        | Q(acronym__icontains=term)
        | Q(expansion__icontains=term)
        | Q(agency__name__icontains=term)
        | Q(agency__short_name__icontains=term)
        | Q(Exists(texts))
    )


def registry(filters: RegistryFilters | None = None) -> QuerySet[Innovation]:
    """Innovations with at least one public entry matching the filters, newest edition first,
    each with its public entries (edition, track) and their photos prefetched: a fixed number of
    queries whatever the number of rows.

    Search: every word must appear in the name, acronym, expansion, agency name or short name,
    or the public text of one of the innovation's public entries.
    """
    filters = filters or RegistryFilters()
    entries = Proposal.objects.filter(public_proposal_q(), innovation_id=OuterRef("pk"))
    if filters.edition:
        entries = entries.filter(edition__slug=filters.edition)
    if filters.track:
        entries = entries.filter(track__slug=filters.track)
    if filters.result == RESULT_SHORTLISTED:
        entries = entries.filter(
            Exists(confirmed_shortlist_results().filter(proposal_id=OuterRef("pk")))
        )
    elif filters.result in AwardKind.values:
        entries = entries.filter(
            Exists(public_awards().filter(proposal_id=OuterRef("pk"), kind=filters.result))
        )
    # Innovation.public_year is the newest public edition (innovations.public_year keeps it), so
    # the newest-first order is a walk of the partial index innovation_registry_idx; an
    # innovation has a public entry exactly when it has a public_year, so the entries are
    # checked only when a filter narrows them.
    queryset = (
        Innovation.objects.filter(public_year__isnull=False)
        .select_related("agency")
        .annotate(latest_year=F("public_year"))
    )
    if filters.edition or filters.track or filters.result:
        queryset = queryset.filter(Exists(entries))
    for term in filters.q.split()[:8]:
        queryset = queryset.filter(_search_condition(term))
    if filters.kind:
        queryset = queryset.filter(agency__kind=filters.kind)
    if filters.sdg:
        queryset = queryset.filter(sdgs__number=filters.sdg)
    if filters.digital is not None:
        queryset = queryset.filter(is_digital=filters.digital)
    return queryset.prefetch_related(*_entries_prefetch()).order_by(
        "-public_year", "acronym", "name", "pk"
    )


def registry_choices() -> dict:
    """Options of the registry's filters: published editions and the tracks of their entries."""
    editions = list(public_editions().order_by("-year", "-submission_opens_at"))
    tracks = {}
    for slug, name in (
        Track.objects.filter(edition__is_published=True)
        .order_by("name", "slug")
        .values_list("slug", "name")
    ):
        tracks.setdefault(slug, name)
    return {"editions": editions, "tracks": sorted(tracks.items(), key=lambda item: item[1])}


def mark_rows(innovations) -> None:
    """Set `photo`, `entries` and `shortlisted` on each innovation of a page (one query)."""
    rows = list(innovations)
    chosen = shortlisted_ids(entry.pk for row in rows for entry in row.public_entries)
    for row in rows:
        row.entries = row.public_entries
        row.photo = first_photo(row.public_entries)
        row.shortlisted_editions = [e.edition for e in row.public_entries if e.pk in chosen]


# --- One innovation, one agency --------------------------------------------------------------


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
        .prefetch_related("sdgs", *_entries_prefetch())
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
        .prefetch_related(_photo_prefetch("attachments"))
        .order_by("-edition__year", "-edition__submission_opens_at", "innovation__acronym")
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


# --- Home --------------------------------------------------------------------------------------


def current_edition(now=None) -> Edition | None:
    """The edition the home page is about: the one taking proposals now, else the newest one.

    Only its calendar is shown before it is published; its entries only once it is.
    """
    now = now or timezone.now()
    return (
        Edition.objects.open_for_submission(now).order_by("submission_closes_at", "pk").first()
        or Edition.objects.order_by("-year", "-submission_opens_at", "-pk").first()
    )


DONE, NOW, NEXT = "done", "now", "next"


@dataclass
class TimelineStep:
    key: str
    label: str
    starts: datetime.datetime | datetime.date | None
    ends: datetime.datetime | datetime.date | None
    state: str  # DONE, NOW or NEXT (a step without dates: not announced yet)


def _state(starts, ends, now, *, finished=False) -> str:
    if finished or (ends is not None and ends <= now):
        return DONE
    if starts is not None and starts <= now:
        return NOW
    return NEXT


def timeline(edition: Edition, now=None) -> list[TimelineStep]:
    """Submission window, verification, desk evaluation, interviews, results (two queries)."""
    now = now or timezone.now()
    stages = {}
    for stage in Stage.objects.filter(edition=edition).order_by("order"):
        stages.setdefault(stage.kind, stage)
    desk = stages.get(StageKind.DESK)
    steps = [
        TimelineStep(
            "submission",
            _("Submission window"),
            edition.submission_opens_at,
            edition.submission_closes_at,
            _state(edition.submission_opens_at, edition.submission_closes_at, now),
        ),
        TimelineStep(
            "verification",
            _("Verification"),
            edition.submission_opens_at,
            edition.verification_closes_at,
            _state(
                edition.submission_opens_at,
                edition.verification_closes_at,
                now,
                # Once judging has begun, verification is over even without an end date.
                finished=bool(desk and desk.opened_at and desk.opened_at <= now),
            ),
        ),
    ]
    for kind, key, label in (
        (StageKind.DESK, "desk", _("Desk evaluation")),
        (StageKind.INTERVIEW, "interviews", _("Presentation and interviews")),
    ):
        stage = stages.get(kind)
        starts = stage.opened_at if stage else None
        ends = (stage.closed_at or stage.closes_at) if stage else None
        steps.append(
            TimelineStep(
                key,
                label,
                starts,
                ends,
                _state(starts, ends, now, finished=bool(stage and stage.closed_at)),
            )
        )
    announced = None
    if edition.is_published:
        announced = (
            Shortlist.objects.filter(stage__edition=edition)
            .order_by("confirmed_at")
            .values_list("confirmed_at", flat=True)
            .first()
        )
    steps.append(
        TimelineStep(
            "results",
            _("Results"),
            announced,
            None,
            DONE if announced else NEXT,
        )
    )
    return steps


def announcements(now=None, limit=5) -> list[Announcement]:
    return list(Announcement.objects.visible(now).select_related("edition")[:limit])


@dataclass
class Figures:
    editions: int
    agencies: int
    proposals: int
    innovations: int


def headline_figures() -> Figures:
    """Totals over every published edition (one query)."""
    totals = Proposal.objects.filter(public_proposal_q()).aggregate(
        editions=Count("edition", distinct=True),
        agencies=Count("agency", distinct=True),
        proposals=Count("pk"),
        innovations=Count("innovation", distinct=True),
    )
    return Figures(**totals)


def recent_innovations(limit=6) -> list[Innovation]:
    rows = list(registry()[:limit])
    mark_rows(rows)
    return rows


def open_vote_windows(now=None) -> list[FavouriteVoteWindow]:
    """Favourite votes running now, in published editions."""
    now = now or timezone.now()
    return list(
        FavouriteVoteWindow.objects.filter(
            enabled=True, opens_at__lte=now, closes_at__gt=now, edition__is_published=True
        )
        .select_related("edition")
        .order_by("closes_at")
    )
