"""Rules shared by the models, forms, services and admin."""

import calendar
import datetime
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from common.links import is_web_url

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as the editor's live counter counts them: runs of non-space characters."""
    return len(_WORD.findall(text or ""))


def is_video_url(value: str) -> bool:
    """A well-formed http(s) address (YouTube, Google Drive...): what the video link must be
    (common.links, the rule of every typed link)."""
    return is_web_url(value)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_in_operation_ok(started_on: datetime.date, on: datetime.date, months: int) -> bool:
    """Whether something started on `started_on` has run at least `months` months by `on`."""
    return add_months(started_on, months) <= on


# --- Uploads ------------------------------------------------------------------------------------
# Every check looks at the content, never at the name or the browser's content type: an HTML page
# renamed .jpg or a program renamed .pdf is refused.

# Photos are images; every other kind of attachment is a PDF.
PHOTO_KINDS = ("photo",)
PDF_CONTENT_TYPE = "application/pdf"
# Pillow format -> (content type, file extension) of the accepted image formats.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
IMAGE_CONTENT_TYPES = tuple(content_type for content_type, _ext in IMAGE_FORMATS.values())
EXTENSION_ALIASES = {".jpg": {".jpg", ".jpeg"}, ".png": {".png"}, ".webp": {".webp"}}

# 40 megapixels is more than any phone photo; a bigger picture is refused before it is decoded
# (a "decompression bomb": a few kilobytes that would need gigabytes of memory).
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = DEFAULT_MAX_IMAGE_PIXELS

MAX_NAME_LENGTH = 120
FALLBACK_NAME = "berkas"


def max_image_pixels() -> int:
    return getattr(settings, "KIKS_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def max_upload_bytes(kind: str) -> int:
    """The size limit of one kind of attachment (settings KIKS_MAX_PHOTO_BYTES / _PDF_BYTES)."""
    if kind in PHOTO_KINDS:
        return settings.KIKS_MAX_PHOTO_BYTES
    return settings.KIKS_MAX_PDF_BYTES


def sanitize_filename(name: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """The uploader's file name, safe to show and to offer as a download name.

    Drops any folder part (both separators), control and format characters (including the
    right-to-left override that disguises "gpj.exe" as "exe.jpg"), squeezes spaces, strips leading
    and trailing dots, and caps the length while keeping the extension.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if not name:
        return FALLBACK_NAME
    if len(name) > max_length:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:max_length].rstrip(" .")
    return name or FALLBACK_NAME


def with_extension(name: str, extension: str) -> str:
    """`name` ending in `extension` (".pdf", ".jpg"...), so a download opens as what it is."""
    stem, dot, current = name.rpartition(".")
    allowed = EXTENSION_ALIASES.get(extension, {extension})
    if dot and stem and f".{current.lower()}" in allowed:
        return name
    base = stem if dot and stem and len(current) <= 10 else name
    return sanitize_filename(base[: MAX_NAME_LENGTH - len(extension)] + extension)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: what it really is, and its content."""

    name: str  # sanitised, with the extension of the detected type
    content_type: str
    extension: str
    data: bytes
    image: Image.Image | None = None  # decoded photo, ready to re-encode


def _read_capped(uploaded_file, limit: int) -> bytes:
    """Read at most limit + 1 bytes: enough to know the file is too big without reading it all."""
    uploaded_file.seek(0)
    parts, total = [], 0
    for chunk in uploaded_file.chunks():
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(parts)


def check_upload(uploaded_file, *, kind: str) -> CheckedUpload:
    """Check an uploaded file for an attachment of `kind`; raise ValidationError if refused.

    Photos must be JPEG, PNG or WebP images that Pillow verifies and decodes, within the pixel
    limit; every other kind must be a PDF (starts with "%PDF-" and pypdf opens it, no password).
    Empty and oversized files are refused. The message names the file and says what to do.
    """
    name = sanitize_filename(getattr(uploaded_file, "name", ""))
    limit = max_upload_bytes(kind)
    data = _read_capped(uploaded_file, limit)
    if not data:
        raise ValidationError(_("The file “%(name)s” is empty."), params={"name": name})
    if len(data) > limit:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(limit)s, the most allowed for its kind."),
            params={"name": name, "limit": filesizeformat(limit)},
        )
    if kind in PHOTO_KINDS:
        return _check_image(data, name)
    return _check_pdf(data, name)


def _check_pdf(data: bytes, name: str) -> CheckedUpload:
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            _("“%(name)s” is not a PDF file. Upload this document as a PDF."),
            params={"name": name},
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("“%(name)s” is protected with a password. Upload it without a password."),
                params={"name": name},
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise ValidationError(
            _("“%(name)s” cannot be opened as a PDF: the file is damaged. Save it again as PDF."),
            params={"name": name},
        ) from exc
    if pages < 1:
        raise ValidationError(
            _("“%(name)s” is a PDF without pages."),
            params={"name": name},
        )
    return CheckedUpload(
        name=with_extension(name, ".pdf"),
        content_type=PDF_CONTENT_TYPE,
        extension=".pdf",
        data=data,
    )


def _check_image(data: bytes, name: str) -> CheckedUpload:
    not_an_image = ValidationError(
        _("“%(name)s” is not a photo in JPEG, PNG or WebP format."), params={"name": name}
    )
    limit = max_image_pixels()
    too_big = _(
        "“%(name)s” has too many pixels; a photo may have at most %(megapixels)d megapixels."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format in IMAGE_FORMATS and width * height <= limit:
                    probe.verify()
            if image_format not in IMAGE_FORMATS:
                raise not_an_image
            if width * height > limit:
                raise ValidationError(
                    too_big, params={"name": name, "megapixels": limit // 1_000_000}
                )
            # verify() leaves the image unusable: decode a fresh one, which finds truncated data.
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            too_big, params={"name": name, "megapixels": limit // 1_000_000}
        ) from exc
    except UnidentifiedImageError as exc:
        raise not_an_image from exc
    except Exception as exc:  # damaged data surfaces as OSError, SyntaxError, ValueError...
        raise ValidationError(
            _("“%(name)s” cannot be read as an image: the file is damaged."),
            params={"name": name},
        ) from exc
    content_type, extension = IMAGE_FORMATS[image_format]
    return CheckedUpload(
        name=with_extension(name, extension),
        content_type=content_type,
        extension=extension,
        data=data,
        image=image,
    )
