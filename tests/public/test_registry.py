import pytest
from django.urls import reverse

from agencies.enums import AgencyKind
from innovations.enums import AttachmentKind, ProposalStatus
from public.selectors import REGISTRY_PAGE_SIZE
from tests.factories import (
    add_attachment,
    make_agency,
    make_confirmed_shortlist,
    make_edition,
    make_innovation,
    make_proposal,
    make_public_entry,
    make_track,
)
from tests.public.utils import html, set_text

pytestmark = pytest.mark.django_db

REGISTRY = reverse("public:registry")


def _acronyms(response) -> list[str]:
    return [innovation.acronym for innovation in response.context["innovations"]]


@pytest.fixture
def catalogue():
    """Two published editions (2021, 2023) with tracks of the same names, four innovations."""
    e2021 = make_edition(open_now=False, is_published=True, year=2021, name="KIKS 2021", slug="k21")
    e2023 = make_edition(open_now=False, is_published=True, year=2023, name="KIKS 2023", slug="k23")
    umum21, umum23 = make_track(e2021, "Umum", slug="umum"), make_track(e2023, "Umum", slug="umum")
    perumda21 = make_track(e2021, "Perumda", slug="perumda")
    rsud = make_agency("RSUD Al-Mulk", short_name="RSAM", slug="rsud-al-mulk", kind=AgencyKind.RSUD)
    kec = make_agency(
        "Kecamatan Gunungpuyuh", short_name="Gunpuy", slug="gunpuy", kind=AgencyKind.KECAMATAN
    )
    pdam = make_agency("Perumda Air Minum", short_name="PDAM", slug="pdam", kind=AgencyKind.PERUMDA)
    cetek = make_innovation(
        rsud, name="Cukup e-KTP dan KK", acronym="Cetek", expansion="Cukup e-KTP dan KK",
        slug="cetek", sdgs=(3, 16), is_digital=False,
    )  # fmt: skip
    sikalem = make_innovation(
        kec, name="Sistem Kotak Layanan", acronym="Sikalem",
        expansion="Sistem Kotak Layanan Elektronik Mandiri", slug="sikalem", sdgs=(16,),
        is_digital=True,
    )  # fmt: skip
    bunut = make_innovation(
        rsud, name="Radio Kesehatan", acronym="Bunut FM", expansion="Radio kesehatan RSUD",
        slug="bunut-fm", sdgs=(3,), is_digital=False,
    )  # fmt: skip
    tirta = make_innovation(
        pdam, name="Tirta Cepat", acronym="Tirta", expansion="Tagihan air daring",
        slug="tirta", sdgs=(6,), is_digital=True,
    )  # fmt: skip
    entries = {
        "cetek21": make_public_entry(e2021, track=umum21, innovation=cetek),
        "cetek23": make_public_entry(e2023, track=umum23, innovation=cetek),
        "sikalem21": make_public_entry(e2021, track=umum21, innovation=sikalem),
        "bunut23": make_public_entry(e2023, track=umum23, innovation=bunut),
        "tirta21": make_public_entry(e2021, track=perumda21, innovation=tirta),
    }
    set_text(entries["bunut23"], "ringkasan", "Siaran penyuluhan jantung sehat setiap pekan")
    set_text(entries["sikalem21"], "signifikansi", "antrean jantung rahasia")  # not public
    make_confirmed_shortlist(umum21, [entries["sikalem21"]])
    return entries


def test_registry_lists_every_published_innovation_newest_edition_first(client, catalogue):
    response = client.get(REGISTRY)
    assert response.status_code == 200
    assert _acronyms(response) == ["Bunut FM", "Cetek", "Sikalem", "Tirta"]
    assert response.context["paginator"].count == 4


@pytest.mark.parametrize(
    "query, expected",
    [
        ("cetek", ["Cetek"]),  # acronym, any case
        ("Elektronik Mandiri", ["Sikalem"]),  # expansion, every word
        ("kotak layanan", ["Sikalem"]),  # name
        ("Al-Mulk", ["Bunut FM", "Cetek"]),  # agency name
        ("PDAM", ["Tirta"]),  # agency short name
        ("jantung", ["Bunut FM"]),  # public text only: Sikalem's word is in a private section
        ("cetek radio", []),  # every word must match
        ("tidak-ada", []),
    ],
)
def test_registry_search(client, catalogue, query, expected):
    response = client.get(REGISTRY, {"q": query})
    assert _acronyms(response) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"edisi": "k21"}, ["Cetek", "Sikalem", "Tirta"]),
        ({"edisi": "k23"}, ["Bunut FM", "Cetek"]),
        ({"kategori": "perumda"}, ["Tirta"]),
        ({"kategori": "umum", "edisi": "k23"}, ["Bunut FM", "Cetek"]),
        ({"jenis": AgencyKind.RSUD}, ["Bunut FM", "Cetek"]),
        ({"jenis": AgencyKind.KECAMATAN}, ["Sikalem"]),
        ({"sdg": "16"}, ["Cetek", "Sikalem"]),
        ({"sdg": "6"}, ["Tirta"]),
        ({"digital": "ya"}, ["Sikalem", "Tirta"]),
        ({"digital": "tidak"}, ["Bunut FM", "Cetek"]),
        ({"hasil": "shortlisted"}, ["Sikalem"]),
        ({"hasil": "shortlisted", "edisi": "k23"}, []),
        ({"q": "rsud", "edisi": "k21"}, ["Cetek"]),
    ],
)
def test_registry_filters(client, catalogue, params, expected):
    response = client.get(REGISTRY, params)
    assert _acronyms(response) == expected


@pytest.mark.parametrize(
    "params", [{"edisi": "tidak-ada"}, {"sdg": "99"}, {"sdg": "x"}, {"digital": "mungkin"}]
)
def test_unknown_filter_values_are_ignored(client, catalogue, params):
    response = client.get(REGISTRY, params)
    assert response.status_code == 200
    assert _acronyms(response) == ["Bunut FM", "Cetek", "Sikalem", "Tirta"]


def test_filter_options_list_published_editions_and_their_tracks(client, catalogue):
    make_track(make_edition(name="KIKS Rahasia", slug="rahasia"), "Kategori Rahasia", slug="x")
    form = client.get(REGISTRY).context["form"]
    assert form.fields["edisi"].choices == [
        ("", "All editions"),
        ("k23", "KIKS 2023"),
        ("k21", "KIKS 2021"),
    ]
    assert form.fields["kategori"].choices == [
        ("", "All tracks"),
        ("perumda", "Perumda"),
        ("umum", "Umum"),
    ]


def test_registry_cards_show_editions_shortlist_and_thumbnail(client, catalogue):
    page = html(client.get(REGISTRY, {"q": "sikalem"}))
    photo = catalogue["sikalem21"].attachments.get(kind=AttachmentKind.PHOTO)
    assert reverse("public:photo_thumb", kwargs={"pk": photo.pk}) in page
    assert reverse("public:innovation", kwargs={"slug": "sikalem"}) in page
    assert "Shortlisted, KIKS 2021" in page
    assert "Kecamatan Gunungpuyuh" in page


def test_registry_paginates(client):
    edition = make_edition(open_now=False, is_published=True)
    agency = make_agency()
    for n in range(REGISTRY_PAGE_SIZE + 1):
        make_public_entry(edition, innovation=make_innovation(agency, acronym=f"A{n:03d}"))
    first = client.get(REGISTRY)
    second = client.get(REGISTRY, {"page": 2})
    assert len(_acronyms(first)) == REGISTRY_PAGE_SIZE
    assert _acronyms(second) == [f"A{REGISTRY_PAGE_SIZE:03d}"]
    assert 'href="?page=2"' in html(first)


def test_pagination_links_keep_the_filters(client):
    edition = make_edition(open_now=False, is_published=True, slug="satu")
    agency = make_agency()
    for n in range(REGISTRY_PAGE_SIZE + 1):
        make_public_entry(edition, innovation=make_innovation(agency, acronym=f"B{n:03d}"))
    page = html(client.get(REGISTRY, {"edisi": "satu"}))
    assert 'href="?edisi=satu&amp;page=2"' in page


def _fill(count: int) -> None:
    """`count` innovations in two editions, each with two photos, half of them shortlisted."""
    editions = [
        make_edition(open_now=False, is_published=True, year=2021 + n, slug=f"qc-{n}")
        for n in range(2)
    ]
    tracks = [make_track(edition, "Umum", slug="umum") for edition in editions]
    chosen = []
    for n in range(count):
        agency = make_agency()
        innovation = make_innovation(agency, sdgs=(3, 4))
        for edition, track in zip(editions, tracks, strict=True):
            entry = make_public_entry(edition, track=track, innovation=innovation)
            add_attachment(entry, AttachmentKind.PHOTO)
            if n % 2 == 0 and edition is editions[0]:
                chosen.append(entry)
        # An entry of another agency still in review: never listed.
        make_proposal(editions[1], track=tracks[1], status=ProposalStatus.SUBMITTED)
    make_confirmed_shortlist(tracks[0], chosen)


# Queries: filter choices (editions, tracks), count, page rows, entries, photos, shortlist marks,
# awards.
REGISTRY_QUERIES = 8


@pytest.mark.parametrize("count", [1, 12])
def test_registry_query_count_does_not_grow_with_rows(client, django_assert_num_queries, count):
    _fill(count)
    with django_assert_num_queries(REGISTRY_QUERIES):
        response = client.get(REGISTRY)
    assert len(response.context["innovations"]) == count


@pytest.mark.parametrize("count", [1, 12])
def test_filtered_registry_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, count
):
    _fill(count)
    params = {
        "q": "Inovasi",
        "edisi": "qc-0",
        "hasil": "shortlisted",
        "sdg": "3",
        "digital": "tidak",
    }
    with django_assert_num_queries(REGISTRY_QUERIES):
        response = client.get(REGISTRY, params)
    assert len(response.context["innovations"]) == (count + 1) // 2
