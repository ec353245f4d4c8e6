"""Hostile uploads through the real editor, beyond tests/innovations/test_uploads.py (which
covers executables and HTML renamed, damaged PDFs, zero bytes, decompression bombs, GIFs and the
size limits): SVG with script, a JPEG carrying a zip, hostile file names, and for every refusal
nothing written to storage, the typed text kept, and the message in Indonesian from the
catalogue."""

import io
import zipfile
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innovations.enums import AttachmentKind
from innovations.models import Attachment
from tests.factories import (
    bomb_png_bytes,
    jpeg_bytes,
    make_agency,
    make_operator,
    make_proposal,
    pdf_bytes,
    uploaded,
)
from tests.innovations.utils import answer_texts, editor_data

pytestmark = pytest.mark.django_db

TYPED = "Teks latar belakang yang diketik operator sebelum mengunggah berkas berbahaya."
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML_SVG = b"<html><body><svg><script>fetch('/usulan/')</script></svg></body></html>"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 300
SHELL = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"
PHP_IN_JPG = b"\xff\xd8\xff\xe0<?php system($_GET['c']); ?>"


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\x00" * 100)
    return buffer.getvalue()


def _files_under_media() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _indonesian(msgid: str, **params) -> str:
    """The catalogue's Indonesian text of `msgid` (so the test proves the message goes through
    gettext, and stays true when the translator rewords it)."""
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/id/LC_MESSAGES/django.po"))
    entry = catalogue.find(msgid)
    assert entry is not None and entry.msgstr and entry.msgstr != msgid, msgid
    return entry.msgstr % params


@pytest.fixture
def draft():
    return make_proposal(agency=make_agency("Dinas Uji Berkas"), complete=False)


@pytest.fixture
def operator_client(client, draft):
    client.force_login(make_operator(draft.agency))
    return client


def _upload(client, proposal, kind, file):
    data = editor_data(
        proposal,
        texts={"latar_belakang": TYPED},
        action="upload",
        **{"upload-kind": kind, "upload-file": file},
    )
    return client.post(reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}), data)


NOT_A_PHOTO = "“%(name)s” is not a photo in JPEG, PNG or WebP format."
NOT_A_PDF = "“%(name)s” is not a PDF file. Upload this document as a PDF."
TOO_MANY_PIXELS = (
    "“%(name)s” has too many pixels; a photo may have at most %(megapixels)d megapixels."
)
TOO_LARGE = "The file “%(name)s” is larger than %(limit)s, the most allowed for its kind."

HOSTILE = [
    # (id, kind, name, content, msgid, params)
    ("svg with script", AttachmentKind.PHOTO, "logo.svg", SVG, NOT_A_PHOTO, {"name": "logo.svg"}),
    ("svg renamed jpg", AttachmentKind.PHOTO, "foto.jpg", SVG, NOT_A_PHOTO, {"name": "foto.jpg"}),
    ("svg as pdf", AttachmentKind.SK_LETTER, "sk.pdf", SVG, NOT_A_PDF, {"name": "sk.pdf"}),
    ("html with svg", AttachmentKind.PHOTO, "a.png", HTML_SVG, NOT_A_PHOTO, {"name": "a.png"}),
    ("elf renamed pdf", AttachmentKind.DOCUMENT, "data.pdf", ELF, NOT_A_PDF, {"name": "data.pdf"}),
    ("script renamed jpg", AttachmentKind.PHOTO, "x.jpg", SHELL, NOT_A_PHOTO, {"name": "x.jpg"}),
    ("php behind jpeg magic", AttachmentKind.PHOTO, "p.jpg", PHP_IN_JPG,
     "“%(name)s” cannot be read as an image: the file is damaged.", {"name": "p.jpg"}),
    ("zip renamed pdf", AttachmentKind.SK_LETTER, "sk.pdf", _zip_bytes(), NOT_A_PDF,
     {"name": "sk.pdf"}),
    ("bomb", AttachmentKind.PHOTO, "bom.png", bomb_png_bytes(), TOO_MANY_PIXELS,
     {"name": "bom.png", "megapixels": 40}),
    ("traversal and bad content", AttachmentKind.PHOTO, "../../../etc/passwd.jpg", SHELL,
     NOT_A_PHOTO, {"name": "passwd.jpg"}),
    ("control chars and bad content", AttachmentKind.SK_LETTER, "s\x00k\x1b[31m.pdf", ELF,
     NOT_A_PDF, {"name": "sk[31m.pdf"}),
    ("300-char name and bad content", AttachmentKind.SK_LETTER, "b" * 300 + ".pdf", ELF,
     NOT_A_PDF, {"name": "b" * 116 + ".pdf"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "name", "content", "msgid", "params"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_file_is_refused_in_indonesian_nothing_stored_text_kept(
    operator_client, draft, kind, name, content, msgid, params
):
    before = _files_under_media()

    with translation.override("id"):
        response = _upload(operator_client, draft, kind, uploaded(name, content))

    assert response.status_code == 200
    assert response.context["upload_errors"] == [_indonesian(msgid, **params)]
    assert _files_under_media() == before
    assert Attachment.objects.filter(proposal=draft).count() == 0
    assert answer_texts(draft)["latar_belakang"] == TYPED
    assert TYPED in response.content.decode()


def test_oversized_file_is_refused_before_it_is_read_whole(operator_client, draft, settings):
    settings.KIKS_MAX_PDF_BYTES = 2048
    before = _files_under_media()

    with translation.override("id"):
        response = _upload(
            operator_client, draft, AttachmentKind.SK_LETTER,
            uploaded("besar.pdf", pdf_bytes() + b"%" * 4096),
        )  # fmt: skip

    assert response.context["upload_errors"] == [
        _indonesian(TOO_LARGE, name="besar.pdf", limit="2,0\xa0KB")
    ]
    assert _files_under_media() == before
    assert answer_texts(draft)["latar_belakang"] == TYPED


def test_zero_byte_file_is_refused_and_nothing_stored(operator_client, draft):
    before = _files_under_media()

    response = _upload(operator_client, draft, AttachmentKind.PHOTO, uploaded("nol.jpg", b""))

    assert response.status_code == 200
    assert len(response.context["upload_errors"]) == 1
    assert _files_under_media() == before
    assert answer_texts(draft)["latar_belakang"] == TYPED


def test_jpeg_with_an_appended_zip_is_stored_reencoded_without_the_zip(operator_client, draft):
    """Decision: a JPEG with trailing data is a valid image; the photo is re-encoded by Pillow,
    so whatever was appended (here a zip: a polyglot file) is not in what we store or serve."""
    polyglot = jpeg_bytes((64, 48)) + _zip_bytes()
    assert b"PK\x03\x04" in polyglot

    response = _upload(operator_client, draft, AttachmentKind.PHOTO, uploaded("f.jpg", polyglot))

    assert response.status_code == 302
    photo = Attachment.objects.get(proposal=draft, kind=AttachmentKind.PHOTO)
    stored = photo.file.read()
    assert stored.startswith(b"\xff\xd8") and b"PK\x03\x04" not in stored
    assert b"payload.exe" not in stored
    assert photo.thumbnail and b"PK\x03\x04" not in photo.thumbnail.read()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../../etc/cron.d/evil.pdf", "evil.pdf"),
        ("..\\..\\windows\\system32\\sk.pdf", "sk.pdf"),
        ("sk\x07\tlap\x1boran\x7f.pdf", "sklaporan.pdf"),
        ("surat\u202efdp.exe", "suratfdp.pdf"),
        ("s" * 300 + ".pdf", "s" * 116 + ".pdf"),
    ],
    ids=["unix traversal", "windows traversal", "control characters", "rtl override", "300"],
)
def test_hostile_names_are_made_safe_and_stored_inside_media(operator_client, draft, name, shown):
    """Decision: a valid file under a hostile name is accepted under a cleaned name (the
    operator's content is not lost); the name never becomes a path."""
    media = Path(settings.MEDIA_ROOT).resolve()

    response = _upload(
        operator_client, draft, AttachmentKind.SK_LETTER, uploaded(name, pdf_bytes())
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(proposal=draft)
    assert attachment.original_name == shown
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(media)
    assert "/" not in attachment.original_name and "\\" not in attachment.original_name
    assert len(Path(attachment.file.name).name) <= 120
    assert _files_under_media() == [stored]
    download = operator_client.get(reverse("innovations:attachment", args=[attachment.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "/" not in download["Content-Disposition"].split("filename", 1)[1]
