"""Files are served only through the permission-checked view."""

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from innovations import selectors
from innovations.enums import AttachmentKind, ProposalStatus
from innovations.models import Proposal
from innovations.selectors import attachment_visible_to, register_attachment_scope
from innovations.services import add_attachment
from tests.factories import (
    make_agency,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    png_bytes,
    uploaded,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return make_proposal(agency=make_agency("Dinas Sosial"))


def _url(attachment, thumbnail=False):
    name = "innovations:attachment_thumbnail" if thumbnail else "innovations:attachment"
    return reverse(name, kwargs={"pk": attachment.pk})


def test_own_agency_downloads_a_pdf_as_attachment(client, proposal):
    client.force_login(make_operator(proposal.agency))
    sk = proposal.attachments.get(kind=AttachmentKind.SK_LETTER)

    response = client.get(_url(sk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dokumen.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_own_agency_sees_a_photo_inline_and_its_thumbnail(client, proposal):
    operator = make_operator(proposal.agency)
    client.force_login(operator)
    photo = add_attachment(
        proposal,
        kind=AttachmentKind.PHOTO,
        uploaded_file=uploaded("taman.png", png_bytes((64, 48))),
        by=operator,
    )

    full = client.get(_url(photo))
    thumb = client.get(_url(photo, thumbnail=True))

    assert (full.status_code, full["Content-Type"]) == (200, "image/png")
    assert full["Content-Disposition"] == 'inline; filename="taman.png"'
    assert full["X-Content-Type-Options"] == "nosniff"
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/webp")
    assert b"".join(thumb.streaming_content)[8:12] == b"WEBP"


def test_photo_without_thumbnail_serves_the_photo_as_its_thumbnail(client, proposal):
    client.force_login(make_operator(proposal.agency))
    photo = proposal.attachments.get(kind=AttachmentKind.PHOTO)  # made by the factory, no thumb

    response = client.get(_url(photo, thumbnail=True))

    assert (response.status_code, response["Content-Type"]) == (200, "image/png")


def test_pdf_has_no_thumbnail(client, proposal):
    client.force_login(make_operator(proposal.agency))
    sk = proposal.attachments.get(kind=AttachmentKind.SK_LETTER)

    assert client.get(_url(sk, thumbnail=True)).status_code == 404


@pytest.mark.parametrize("thumbnail", [False, True])
def test_other_agency_gets_404(client, proposal, thumbnail):
    client.force_login(make_operator(make_agency("Dinas Perhubungan")))
    photo = proposal.attachments.get(kind=AttachmentKind.PHOTO)

    assert client.get(_url(photo, thumbnail)).status_code == 404


@pytest.mark.parametrize("thumbnail", [False, True])
def test_anonymous_is_sent_to_log_in(client, proposal, thumbnail):
    photo = proposal.attachments.get(kind=AttachmentKind.PHOTO)

    response = client.get(_url(photo, thumbnail))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={_url(photo, thumbnail)}"


@pytest.mark.parametrize(
    ("make_user", "handed_in", "draft"),
    [(make_organiser, 200, 404), (make_leader, 200, 404), (make_judge, 404, 404)],
    ids=["organiser", "leadership", "judge without assignment"],
)
def test_other_roles(client, proposal, make_user, handed_in, draft):
    """A handed-in proposal's files open for organisers and leadership; a draft's are the
    agency's own (`agency_only_q`)."""
    client.force_login(make_user())
    submitted = make_proposal(agency=proposal.agency, status=ProposalStatus.SUBMITTED)
    draft_sk = proposal.attachments.get(kind=AttachmentKind.SK_LETTER)
    submitted_sk = submitted.attachments.get(kind=AttachmentKind.SK_LETTER)

    assert (client.get(_url(submitted_sk)).status_code, client.get(_url(draft_sk)).status_code) == (
        handed_in,
        draft,
    )


def test_missing_attachment_is_404(client, proposal):
    client.force_login(make_organiser())

    assert client.get(reverse("innovations:attachment", kwargs={"pk": 999999})).status_code == 404


def test_another_app_can_widen_the_scope(client, proposal, monkeypatch):
    """How the judging app lets an assigned judge open the files of the entries it scores (never
    a draft's: see test_a_scope_never_opens_a_draft)."""
    judge = make_judge()
    Proposal.objects.filter(pk=proposal.pk).update(
        status=ProposalStatus.VERIFIED, submitted_at=timezone.now()
    )
    sk = proposal.attachments.get(kind=AttachmentKind.SK_LETTER)
    monkeypatch.setattr(selectors, "_attachment_scopes", [])
    assert attachment_visible_to(judge, sk) is False

    register_attachment_scope(
        lambda user: Q(proposal_id=proposal.pk) if user.pk == judge.pk else None
    )
    client.force_login(judge)

    assert attachment_visible_to(judge, sk) is True
    assert client.get(_url(sk)).status_code == 200
    assert attachment_visible_to(make_judge(), sk) is False


def test_a_scope_never_opens_a_draft(proposal, monkeypatch):
    judge = make_judge()
    sk = proposal.attachments.get(kind=AttachmentKind.SK_LETTER)
    monkeypatch.setattr(selectors, "_attachment_scopes", [])
    register_attachment_scope(lambda user: Q(proposal_id=proposal.pk))

    assert (proposal.status, attachment_visible_to(judge, sk)) == (ProposalStatus.DRAFT, False)
    assert attachment_visible_to(make_operator(proposal.agency), sk) is True
