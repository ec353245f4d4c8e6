"""PDF files made on the server from the same templates as the pages (WeasyPrint).

`render_pdf(template, context)` renders a Django template to HTML and WeasyPrint lays it out on A4;
`pdf_response(...)` sends the bytes with the download headers every file leaves with
(common.downloads). WeasyPrint fetches nothing from the network: `local_fetcher` answers
`/static/...` from the static files (finders in development, STATIC_ROOT in production) and
`/media/...` from the default storage (the letterhead's logo), and refuses every other address.

Fonts come from the machine (fontconfig): Debian's fonts-liberation2 (Liberation Serif/Sans, the
metrics of Times New Roman and Arial used in government letters) and fonts-dejavu-core as the
fallback (docs/deployment.md).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string

from common.downloads import file_headers

BASE_URL = "http://kiks.invalid/"
PDF_TYPE = "application/pdf"


class PdfFetchRefused(ValueError):
    """A document asked for something that is not one of our own files."""


def _static_path(name: str) -> Path | None:
    found = finders.find(name)
    if found:
        return Path(found)
    root = getattr(settings, "STATIC_ROOT", None)
    if root and (Path(root) / name).is_file():
        return Path(root) / name
    return None


def local_fetcher(url: str, timeout: int = 10, ssl_context=None, **kwargs):
    """WeasyPrint's url_fetcher: our static and media files only, never the network."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    path = unquote(parts.path)
    static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
    if path.startswith(static_url):
        found = _static_path(path[len(static_url) :])
        if found is None:
            raise PdfFetchRefused(f"no static file {path}")
        return {
            "string": found.read_bytes(),
            "mime_type": mimetypes.guess_type(found.name)[0] or "application/octet-stream",
            "redirected_url": url,
        }
    if path.startswith(settings.MEDIA_URL):
        name = path[len(settings.MEDIA_URL) :]
        if ".." in name.split("/") or not default_storage.exists(name):
            raise PdfFetchRefused(f"no stored file {path}")
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
        return {
            "string": data,
            "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "redirected_url": url,
        }
    raise PdfFetchRefused(f"documents fetch only the portal's own files, not {url}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=local_fetcher).write_pdf()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The PDF of `template_name` (a template extending documents/pdf_base.html)."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """Send generated PDF bytes with the headers of every file the portal serves (a download)."""
    response = HttpResponse(pdf, content_type=PDF_TYPE)
    for name, value in file_headers(content_type=PDF_TYPE, filename=filename).items():
        response[name] = value
    response["Content-Length"] = str(len(pdf))
    return response
