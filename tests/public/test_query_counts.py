"""Every public list page costs the same number of queries for one row and for many."""

import pytest
from django.urls import reverse

from innovations.enums import AttachmentKind
from public.models import Announcement
from tests.factories import (
    add_attachment,
    make_agency,
    make_confirmed_shortlist,
    make_edition,
    make_innovation,
    make_public_entry,
    make_track,
    make_vote_window,
)

pytestmark = pytest.mark.django_db


def _edition_with(count: int, *, agency=None):
    """A published edition with a favourite vote, two tracks, `count` shortlisted entries with
    two photos each in each track, all of one agency unless told otherwise."""
    edition = make_edition(open_now=False, is_published=True, slug="qc")
    agency = agency or make_agency(slug="qc-agency")
    for order, name in enumerate(("Umum", "Kewilayahan")):
        track = make_track(edition, name, slug=name.lower(), order=order, shortlist_size=20)
        entries = []
        for _n in range(count):
            entry = make_public_entry(edition, track=track, innovation=make_innovation(agency))
            add_attachment(entry, AttachmentKind.PHOTO)
            entries.append(entry)
        make_confirmed_shortlist(track, entries)
    make_vote_window(edition)
    for n in range(count):
        Announcement.objects.create(title=f"Pengumuman {n}", is_published=True, edition=edition)
    return edition


# (url, queries): the queries are listed beside each page.
PAGES = [
    # current edition (open one, else newest), latest results (edition, tracks, shortlists,
    # entries, published final result), timeline (stages, shortlist date), announcements,
    # figures, recent innovations (rows, entries, photos, shortlist marks, awards), open votes
    (lambda: reverse("home"), 17),
    # agency, entries, photos, shortlist marks
    (lambda: reverse("public:agency", kwargs={"slug": "qc-agency"}), 4),
    # edition, tracks, shortlists, entries, published final result (judging), vote window
    (lambda: reverse("public:results", kwargs={"slug": "qc"}), 6),
    # edition, vote window, tracks, shortlists, entries
    (lambda: reverse("public:vote", kwargs={"slug": "qc"}), 5),
    (lambda: reverse("public:results_index"), 1),
]


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize("url, queries", PAGES)
def test_public_page_query_count_does_not_grow(
    client, django_assert_num_queries, count, url, queries
):
    _edition_with(count)
    with django_assert_num_queries(queries):
        response = client.get(url())
    assert response.status_code == 200
