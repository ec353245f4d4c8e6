import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from innovations.enums import AttachmentKind, ProposalStatus
from judging.enums import StageKind
from judging.models import Stage
from public.models import Announcement
from tests.factories import (
    make_agency,
    make_confirmed_shortlist,
    make_edition,
    make_innovation,
    make_proposal,
    make_public_entry,
    make_track,
    make_vote_window,
)
from tests.public.utils import html, set_text

pytestmark = pytest.mark.django_db


def _meta(page: str) -> dict[str, str]:
    """Open Graph and Twitter card tags of a page: {property or name: content}."""
    return dict(
        re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)"', page)
    )


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


@pytest.fixture
def cendol():
    edition = make_edition(
        open_now=False, is_published=True, year=2021, name="KIKS 2021", slug="kiks-2021"
    )
    track = make_track(edition, "Umum", slug="umum")
    agency = make_agency(
        "Dinas Perpustakaan dan Kearsipan Daerah", short_name="Dispusipda", slug="dispusipda"
    )
    innovation = make_innovation(
        agency,
        name="Cerita dan Dongeng Online",
        acronym="Cendol",
        expansion="Cerita dan dongeng online",
        slug="cendol",
        sdgs=(4, 10),
        is_digital=True,
    )
    entry = make_public_entry(edition, track=track, innovation=innovation)
    set_text(entry, "ringkasan", "Dongeng   anak dibacakan\nsecara daring setiap malam.")
    make_confirmed_shortlist(track, [entry], decree_number="050/Kep.77-Org/2021")
    return entry


# --- Home ------------------------------------------------------------------------------------


def test_home_shows_the_open_edition_and_its_timeline(client):
    edition = make_edition(name="KIKS Tahun Ini", slug="kini")
    response = client.get(reverse("home"))
    page = html(response)
    assert response.context["edition"] == edition
    steps = [(step.key, step.state) for step in response.context["steps"]]
    assert steps == [
        ("submission", "now"),
        ("verification", "now"),
        ("desk", "next"),
        ("interviews", "next"),
        ("results", "next"),
    ]
    assert "KIKS Tahun Ini" in page
    assert "Submission window" in page
    assert "Date to be announced" in page


def test_home_timeline_follows_the_judging_stages(client):
    now = timezone.now()
    edition = make_edition(open_now=False, name="KIKS Penilaian", slug="nilai")
    Stage.objects.create(
        edition=edition,
        kind=StageKind.DESK,
        order=1,
        opened_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=4),
    )
    response = client.get(reverse("home"))
    steps = {step.key: step for step in response.context["steps"]}
    assert [steps[key].state for key in ("submission", "verification", "desk", "interviews")] == [
        "done",
        "done",
        "now",
        "next",
    ]
    assert steps["desk"].ends == now + timedelta(days=4)


def test_home_shows_published_announcements_only(client):
    now = timezone.now()
    Announcement.objects.create(title="Pengumuman Terbit", is_published=True)
    Announcement.objects.create(title="Draf Pengumuman", is_published=False)
    Announcement.objects.create(
        title="Pengumuman Besok", is_published=True, published_at=now + timedelta(days=1)
    )
    page = html(client.get(reverse("home")))
    assert "Pengumuman Terbit" in page
    assert "Draf Pengumuman" not in page
    assert "Pengumuman Besok" not in page


def test_home_figures_count_published_entries_only(client, cendol):
    agency = make_agency()
    make_public_entry(cendol.edition, track=cendol.track, agency=agency)
    make_public_entry(cendol.edition, track=cendol.track, agency=agency)
    make_proposal(cendol.edition, track=cendol.track, status=ProposalStatus.SUBMITTED)
    make_proposal(make_edition(), status=ProposalStatus.VERIFIED)  # unpublished edition
    figures = client.get(reverse("home")).context["figures"]
    assert (figures.editions, figures.agencies, figures.proposals, figures.innovations) == (
        1,
        2,
        3,
        3,
    )


def test_home_shows_the_latest_shortlist_with_its_decree(client, cendol):
    page = html(client.get(reverse("home")))
    assert "Shortlist of KIKS 2021" in page
    assert "050/Kep.77-Org/2021" in page
    assert reverse("public:innovation", kwargs={"slug": "cendol"}) in page


def test_home_invites_to_an_open_favourite_vote(client, cendol):
    make_vote_window(cendol.edition)
    page = html(client.get(reverse("home")))
    assert reverse("public:vote", kwargs={"slug": "kiks-2021"}) in page


def test_home_works_with_an_empty_database(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["edition"] is None
    assert "Log in" in html(response)


def test_home_keeps_the_dashboard_button_for_signed_in_users(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("budi", password="x"))
    assert reverse("dashboard") in html(client.get(reverse("home")))


# --- Innovation page -------------------------------------------------------------------------


def test_innovation_page_shows_what_the_public_may_see(client, cendol):
    response = client.get(reverse("public:innovation", kwargs={"slug": "cendol"}))
    page = html(response)
    photo = cendol.attachments.get(kind=AttachmentKind.PHOTO)
    assert response.status_code == 200
    assert "Cendol" in page
    assert "Cerita dan dongeng online" in page
    assert reverse("public:agency", kwargs={"slug": "dispusipda"}) in page
    assert "Dongeng   anak dibacakan" in page
    assert reverse("public:photo_thumb", kwargs={"pk": photo.pk}) in page
    assert 'href="https://video.example/kiks"' in page
    assert reverse("public:results", kwargs={"slug": "kiks-2021"}) in page
    assert "050/Kep.77-Org/2021" in page
    assert "4. Quality education" in page


def test_innovation_page_title_description_and_preview_tags(client, cendol):
    page = html(client.get(reverse("public:innovation", kwargs={"slug": "cendol"})))
    photo = cendol.attachments.get(kind=AttachmentKind.PHOTO)
    assert _title(page) == "Cendol (Cerita dan dongeng online) · Pemerintah Kota Sukabumi"
    description = "Dongeng anak dibacakan secara daring setiap malam."
    assert f'<meta name="description" content="{description}">' in page
    assert _meta(page) == {
        "og:type": "article",
        "og:site_name": "KIKS · Pemerintah Kota Sukabumi",
        "og:title": "Cendol (Cerita dan dongeng online)",
        "og:description": description,
        "og:url": "http://testserver/inovasi/cendol/",
        "og:locale": "en_US",
        "og:image": f"http://testserver/foto/{photo.pk}/",
        "og:image:alt": "Cendol (Cerita dan dongeng online)",
        "twitter:card": "summary_large_image",
        "twitter:title": "Cendol (Cerita dan dongeng online)",
        "twitter:description": description,
        "twitter:image": f"http://testserver/foto/{photo.pk}/",
    }


def test_innovation_page_in_indonesian_by_default(client, cendol, settings):
    settings.LANGUAGE_CODE = "id"
    page = html(client.get(reverse("public:innovation", kwargs={"slug": "cendol"})))
    assert '<html lang="id">' in page
    assert _meta(page)["og:locale"] == "id_ID"


@pytest.mark.parametrize("url_name", ["public:registry", "public:results_index", "home"])
def test_list_pages_have_titles_and_preview_tags(client, cendol, url_name):
    page = html(client.get(reverse(url_name)))
    tags = _meta(page)
    assert tags["og:title"] != ""
    assert tags["og:description"] != ""
    assert tags["twitter:card"] == "summary"
    assert _title(page).startswith(tags["og:title"])


# --- Agency and results ----------------------------------------------------------------------


def test_agency_page_lists_its_innovations_over_the_years(client, cendol):
    later = make_edition(open_now=False, is_published=True, year=2023, name="KIKS 2023")
    make_public_entry(
        later,
        innovation=make_innovation(cendol.agency, acronym="Perpusling", slug="perpusling"),
    )
    response = client.get(reverse("public:agency", kwargs={"slug": "dispusipda"}))
    years = [
        (year.edition.name, [entry.innovation.acronym for entry in year.entries])
        for year in response.context["years"]
    ]
    assert years == [("KIKS 2023", ["Perpusling"]), ("KIKS 2021", ["Cendol"])]
    assert _title(html(response)).startswith("Dinas Perpustakaan dan Kearsipan Daerah")


def test_results_page_lists_the_shortlist_alphabetically_with_its_decree(client, cendol):
    perumda = make_track(
        cendol.edition, "Perumda", slug="perumda", order=2, shortlist_size=2, winner_count=1
    )
    entries = [
        make_public_entry(
            cendol.edition,
            track=perumda,
            innovation=make_innovation(make_agency(), acronym=acronym),
        )
        for acronym in ("Zeta", "Alfa")
    ]
    make_confirmed_shortlist(perumda, entries, decree_number="SK-2")
    response = client.get(reverse("public:results", kwargs={"slug": "kiks-2021"}))
    tracks = [
        (item.track.name, item.decree_ref, [p.innovation.acronym for p in item.entries])
        for item in response.context["tracks"]
    ]
    decree_date = (timezone.now() - timedelta(days=5)).date().strftime("%d-%m-%Y")
    assert tracks == [
        ("Umum", f"050/Kep.77-Org/2021 ({decree_date})", ["Cendol"]),
        ("Perumda", f"SK-2 ({decree_date})", ["Alfa", "Zeta"]),
    ]
    page = html(response)
    assert "The final ranking is published after the presentations and interviews." in page
    assert "Results of KIKS 2021" in _title(page)


def test_results_page_says_when_nothing_is_published_yet(client):
    edition = make_edition(open_now=False, is_published=True, slug="menunggu")
    make_public_entry(edition)
    page = html(client.get(reverse("public:results", kwargs={"slug": "menunggu"})))
    assert "The results of this edition are not published yet." in page


def test_results_index_lists_published_editions(client, cendol):
    make_edition(name="KIKS Rahasia")
    response = client.get(reverse("public:results_index"))
    assert [edition.name for edition in response.context["editions"]] == ["KIKS 2021"]


def test_navigation_links_the_registry_and_results_for_everyone(client):
    page = html(client.get(reverse("public:registry")))
    assert f'href="{reverse("public:registry")}"' in page
    assert f'href="{reverse("public:results_index")}"' in page


def test_pages_render_in_english_when_chosen(client, cendol, settings):
    settings.LANGUAGE_CODE = "id"
    client.cookies["kiks_language"] = "en"
    page = html(client.get(reverse("public:registry")))
    assert '<html lang="en">' in page
    assert "Innovation registry" in page


def test_innovation_page_query_count_is_fixed(client, cendol, django_assert_num_queries):
    # Innovation, its agency, SDGs, entries, photos, shortlists, shortlist results, public texts,
    # external recognitions (judging).
    with django_assert_num_queries(9):
        client.get(reverse("public:innovation", kwargs={"slug": "cendol"}))
