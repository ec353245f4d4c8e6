"""What a new edition starts with: the standard tracks (the sections are the KIPP 2023 list of
innovations.sections, given by `add_default_sections`). The one definition the first-edition form
(judging.services.create_edition) and the demo data both use.

The texts are data the organiser edits afterwards, in the organiser's language (Indonesian), so
they are stored as written here and not translated.
"""

from typing import NamedTuple

from django.db import transaction

from innovations.models import Track


class TrackSeed(NamedTuple):
    name: str
    shortlist_size: int
    winner_count: int
    description: str


# slug -> the track as a new edition gets it, in the order an edition lists them.
TRACKS: dict[str, TrackSeed] = {
    "umum": TrackSeed("Umum", 6, 3, "Inovasi perangkat daerah dan unit kerjanya."),
    "kewilayahan": TrackSeed("Kewilayahan", 3, 1, "Inovasi kecamatan dan kelurahan."),
    "perumda": TrackSeed("Perumda", 3, 1, "Inovasi perusahaan umum daerah (Perumda) milik kota."),
}
# The tracks a new edition is offered ticked: the agencies, and the city-owned companies.
DEFAULT_TRACKS = ("umum", "perumda")


@transaction.atomic
def add_tracks(edition, slugs, *, descriptions: dict[str, str] | None = None) -> dict[str, Track]:
    """Give `edition` the tracks of TRACKS named by `slugs`, in that order (`descriptions`
    replaces a seed's text), leaving alone those it has already. Returns slug -> Track.

    Side effects: creates the Track rows missing.
    """
    descriptions = descriptions or {}
    tracks = {}
    for order, slug in enumerate(slugs, start=1):
        seed = TRACKS[slug]
        tracks[slug], _created = Track.objects.get_or_create(
            edition=edition,
            slug=slug,
            defaults={
                "name": seed.name,
                "order": order,
                "shortlist_size": seed.shortlist_size,
                "winner_count": seed.winner_count,
                "description": descriptions.get(slug, seed.description),
            },
        )
    return tracks
