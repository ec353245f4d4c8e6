"""Nothing unpublished or private reaches a public page or response: drafts and proposals not
accepted, unpublished editions, non-public sections, files other than photos, scores, judges."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from innovations.enums import AttachmentKind, ProposalStatus
from innovations.services import save_edition
from judging.enums import Decision, SheetStatus, StageKind
from judging.models import Assignment, Criterion, Score, ScoreSheet, Stage, StageResult
from public.selectors import public_photos, public_proposals
from tests.factories import (
    add_attachment,
    make_agency,
    make_confirmed_shortlist,
    make_edition,
    make_innovation,
    make_judge,
    make_proposal,
    make_track,
    make_vote_window,
)
from tests.public.utils import html, set_text

pytestmark = pytest.mark.django_db

S = ProposalStatus
PRIVATE_MARKERS = [
    "DRAFTX",
    "SUBMITX",
    "BACKX",
    "TOLAKX",
    "TARIKX",
    "BELUMTERBIT",
    "RAHASIA-BAGIAN",
    "Rahasiawati",
    "juri.rahasia",
    "KOMENTAR-JURI",
    "87.65",
    "87,65",
    "dokumen.pdf",
    "/lampiran/",
]


@pytest.fixture
def world():
    """A published edition with one public entry (TERBUKA, shortlisted, scored by a judge) and
    one entry in every other status; an unpublished edition with a verified entry."""
    edition = make_edition(open_now=False, is_published=True, name="KIKS Terbit", slug="terbit")
    track = make_track(edition, "Umum", slug="umum")
    agency = make_agency("Dinas Terbuka", short_name="DTB", slug="dinas-terbuka")
    innovation = make_innovation(agency, name="Layanan Terbuka", acronym="TERBUKA", slug="terbuka")
    public = make_proposal(edition, track=track, innovation=innovation, status=S.VERIFIED)
    set_text(public, "ringkasan", "RINGKASAN-PUBLIK untuk warga")
    set_text(public, "signifikansi", "RAHASIA-BAGIAN angka internal")
    others = {}
    for status, acronym in [
        (S.DRAFT, "DRAFTX"),
        (S.SUBMITTED, "SUBMITX"),
        (S.CHANGES_REQUESTED, "BACKX"),
        (S.REJECTED, "TOLAKX"),
        (S.WITHDRAWN, "TARIKX"),
    ]:
        hidden_agency = make_agency(f"Dinas {acronym}", slug=f"dinas-{acronym.lower()}")
        others[status] = make_proposal(
            edition,
            track=track,
            innovation=make_innovation(
                hidden_agency, acronym=acronym, name=f"Inovasi {acronym}", slug=acronym.lower()
            ),
            status=status,
        )
    unpublished = make_edition(open_now=False, name="KIKS Belum", slug="belum")
    hidden = make_proposal(
        unpublished,
        track=make_track(unpublished, "Umum", slug="umum"),
        innovation=make_innovation(
            make_agency("Dinas Belum", slug="dinas-belum"),
            acronym="BELUMTERBIT",
            name="Inovasi Belum Terbit",
            slug="belumterbit",
        ),
        status=S.VERIFIED,
    )
    make_confirmed_shortlist(track, [public])
    judge = make_judge("juri.rahasia", first_name="Juri", last_name="Rahasiawati")
    stage = Stage.objects.get(edition=edition)
    criterion = Criterion.objects.create(stage=stage, name="Signifikansi", weight=100)
    assignment = Assignment.objects.create(stage=stage, judge=judge, proposal=public, position=1)
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        status=SheetStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=11),
        overall_comment="KOMENTAR-JURI",
        total="87.65",
    )
    Score.objects.create(
        sheet=sheet, criterion=criterion, value="8.76", scale_min=1, scale_max=10, comment="x"
    )
    StageResult.objects.filter(stage=stage, proposal=public).update(mean="87.65", median="87.65")
    make_vote_window(edition)
    return {
        "edition": edition,
        "track": track,
        "public": public,
        "others": others,
        "hidden": hidden,
        "unpublished": unpublished,
    }


def test_public_proposals_are_the_verified_entries_of_published_editions(world):
    assert list(public_proposals().values_list("innovation__acronym", flat=True)) == ["TERBUKA"]


def test_public_photos_are_only_photos_of_public_proposals(world):
    expected = list(world["public"].attachments.filter(kind=AttachmentKind.PHOTO))
    assert list(public_photos()) == expected


def test_unpublishing_an_edition_hides_its_entries(world):
    world["edition"].is_published = False
    save_edition(world["edition"], update_fields=["is_published"])
    assert list(public_proposals()) == []


def _public_urls(world):
    public = world["public"]
    return [
        reverse("home"),
        reverse("public:registry"),
        reverse("public:registry") + "?q=Inovasi",
        reverse("public:registry") + "?edisi=terbit",
        reverse("public:innovation", kwargs={"slug": "terbuka"}),
        reverse("public:agency", kwargs={"slug": public.agency.slug}),
        reverse("public:results_index"),
        reverse("public:results", kwargs={"slug": "terbit"}),
        reverse("public:vote", kwargs={"slug": "terbit"}),
    ]


def test_no_public_page_shows_anything_unpublished_or_private(client, world):
    for url in _public_urls(world):
        response = client.get(url)
        page = html(response)
        assert response.status_code == 200, url
        leaked = [marker for marker in PRIVATE_MARKERS if marker in page]
        assert leaked == [], url


def test_public_pages_show_the_public_entry(client, world):
    page = html(client.get(reverse("public:innovation", kwargs={"slug": "terbuka"})))
    assert "TERBUKA" in page
    assert "RINGKASAN-PUBLIK untuk warga" in page


def test_no_public_page_links_a_file_other_than_a_photo(client, world):
    files = world["public"].attachments.exclude(kind=AttachmentKind.PHOTO)
    assert files.count() >= 2  # SK letter and supporting document exist
    for url in _public_urls(world):
        page = html(client.get(url))
        for attachment in files:
            assert reverse("public:photo", kwargs={"pk": attachment.pk}) not in page, url
            assert attachment.file.name not in page, url


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("public:innovation", {"slug": "draftx"}),
        ("public:innovation", {"slug": "submitx"}),
        ("public:innovation", {"slug": "backx"}),
        ("public:innovation", {"slug": "tolakx"}),
        ("public:innovation", {"slug": "tarikx"}),
        ("public:innovation", {"slug": "belumterbit"}),
        ("public:agency", {"slug": "dinas-draftx"}),
        ("public:agency", {"slug": "dinas-belum"}),
        ("public:results", {"slug": "belum"}),
        ("public:vote", {"slug": "belum"}),
    ],
)
def test_unpublished_things_are_not_found(client, world, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 404


def test_photo_of_a_public_entry_is_served_inline_to_anyone(client, world):
    photo = world["public"].attachments.get(kind=AttachmentKind.PHOTO)
    response = client.get(reverse("public:photo", kwargs={"pk": photo.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'inline; filename="{photo.original_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == photo.file.open("rb").read()


def test_thumbnail_falls_back_to_the_photo_when_none_was_made(client, world):
    photo = world["public"].attachments.get(kind=AttachmentKind.PHOTO)
    response = client.get(reverse("public:photo_thumb", kwargs={"pk": photo.pk}))
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")


def test_no_other_file_is_served(client, world):
    public = world["public"]
    refused = list(public.attachments.exclude(kind=AttachmentKind.PHOTO))
    refused += [
        p.attachments.get(kind=AttachmentKind.PHOTO)
        for p in [*world["others"].values(), world["hidden"]]
    ]
    for attachment in refused:
        for name in ("public:photo", "public:photo_thumb"):
            response = client.get(reverse(name, kwargs={"pk": attachment.pk}))
            assert response.status_code == 404, (attachment.kind, attachment.proposal)


def test_a_shortlist_not_yet_confirmed_is_not_shown(client):
    edition = make_edition(open_now=False, is_published=True, slug="tanpa-sk")
    track = make_track(edition, slug="umum")
    proposal = make_proposal(edition, track=track, status=S.VERIFIED)
    stage = Stage.objects.create(
        edition=edition, kind=StageKind.DESK, order=1, opened_at=timezone.now()
    )
    StageResult.objects.create(
        stage=stage,
        proposal=proposal,
        judges_counted=2,
        mean=80,
        rank=1,
        decision=Decision.SHORTLISTED,
    )
    page = html(client.get(reverse("public:results", kwargs={"slug": "tanpa-sk"})))
    assert "The results of this edition are not published yet." in page
    assert proposal.innovation.acronym not in page


def test_an_innovation_page_shows_only_its_public_entries(client, world):
    current = make_edition(name="KIKS Sedang Berjalan", slug="berjalan")
    make_proposal(current, innovation=world["public"].innovation, status=S.SUBMITTED)
    page = html(client.get(reverse("public:innovation", kwargs={"slug": "terbuka"})))
    assert "KIKS Terbit" in page
    assert "KIKS Sedang Berjalan" not in page


def test_unpublished_photo_added_to_a_public_innovation_in_a_new_edition_stays_private(
    client, world
):
    current = make_edition(name="KIKS Baru", slug="baru")
    draft = make_proposal(current, innovation=world["public"].innovation, status=S.DRAFT)
    new_photo = add_attachment(draft, AttachmentKind.PHOTO)
    page = html(client.get(reverse("public:innovation", kwargs={"slug": "terbuka"})))
    assert reverse("public:photo_thumb", kwargs={"pk": new_photo.pk}) not in page
    response = client.get(reverse("public:photo", kwargs={"pk": new_photo.pk}))
    assert response.status_code == 404
