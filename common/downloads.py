"""One way to send a stored file (an attachment, a photo, a thumbnail, a document): every view
that serves one builds its response here, so every file leaves with the same headers.

- Content-Disposition: images inline (they show in the page), everything else (PDFs) as a
  download, with the cleaned original name;
- X-Content-Type-Options: nosniff (the browser must not guess the type);
- Content-Security-Policy: "default-src 'none'; img-src 'self'; sandbox" (a file opened in the
  browser runs nothing and reaches nothing);
- Cache-Control: "private, max-age=3600" (a browser may keep it, a shared cache never), or
  "public, max-age=3600" for the public portal's photos.

Behind the deployment kit's nginx (KIKS_X_ACCEL_PREFIX set, local storage) the same headers go
on an empty response with X-Accel-Redirect, and nginx sends the bytes (common/xaccel.py), so a
slow download holds no app worker.
"""

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from common.xaccel import accel_response

INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
FALLBACK_NAME = "berkas"
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox"
PRIVATE_CACHE = "private, max-age=3600"
PUBLIC_CACHE = "public, max-age=3600"
# The headers every served file carries (tests/security/test_downloads.py checks them).
FILE_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cache-Control",
)


def file_headers(*, content_type: str, filename: str = "", public: bool = False) -> dict:
    """The headers above for one file: also used for bytes made on request (common.pdf)."""
    return {
        "Content-Type": content_type,
        # Set here, never from the handle: FileResponse would fall back on the storage name.
        "Content-Disposition": content_disposition_header(
            content_type not in INLINE_TYPES, filename or FALLBACK_NAME
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cache-Control": PUBLIC_CACHE if public else PRIVATE_CACHE,
    }


def file_response(stored, *, content_type: str, filename: str = "", public: bool = False):
    """A response for `stored` (a FieldFile) with the headers above: handed to nginx when it
    can serve the file (common/xaccel.py), else a FileResponse; 404 when the file is missing
    from storage."""
    headers = file_headers(content_type=content_type, filename=filename, public=public)
    try:
        accelerated = accel_response(stored, headers)
        if accelerated is not None:
            return accelerated
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response
