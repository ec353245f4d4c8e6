import io

import pytest

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


def test_demo_announces_and_opens_no_vote_of_a_finished_edition(kiks_2021):
    """The real 2021 competition had no favourite vote: the demo opens none, now or later."""
    out = io.StringIO()
    demo.load(stdout=out)
    first = _snapshot()
    demo.load(stdout=io.StringIO())

    assert _snapshot() == first
    assert FavouriteVoteWindow.objects.exists() is False
    assert [title for title, _slug in first[0]] == [
        "Pendaftaran KIKS Kini dibuka",
        "Top Six KIKS 2021 ditetapkan",
    ]
    assert out.getvalue() == "  public: 2 announcements created"
