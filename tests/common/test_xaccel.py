"""common.xaccel: a download handed to nginx (X-Accel-Redirect), or None so the app sends it."""

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage

from common.xaccel import accel_response

HEADERS = {
    "Content-Type": "application/pdf",
    "Content-Disposition": 'attachment; filename="laporan akhir.pdf"',
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=3600",
    "Content-Length": "10485760",
}


@pytest.fixture
def accel(settings):
    settings.KIKS_X_ACCEL_PREFIX = "/_media/"
    return settings


def test_off_by_default_the_app_sends_the_file(settings):
    settings.KIKS_X_ACCEL_PREFIX = ""
    name = default_storage.save("proposals/7/a.pdf", ContentFile(b"%PDF-1.4 x"))

    assert accel_response(name, HEADERS) is None


def test_on_an_empty_response_names_the_quoted_file_with_the_download_headers(accel):
    name = default_storage.save("proposals/7/laporan akhir?#%.pdf", ContentFile(b"%PDF-1.4 x"))

    response = accel_response(name, HEADERS)

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/_media/proposals/7/laporan%20akhir%3F%23%25.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan akhir.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=3600"
    # The body's length is nginx's to send, not the empty response's.
    assert "Content-Length" not in response


def test_a_field_file_is_read_from_its_own_storage(accel):
    class Field:  # what a FileField gives: .storage and .name
        storage = default_storage
        name = default_storage.save("proposals/8/thumbs/b.webp", ContentFile(b"RIFF"))

    response = accel_response(Field(), {"Content-Type": "image/webp"})

    assert response["X-Accel-Redirect"] == f"/_media/{Field.name}"
    assert response["Content-Type"] == "image/webp"


def test_without_headers_nginx_chooses_the_type(accel):
    name = default_storage.save("c.png", ContentFile(b"\x89PNG"))

    response = accel_response(name)

    assert response["X-Accel-Redirect"] == "/_media/c.png"
    assert "Content-Type" not in response


def test_a_missing_file_raises_as_opening_it_would(accel):
    with pytest.raises(FileNotFoundError):
        accel_response("proposals/9/gone.pdf", HEADERS)


def test_a_name_leaving_media_root_is_refused(accel):
    with pytest.raises(SuspiciousFileOperation):
        accel_response("../../etc/passwd", HEADERS)


def test_a_local_storage_outside_media_root_is_sent_by_the_app(accel, tmp_path):
    elsewhere = FileSystemStorage(location=tmp_path / "elsewhere")
    name = elsewhere.save("d.pdf", ContentFile(b"%PDF"))

    class Field:
        storage = elsewhere

    Field.name = name
    assert accel_response(Field(), HEADERS) is None


def test_object_storage_is_sent_by_the_app(accel):
    class Bucket(Storage):  # e.g. S3Storage: not a local folder nginx can read
        def exists(self, name):
            return True

    class Field:
        storage = Bucket()
        name = "proposals/7/a.pdf"

    assert accel_response(Field(), HEADERS) is None


def test_the_prefix_must_be_a_folder():
    import subprocess
    import sys

    script = "import kiks.settings"
    for value, refused in (("/_media/", False), ("_media", True), ("/_media", True)):
        env = {"X_ACCEL_PREFIX": value, "SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        assert (done.returncode != 0) is refused, (value, done.stderr[-300:])
        if refused:
            assert "X_ACCEL_PREFIX must start and end with '/'" in done.stderr


# --- wired into the one download helper ------------------------------------------------------


class _Stored:
    """What file_response needs of a FieldFile: its storage, its name, open()."""

    def __init__(self, storage, name):
        self.storage, self.name = storage, name

    def open(self, mode="rb"):
        return self.storage.open(self.name, mode)


@pytest.mark.parametrize("prefix", ["", "/_media/"])
def test_every_download_carries_the_same_headers_with_or_without_nginx(tmp_path, settings, prefix):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    from common.downloads import FILE_HEADERS, file_response

    settings.MEDIA_ROOT = str(tmp_path)
    settings.KIKS_X_ACCEL_PREFIX = prefix
    storage = FileSystemStorage(location=str(tmp_path))
    name = storage.save("proposals/7/SK Kepala Dinas.pdf", ContentFile(b"%PDF-1.4 sk"))
    response = file_response(
        _Stored(storage, name), content_type="application/pdf", filename="SK Kepala Dinas.pdf"
    )

    headers = {header: response[header] for header in FILE_HEADERS}
    assert headers == {
        "Content-Type": "application/pdf",
        "Content-Disposition": 'attachment; filename="SK Kepala Dinas.pdf"',
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
        "Cache-Control": "private, max-age=3600",
    }
    if prefix:
        assert response["X-Accel-Redirect"] == "/_media/proposals/7/SK%20Kepala%20Dinas.pdf"
        assert response.content == b""
    else:
        assert not response.has_header("X-Accel-Redirect")
        assert b"".join(response.streaming_content) == b"%PDF-1.4 sk"


def test_a_missing_file_is_not_found_with_nginx_too(tmp_path, settings):
    from django.core.files.storage import FileSystemStorage
    from django.http import Http404

    from common.downloads import file_response

    settings.MEDIA_ROOT = str(tmp_path)
    settings.KIKS_X_ACCEL_PREFIX = "/_media/"
    with pytest.raises(Http404):
        file_response(
            _Stored(FileSystemStorage(location=str(tmp_path)), "gone.pdf"),
            content_type="application/pdf",
        )
