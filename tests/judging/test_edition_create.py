"""The organiser's "new edition" page and its service: an empty installation is guided to its
first edition, created with the KIPP sections, the chosen tracks and the desk stage, in one go."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from audit.models import AuditEvent
from innovations.models import Edition
from innovations.sections import KIPP_2023_SECTIONS
from judging.models import Criterion, Stage
from judging.services import JudgingError, create_edition
from tests.factories import make_edition, make_leader, make_organiser
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
URL = "/penyelenggara/edisi-baru/"
WEIGHTED = [key for key, _t, _g, weight, *_ in KIPP_2023_SECTIONS if weight > 0]


def wib(month, day, hour=0, minute=0):
    return datetime.datetime(2027, month, day, hour, minute, tzinfo=WIB)


def seeded(edition):
    """What an edition was created with, as rows."""
    stages = list(Stage.objects.filter(edition=edition).values_list("order", "kind"))
    return {
        "sections": list(edition.sections.order_by("order").values_list("key", flat=True)),
        "tracks": list(
            edition.tracks.order_by("order").values_list(
                "order", "slug", "name", "shortlist_size", "winner_count"
            )
        ),
        "stages": stages,
        "criteria": list(
            Criterion.objects.filter(stage__edition=edition)
            .order_by("order")
            .values_list("section__key", flat=True)
        ),
    }


def form_fields(html):
    """The new-edition form's values as the browser would send them: name -> value (a list for
    the tracks)."""
    data = form_with(html, "tracks").data()
    return {name: values if name == "tracks" else values[0] for name, values in data.items()}


def valid_post(**changes):
    data = {
        "name": "KIKS 2027",
        "year": "2027",
        "submission_opens_at": "2027-02-01T08:00",
        "submission_closes_at": "2027-03-15T23:59",
        "verification_closes_at": "2027-03-29T16:00",
        "tracks": ["umum", "perumda"],
    }
    data.update(changes)
    return data


def test_create_edition_seeds_sections_tracks_and_the_desk_stage_with_its_criteria():
    organiser = make_organiser()

    edition = create_edition(
        name=" KIKS 2027 ",
        year=2027,
        opens_at=wib(2, 1, 8),
        closes_at=wib(3, 15, 23, 59),
        verification_closes_at=wib(3, 29, 16),
        tracks=["perumda", "umum"],
        by=organiser,
    )

    edition.refresh_from_db()
    assert (edition.name, edition.slug, edition.year, edition.is_published) == (
        "KIKS 2027", "kiks-2027", 2027, False,
    )  # fmt: skip
    assert (edition.submission_opens_at, edition.submission_closes_at) == (
        wib(2, 1, 8),
        wib(3, 15, 23, 59),
    )
    assert seeded(edition) == {
        "sections": [key for key, *_ in KIPP_2023_SECTIONS],
        "tracks": [(1, "umum", "Umum", 6, 3), (2, "perumda", "Perumda", 3, 1)],
        "stages": [(1, "desk")],
        "criteria": WEIGHTED,
    }
    event = AuditEvent.objects.get(action="edition.create")
    assert (event.actor, event.object_id) == (organiser, str(edition.pk))
    assert event.after == {
        "name": "KIKS 2027",
        "year": 2027,
        "submission_opens_at": "2027-02-01T08:00:00+07:00",
        "submission_closes_at": "2027-03-15T23:59:00+07:00",
        "verification_closes_at": "2027-03-29T16:00:00+07:00",
        "tracks": ["umum", "perumda"],
        "sections": len(KIPP_2023_SECTIONS),
        "criteria": len(WEIGHTED),
    }


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"name": "KIKS Lama"}, ["An edition with this name exists already."]),
        ({"name": "kiks lama"}, ["An edition with this name exists already."]),
        ({"name": "   "}, ["Give the edition a name."]),
        ({"closes_at": wib(2, 1, 8)}, ["Submission must close after it opens."]),
        (
            {"verification_closes_at": wib(3, 1)},
            ["Verification cannot end before submission closes."],
        ),
        ({"tracks": []}, ["Choose at least one track."]),
        ({"tracks": ["umum", "pendidikan"]}, ["Choose the tracks from the list."]),
        ({"year": 2020}, ["The submission window is not in the edition's year."]),
        (
            {"name": "KIKS Lama", "tracks": [], "closes_at": wib(1, 1)},
            [
                "An edition with this name exists already.",
                "Submission must close after it opens.",
                "Choose at least one track.",
            ],
        ),
    ],
)
def test_create_edition_refuses_with_every_reason_and_creates_nothing(changes, problems):
    make_edition(name="KIKS Lama", slug="kiks-lama")
    arguments = {
        "name": "KIKS 2027",
        "year": 2027,
        "opens_at": wib(2, 1, 8),
        "closes_at": wib(3, 15, 23, 59),
        "verification_closes_at": wib(3, 29, 16),
        "tracks": ["umum"],
        "by": make_organiser(),
    }

    with pytest.raises(JudgingError) as error:
        create_edition(**(arguments | changes))

    assert error.value.messages == problems
    assert list(Edition.objects.values_list("slug", flat=True)) == ["kiks-lama"]
    assert AuditEvent.objects.count() == 0


def test_create_edition_is_the_organisers_only():
    with pytest.raises(JudgingError) as error:
        create_edition(
            name="KIKS 2027",
            year=2027,
            opens_at=wib(2, 1, 8),
            closes_at=wib(3, 15, 23, 59),
            tracks=["umum"],
            by=make_leader(),
        )

    assert error.value.messages == ["Only the organiser (Bagian Organisasi) may do this."]
    assert Edition.objects.count() == 0


# --- the page -----------------------------------------------------------------------------------


def test_empty_installation_points_the_organiser_to_the_new_edition_page(client):
    client.force_login(make_organiser())

    for page in ("/dasbor/", "/penyelenggara/verifikasi/", "/penyelenggara/kepatuhan/"):
        body = client.get(page).content.decode()
        assert body.count("data-first-edition") == 1, page
        assert f'<a class="btn btn-kiks" href="{URL}">' in body, page
        assert "Create the first edition" in body, page


def test_no_call_to_action_once_an_edition_exists(client):
    make_edition()
    client.force_login(make_organiser())

    for page in ("/dasbor/", "/penyelenggara/verifikasi/", "/penyelenggara/kepatuhan/"):
        body = client.get(page).content.decode()
        assert "data-first-edition" not in body, page
    # The dashboard still offers a new edition (next year's) in the organiser's card.
    assert f'<a href="{URL}">New edition</a>' in client.get("/dasbor/").content.decode()


def test_new_edition_page_offers_this_years_edition_and_sent_back_unchanged_creates_it(client):
    client.force_login(make_organiser())

    html = client.get(URL).content.decode()

    fields = form_fields(html)
    today = timezone.localdate()
    opens, closes = today + datetime.timedelta(days=1), today + datetime.timedelta(days=43)
    assert fields == {
        "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
        "name": f"KIKS {today.year}",
        "year": str(today.year),
        "submission_opens_at": f"{opens.isoformat()}T08:00",
        "submission_closes_at": f"{closes.isoformat()}T23:59",
        "verification_closes_at": f"{(closes + datetime.timedelta(days=14)).isoformat()}T23:59",
        "tracks": ["umum", "perumda"],
    }
    response = client.post(URL, form_with(html, "tracks").data())
    edition = Edition.objects.get()
    assert response.url == f"/dasbor/#overview-{edition.pk}"
    assert edition.submission_opens_at == datetime.datetime.combine(opens, datetime.time(8, 0), WIB)


def test_new_edition_page_creates_and_lands_on_the_edition_overview(client):
    client.force_login(make_organiser())

    response = client.post(URL, valid_post())

    edition = Edition.objects.get()
    assert (response.status_code, response.url) == (302, f"/dasbor/#overview-{edition.pk}")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "KIKS 2027 created with the KIPP sections, its tracks and the desk evaluation stage. "
        "Next: add the judges to the stage's panel."
    ]
    assert seeded(edition)["tracks"] == [(1, "umum", "Umum", 6, 3), (2, "perumda", "Perumda", 3, 1)]
    assert edition.verification_closes_at == wib(3, 29, 16)
    dashboard = client.get("/dasbor/").content.decode()
    assert f'<h2 class="h5 card-title mb-1" id="overview-{edition.pk}">KIKS 2027</h2>' in dashboard


def test_new_edition_page_shows_errors_and_keeps_what_was_typed(client):
    make_edition(name="KIKS 2027", slug="kiks-2027")
    client.force_login(make_organiser())

    response = client.post(
        URL,
        valid_post(submission_closes_at="2027-01-15T23:59", tracks=["kewilayahan"]),
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": [
            "An edition with this name exists already.",
            "Submission must close after it opens.",
        ]
    }
    fields = form_fields(response.content.decode())
    assert (fields["name"], fields["submission_closes_at"], fields["tracks"]) == (
        "KIKS 2027",
        "2027-01-15T23:59",
        ["kewilayahan"],
    )
    assert Edition.objects.count() == 1


def test_new_edition_page_speaks_indonesian(client, settings):
    settings.LANGUAGE_CODE = "id"
    client.force_login(make_organiser())

    with translation.override("id"):
        response = client.post(URL, valid_post(name="", year="dua ribu"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["Bidang ini tidak boleh kosong."],
        "year": ["Masukkan keseluruhan angka bilangan."],
    }
