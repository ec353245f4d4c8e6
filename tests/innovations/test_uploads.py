"""Uploads through the real editor view: the type comes from the content, refusals keep the text,
photos come back clean. Plus the upload rules of the service and the validators."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from innovations.enums import AttachmentKind
from innovations.enums import ProposalStatus as S
from innovations.models import Attachment, SectionTemplate
from innovations.services import WorkflowError, add_attachment, remove_attachment
from innovations.validators import sanitize_filename, with_extension
from tests.factories import (
    bomb_png_bytes,
    jpeg_bytes,
    jpeg_with_gps_bytes,
    make_agency,
    make_operator,
    make_proposal,
    pdf_bytes,
    png_bytes,
    uploaded,
    words,
)
from tests.innovations.utils import answer_texts, editor_data

pytestmark = pytest.mark.django_db

TYPED = "Teks baru yang baru saja diketik operator sebelum mengunggah berkas. " * 3


@pytest.fixture
def draft():
    agency = make_agency("Dinas Perpustakaan dan Kearsipan Daerah")
    return make_proposal(agency=agency, complete=False)


@pytest.fixture
def operator(draft):
    return make_operator(draft.agency)


def _upload(client, proposal, kind, file, **extra):
    data = editor_data(
        proposal,
        texts={"latar_belakang": TYPED},
        action="upload",
        **{"upload-kind": kind, "upload-file": file},
        **extra,
    )
    return client.post(reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}), data)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


@pytest.mark.parametrize(
    ("kind", "name", "content", "message"),
    [
        (
            AttachmentKind.SK_LETTER,
            "SK-kepala-dinas.pdf",
            EXE,
            "“SK-kepala-dinas.pdf” is not a PDF file. Upload this document as a PDF.",
        ),
        (
            AttachmentKind.PHOTO,
            "foto-kegiatan.jpg",
            HTML,
            "“foto-kegiatan.jpg” is not a photo in JPEG, PNG or WebP format.",
        ),
        (
            AttachmentKind.DOCUMENT,
            "data.pdf",
            b"%PDF-1.7\n%broken beyond repair\n",
            "“data.pdf” cannot be opened as a PDF: the file is damaged. Save it again as PDF.",
        ),
        (AttachmentKind.PHOTO, "kosong.png", b"", None),
        (
            AttachmentKind.PHOTO,
            "bom.png",
            bomb_png_bytes(),
            "“bom.png” has too many pixels; a photo may have at most 40 megapixels.",
        ),
        (
            AttachmentKind.PHOTO,
            "bom-kecil.png",
            bomb_png_bytes(7000, 7000),  # 49 megapixels: Pillow only warns; refused all the same
            "“bom-kecil.png” has too many pixels; a photo may have at most 40 megapixels.",
        ),
        (
            AttachmentKind.PHOTO,
            "animasi.gif",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
            "“animasi.gif” is not a photo in JPEG, PNG or WebP format.",
        ),
        (
            AttachmentKind.SK_LETTER,
            "sk.pdf",
            png_bytes(),
            "“sk.pdf” is not a PDF file. Upload this document as a PDF.",
        ),
        (
            AttachmentKind.PHOTO,
            "terpotong.jpg",
            jpeg_bytes((400, 300))[:300],
            "“terpotong.jpg” cannot be read as an image: the file is damaged.",
        ),
    ],
    ids=[
        "executable renamed pdf",
        "html renamed jpg",
        "broken pdf",
        "zero bytes",
        "decompression bomb",
        "decompression bomb below the hard limit",
        "gif",
        "image as sk letter",
        "truncated jpeg",
    ],
)
def test_refused_upload_says_why_and_keeps_the_text(
    client, draft, operator, kind, name, content, message
):
    client.force_login(operator)

    response = _upload(client, draft, kind, uploaded(name, content))

    assert response.status_code == 200
    if message is None:  # an empty file never reaches the service: the form refuses it
        assert response.context["upload_errors"] == ["The submitted file is empty."]
    else:
        assert response.context["upload_errors"] == [message]
    html = response.content.decode()
    assert "The file was not attached (your texts were saved):" in html
    assert TYPED.strip() in html  # the typed text is on the page again
    assert answer_texts(draft)["latar_belakang"] == TYPED.strip()  # and saved as draft
    assert Attachment.objects.filter(proposal=draft).count() == 0


def test_oversized_photo_is_refused_with_the_limit(client, draft, operator, settings):
    settings.KIKS_MAX_PHOTO_BYTES = 1000
    client.force_login(operator)
    big = jpeg_bytes((300, 300), color=(1, 2, 3))
    big += b"\x00" * max(0, 1500 - len(big))

    response = _upload(client, draft, AttachmentKind.PHOTO, uploaded("besar.jpg", big))

    assert response.context["upload_errors"] == [
        "The file “besar.jpg” is larger than 1000\xa0bytes, the most allowed for its kind."
    ]
    assert answer_texts(draft)["latar_belakang"] == TYPED.strip()
    assert Attachment.objects.filter(proposal=draft).count() == 0


def test_oversized_pdf_uses_the_pdf_limit(draft, operator, settings):
    settings.KIKS_MAX_PDF_BYTES = 100
    settings.KIKS_MAX_PHOTO_BYTES = 10_000_000

    with pytest.raises(WorkflowError) as error:
        add_attachment(
            draft,
            kind=AttachmentKind.SK_LETTER,
            uploaded_file=uploaded("sk.pdf", pdf_bytes()),
            by=operator,
        )

    assert error.value.messages == [
        "The file “sk.pdf” is larger than 100\xa0bytes, the most allowed for its kind."
    ]


def test_accepted_jpeg_comes_back_upright_without_exif_and_with_a_thumbnail(
    client, draft, operator
):
    client.force_login(operator)
    original = jpeg_with_gps_bytes((40, 20))
    assert Image.open(io.BytesIO(original)).getexif()  # the phone's photo carries GPS

    response = _upload(
        client,
        draft,
        AttachmentKind.PHOTO,
        uploaded("C:\\Users\\ops\\Foto\\kegiatan\u202egpj.exe", original, "image/jpeg"),
        **{"upload-caption": "Pojok baca taman kota"},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(proposal=draft)
    assert (attachment.kind, attachment.content_type, attachment.caption) == (
        "photo",
        "image/jpeg",
        "Pojok baca taman kota",
    )
    assert attachment.original_name == "kegiatangpj.jpg"
    assert attachment.uploaded_by == operator
    with attachment.file.open("rb") as stored:
        data = stored.read()
    assert attachment.size == len(data)
    photo = Image.open(io.BytesIO(data))
    assert photo.format == "JPEG"
    assert photo.size == (20, 40)  # orientation 6 applied, then dropped
    assert dict(photo.getexif()) == {}
    assert "exif" not in photo.info
    assert b"KameraHP" not in data
    with attachment.thumbnail.open("rb") as thumb:
        thumbnail = Image.open(io.BytesIO(thumb.read()))
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == (20, 40)
    assert answer_texts(draft)["latar_belakang"] == TYPED.strip()


def test_large_photo_is_scaled_down_to_the_longest_side(draft, operator):
    attachment = add_attachment(
        draft,
        kind=AttachmentKind.PHOTO,
        uploaded_file=uploaded("lebar.png", png_bytes((3000, 1000))),
        by=operator,
    )

    with attachment.file.open("rb") as stored:
        photo = Image.open(io.BytesIO(stored.read()))
    with attachment.thumbnail.open("rb") as thumb:
        thumbnail = Image.open(io.BytesIO(thumb.read()))
    assert (photo.format, photo.size) == ("PNG", (2560, 853))
    assert thumbnail.size == (480, 160)


def test_accepted_pdf_is_stored_as_uploaded(client, draft, operator):
    client.force_login(operator)
    content = pdf_bytes()
    section = SectionTemplate.objects.get(edition=draft.edition, key="signifikansi")

    response = _upload(
        client,
        draft,
        AttachmentKind.DOCUMENT,
        uploaded("../../etc/data dukung.PDF", content, "application/pdf"),
        **{"upload-section": str(section.pk)},
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(proposal=draft)
    assert (attachment.original_name, attachment.section, attachment.content_type) == (
        "data dukung.PDF",
        section,
        "application/pdf",
    )
    assert not attachment.thumbnail
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    assert attachment.file.name.startswith(f"proposals/{draft.pk}/")
    assert attachment.file.name.endswith(".pdf")


def test_section_is_dropped_for_photos_in_the_form(client, draft, operator):
    client.force_login(operator)
    section = SectionTemplate.objects.get(edition=draft.edition, key="signifikansi")

    _upload(
        client,
        draft,
        AttachmentKind.PHOTO,
        uploaded("foto.png", png_bytes()),
        **{"upload-section": str(section.pk)},
    )

    assert Attachment.objects.get(proposal=draft).section is None


def test_new_sk_letter_replaces_the_old_one(draft, operator, django_capture_on_commit_callbacks):
    first = add_attachment(
        draft,
        kind=AttachmentKind.SK_LETTER,
        uploaded_file=uploaded("a.pdf", pdf_bytes()),
        by=operator,
    )
    storage, old_name = first.file.storage, first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        second = add_attachment(
            draft,
            kind=AttachmentKind.SK_LETTER,
            uploaded_file=uploaded("b.pdf", pdf_bytes()),
            by=operator,
        )

    assert list(Attachment.objects.filter(proposal=draft)) == [second]
    assert not storage.exists(old_name)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.VERIFIED, S.REJECTED, S.WITHDRAWN])
def test_no_upload_or_removal_outside_the_editable_states(status, operator):
    proposal = make_proposal(agency=operator.memberships.get().agency, status=status)
    photo = proposal.attachments.get(kind=AttachmentKind.PHOTO)
    message = (
        f"This proposal is “{S(status).label}”: it can be changed only while it is a draft or "
        "after the organiser asks for changes."
    )

    with pytest.raises(WorkflowError) as error:
        add_attachment(
            proposal,
            kind=AttachmentKind.PHOTO,
            uploaded_file=uploaded("x.png", png_bytes()),
            by=operator,
        )
    assert error.value.messages == [message]
    with pytest.raises(WorkflowError) as error:
        remove_attachment(photo, by=operator)
    assert error.value.messages == [message]
    assert proposal.attachments.count() == 3


def test_upload_allowed_when_changes_are_requested(operator):
    proposal = make_proposal(agency=operator.memberships.get().agency, status=S.CHANGES_REQUESTED)

    add_attachment(
        proposal,
        kind=AttachmentKind.PHOTO,
        uploaded_file=uploaded("x.png", png_bytes()),
        by=operator,
    )

    assert proposal.attachments.filter(kind=AttachmentKind.PHOTO).count() == 2


def test_operator_of_another_agency_cannot_upload_or_remove(draft):
    stranger = make_operator(make_agency("Dinas Sosial"))
    message = "Only an operator of Dinas Perpustakaan dan Kearsipan Daerah may do this."

    with pytest.raises(WorkflowError) as error:
        add_attachment(
            draft,
            kind=AttachmentKind.PHOTO,
            uploaded_file=uploaded("x.png", png_bytes()),
            by=stranger,
        )
    assert error.value.messages == [message]


def test_remove_through_the_editor_saves_the_text_and_deletes_the_file(
    client, draft, operator, django_capture_on_commit_callbacks
):
    attachment = add_attachment(
        draft, kind=AttachmentKind.PHOTO, uploaded_file=uploaded("x.png", png_bytes()), by=operator
    )
    storage, name, thumb = attachment.file.storage, attachment.file.name, attachment.thumbnail.name
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("innovations:proposal_edit", kwargs={"pk": draft.pk}),
            editor_data(draft, texts={"ringkasan": words(40)}, remove=str(attachment.pk)),
        )

    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("innovations:proposal_edit", kwargs={"pk": draft.pk}) + "#files"
    )
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert (storage.exists(name), storage.exists(thumb)) == (False, False)
    assert answer_texts(draft)["ringkasan"] == words(40)


def test_section_of_another_edition_is_refused(draft, operator):
    other = make_proposal(complete=False)
    section = other.edition.sections.get(key="signifikansi")

    with pytest.raises(WorkflowError) as error:
        add_attachment(
            draft,
            kind=AttachmentKind.DOCUMENT,
            uploaded_file=uploaded("d.pdf", pdf_bytes()),
            section=section,
            by=operator,
        )
    assert error.value.messages == ["Choose a section of this proposal."]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("foto.jpg", "foto.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\Desktop\\SK final.pdf", "SK final.pdf"),
        ("bad\x00na\x1fme\r\n.pdf", "badname.pdf"),
        ("foto\u202egnp.exe", "fotognp.exe"),
        ("   ..  ", "berkas"),
        ("", "berkas"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("  spasi   ganda  .pdf ", "spasi ganda .pdf"),
    ],
)
def test_sanitize_filename(raw, clean):
    assert sanitize_filename(raw) == clean
    assert len(sanitize_filename(raw)) <= 120


@pytest.mark.parametrize(
    ("name", "extension", "result"),
    [
        ("foto.jpeg", ".jpg", "foto.jpeg"),
        ("foto.JPG", ".jpg", "foto.JPG"),
        ("foto.png", ".jpg", "foto.jpg"),
        ("surat.html", ".pdf", "surat.pdf"),
        ("surat", ".pdf", "surat.pdf"),
    ],
)
def test_download_name_ends_with_the_real_type(name, extension, result):
    assert with_extension(name, extension) == result
