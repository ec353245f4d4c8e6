"""The registry of published innovations: search, filters, newest edition first."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from innovations.models import (
    Innovation,
    Proposal,
    Track,
    public_proposal_q,
)
from judging.enums import AwardKind
from public.selectors.entries import entries_prefetch, first_photo, public_answers, public_editions
from public.selectors.results import (
    awards_of,
    confirmed_shortlist_results,
    public_awards,
    shortlisted_ids,
)

REGISTRY_PAGE_SIZE = 24
RESULT_SHORTLISTED = "shortlisted"
# The registry's "result" filter: shortlisted, or one kind of award (judging.enums.AwardKind).
RESULT_CHOICES = [RESULT_SHORTLISTED, *AwardKind.values]


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
    return queryset.prefetch_related(*entries_prefetch()).order_by(
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
    """Set `photo`, `entries`, `awards` (each award with its edition) and `shortlisted_editions`
    (those where it was shortlisted without an award) on each innovation of a page (two
    queries)."""
    rows = list(innovations)
    entry_ids = [entry.pk for row in rows for entry in row.public_entries]
    chosen = shortlisted_ids(entry_ids)
    awards = awards_of(entry_ids)
    for row in rows:
        row.entries = row.public_entries
        # The innovation as its newest public entry shows it (a later draft never renames it).
        row.shown = row.public_entries[0] if row.public_entries else None
        row.photo = first_photo(row.public_entries)
        row.awards = [
            (award, entry.edition)
            for entry in row.public_entries
            for award in awards.get(entry.pk, [])
        ]
        row.shortlisted_editions = [
            e.edition for e in row.public_entries if e.pk in chosen and e.pk not in awards
        ]
