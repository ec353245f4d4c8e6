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

Modules: entries (what is public), results (shortlists, final ranking, awards, the ballot),
registry, pages (one innovation, one agency), home. Import from here.
"""

from public.selectors.entries import (
    entries_prefetch,
    first_photo,
    photo_prefetch,
    public_answers,
    public_editions,
    public_photos,
    public_proposals,
)
from public.selectors.home import (
    DONE,
    NEXT,
    NOW,
    Figures,
    TimelineStep,
    announcements,
    current_edition,
    headline_figures,
    open_vote_windows,
    recent_innovations,
    timeline,
)
from public.selectors.pages import (
    AgencyYear,
    EntryView,
    InnovationPage,
    agency_years,
    innovation_page,
    public_agencies,
    public_innovations,
)
from public.selectors.registry import (
    REGISTRY_PAGE_SIZE,
    RESULT_CHOICES,
    RESULT_SHORTLISTED,
    RegistryFilters,
    mark_rows,
    registry,
    registry_choices,
)
from public.selectors.results import (
    TrackResults,
    add_final_ranking,
    ballot,
    confirmed_shortlist_results,
    edition_results,
    has_results,
    is_on_ballot,
    latest_results,
    public_awards,
    published_final,
    shortlisted_ids,
    vote_window,
    vote_windows,
)

__all__ = [
    "DONE",
    "NEXT",
    "NOW",
    "REGISTRY_PAGE_SIZE",
    "RESULT_CHOICES",
    "RESULT_SHORTLISTED",
    "AgencyYear",
    "EntryView",
    "Figures",
    "InnovationPage",
    "RegistryFilters",
    "TimelineStep",
    "TrackResults",
    "add_final_ranking",
    "agency_years",
    "announcements",
    "ballot",
    "confirmed_shortlist_results",
    "current_edition",
    "edition_results",
    "entries_prefetch",
    "first_photo",
    "has_results",
    "headline_figures",
    "innovation_page",
    "is_on_ballot",
    "latest_results",
    "mark_rows",
    "open_vote_windows",
    "photo_prefetch",
    "public_agencies",
    "public_answers",
    "public_awards",
    "public_editions",
    "public_innovations",
    "public_photos",
    "public_proposals",
    "published_final",
    "recent_innovations",
    "registry",
    "registry_choices",
    "shortlisted_ids",
    "timeline",
    "vote_window",
    "vote_windows",
]
