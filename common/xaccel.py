"""Downloads handed to nginx: the app checks permission, nginx sends the bytes.

With KIKS_X_ACCEL_PREFIX set (env X_ACCEL_PREFIX, e.g. "/_media/") and a file in the local
FileSystemStorage under MEDIA_ROOT, `accel_response` answers with an empty body and
`X-Accel-Redirect: <prefix><quoted file name>`; nginx's `internal` location for that prefix
(deploy/nginx/kiks.conf, `alias` MEDIA_ROOT) sends the file, so a slow download of a 10 MB PDF holds
no gunicorn worker. Otherwise (prefix empty, object storage, a file outside MEDIA_ROOT) it returns
None and the caller sends the file itself.

The response carries the download headers the caller gives (Content-Type, Content-Disposition,
X-Content-Type-Options, Cache-Control, Content-Security-Policy...). nginx keeps Content-Type,
Content-Disposition, Cache-Control and Set-Cookie of an X-Accel-Redirect response; the kit's
internal location adds back nosniff and passes the app's Content-Security-Policy on.
"""

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import HttpResponse

# Describe the file's body, which nginx now sends: never copied onto the empty response.
BODY_HEADERS = {"content-length", "content-encoding", "content-range", "transfer-encoding"}


def accel_path(storage, name: str) -> str | None:
    """The X-Accel-Redirect value for `name` in `storage`, or None when nginx cannot serve it."""
    prefix = getattr(settings, "KIKS_X_ACCEL_PREFIX", "")
    if not prefix or not isinstance(storage, FileSystemStorage) or not name:
        return None
    # storage.path refuses names that leave the storage's folder (SuspiciousFileOperation).
    absolute = Path(storage.path(name)).resolve()
    try:
        relative = absolute.relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError:
        return None  # another folder than the one nginx's internal location aliases
    return quote(prefix + relative.as_posix(), safe="/")


def accel_response(
    file_field_or_name, response_headers: Mapping[str, str] | None = None
) -> HttpResponse | None:
    """An empty response telling nginx to send the stored file, or None when X-Accel is off or
    does not apply (then send the file yourself).

    `file_field_or_name`: a FieldFile (its own storage) or a name in default_storage.
    `response_headers`: the download headers, as a FileResponse would carry them.
    Raises FileNotFoundError when the file is missing, as opening it would.
    """
    storage = getattr(file_field_or_name, "storage", default_storage)
    name = getattr(file_field_or_name, "name", file_field_or_name)
    target = accel_path(storage, name)
    if target is None:
        return None
    if not storage.exists(name):
        raise FileNotFoundError(name)
    response = HttpResponse(b"")
    del response["Content-Type"]  # only the caller's, if any: nginx keeps it
    for header, value in (response_headers or {}).items():
        if header.lower() not in BODY_HEADERS:
            response[header] = value
    response["X-Accel-Redirect"] = target
    return response
