import io
from datetime import timedelta

import pytest
from django.utils import timezone

from demo import public as demo
from public.models import Announcement, FavouriteVoteWindow
from tests.factories import make_confirmed_shortlist, make_edition, make_public_entry, make_track

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Announcement.objects.order_by("pk").values_list("title", "edition__slug")),
        list(FavouriteVoteWindow.objects.values_list("edition__slug", "opens_at", "closes_at")),
    )


@pytest.fixture
def kiks_2021():
    edition = make_edition(open_now=False, is_published=True, name="KIKS 2021", slug="kiks-2021")
    track = make_track(edition, "Umum", slug="umum")
    make_confirmed_shortlist(track, [make_public_entry(edition, track=track)])
    make_edition(name="KIKS Kini", slug="kini")
    return edition


def test_demo_opens_a_favourite_vote_on_kiks_2021_and_is_idempotent(kiks_2021):
    out = io.StringIO()
    demo.load(stdout=out)
    first = _snapshot()
    demo.load(stdout=io.StringIO())
    assert _snapshot() == first
    window = FavouriteVoteWindow.objects.get()
    assert (window.edition, window.is_open()) == (kiks_2021, True)
    assert [title for title, _slug in first[0]] == [
        "Pendaftaran KIKS Kini dibuka",
        "Top Six KIKS 2021 ditetapkan",
    ]
    assert "favourite vote: KIKS 2021, open until" in out.getvalue()


def test_demo_reopens_an_expired_demo_vote(kiks_2021):
    demo.load()
    now = timezone.now()
    FavouriteVoteWindow.objects.update(
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1)
    )
    demo.load()
    assert FavouriteVoteWindow.objects.get().is_open()


def test_demo_skips_the_vote_without_a_shortlist():
    make_edition(open_now=False, is_published=True, name="KIKS 2021", slug="kiks-2021")
    out = io.StringIO()
    demo.load(stdout=out)
    assert FavouriteVoteWindow.objects.count() == 0
    assert "skipped (KIKS 2021 has no confirmed shortlist" in out.getvalue()
