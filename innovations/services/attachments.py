"""A draft's files: checked by content, photos re-encoded without metadata, stored through the
storage API, removed after commit."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from innovations.enums import AttachmentKind
from innovations.models import Attachment, Proposal
from innovations.services.access import WorkflowError, lock_editable
from innovations.validators import check_upload

# The longest side of a stored photo, and of its thumbnail for lists (pixels).
PHOTO_MAX_SIDE = 2560
THUMBNAIL_MAX_SIDE = 480
MAX_ATTACHMENTS_PER_PROPOSAL = 40


def _reencode_photo(image, image_format: str) -> tuple[bytes, bytes]:
    """The photo as stored (upright, at most PHOTO_MAX_SIDE, no EXIF/GPS/XMP or comments, colour
    profile kept) and its WebP thumbnail."""
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    if image_format == "JPEG":
        clean = upright.convert("L" if upright.mode in ("L", "1") else "RGB")
    else:
        clean = upright.convert("RGBA" if has_alpha else "RGB")
    # A fresh image without `info`: nothing of the original's metadata can travel along.
    clean = clean.copy()
    clean.info = {}
    extra = {"icc_profile": icc_profile} if icc_profile else {}
    stored = io.BytesIO()
    if image_format == "JPEG":
        clean.save(stored, "JPEG", quality=85, optimize=True, progressive=True, **extra)
    elif image_format == "PNG":
        clean.save(stored, "PNG", optimize=True, **extra)
    else:
        clean.save(stored, "WEBP", quality=85, method=4, **extra)
    thumb = clean.copy()
    thumb.thumbnail((THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
    thumbnail = io.BytesIO()
    thumb.save(thumbnail, "WEBP", quality=75, method=4)
    return stored.getvalue(), thumbnail.getvalue()


def _delete_files_on_commit(*files) -> None:
    names = [(f.storage, f.name) for f in files if f]

    def delete():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def add_attachment(
    proposal: Proposal, *, kind: str, uploaded_file, by, section=None, caption: str = ""
) -> Attachment:
    """Check an uploaded file and attach it to an editable proposal.

    The type comes from the content (see innovations.validators.check_upload). Photos are
    re-encoded (upright, metadata such as GPS removed, longest side at most PHOTO_MAX_SIDE) and
    get a WebP thumbnail. A new SK letter replaces the previous one. Side effects: locks the
    proposal row, writes the file (and thumbnail) through the storage API, creates the Attachment
    row, and deletes a replaced SK letter's file after commit. Raises WorkflowError with the reason
    when the file, the kind, the section, the state or the user is refused; nothing is stored then.
    """
    locked = lock_editable(proposal, by)
    _check_place(locked, kind=kind, section=section)
    name, content_type, data, thumbnail = _stored_content(uploaded_file, kind=kind)
    attachment = Attachment(
        proposal=locked,
        section=section,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=len(data),
        caption=(caption or "").strip()[:200],
        uploaded_by=by,
    )
    replaced = []
    if kind == AttachmentKind.SK_LETTER:
        replaced = list(locked.attachments.filter(kind=AttachmentKind.SK_LETTER))
    _save_with_files(attachment, data, thumbnail)
    for old in replaced:
        _delete_files_on_commit(old.file, old.thumbnail)
        old.delete()
    # An upload is activity: the compliance board's "last activity" reads updated_at only.
    locked.save(update_fields=["updated_at"])
    return attachment


def _check_place(locked: Proposal, *, kind: str, section) -> None:
    """Whether a file of `kind` (in `section`) may join the locked proposal."""
    if kind not in AttachmentKind.values:
        raise WorkflowError(_("Choose what kind of file this is."))
    if section is not None:
        if kind != AttachmentKind.DOCUMENT:
            raise WorkflowError(_("Only supporting documents belong to a section."))
        if section.edition_id != locked.edition_id:
            raise WorkflowError(_("Choose a section of this proposal."))
    if locked.attachments.count() >= MAX_ATTACHMENTS_PER_PROPOSAL:
        raise WorkflowError(
            _("A proposal may have at most %(count)d files. Remove one first.")
            % {"count": MAX_ATTACHMENTS_PER_PROPOSAL}
        )


def _stored_content(uploaded_file, *, kind: str) -> tuple[str, str, bytes, bytes | None]:
    """(name, content type, bytes to store, thumbnail or None) of an upload, checked by content;
    a photo re-encoded. WorkflowError with the reason when the file is refused."""
    try:
        checked = check_upload(uploaded_file, kind=kind)
    except ValidationError as error:
        raise WorkflowError(error.messages) from error
    if checked.image is None:
        return checked.name, checked.content_type, checked.data, None
    try:
        data, thumbnail = _reencode_photo(checked.image, checked.image.format or "JPEG")
    except (OSError, ValueError) as error:  # an odd colour mode or profile Pillow cannot write
        raise WorkflowError(
            _("“%(name)s” cannot be read as an image: the file is damaged.")
            % {"name": checked.name}
        ) from error
    return checked.name, checked.content_type, data, thumbnail


def _save_with_files(attachment: Attachment, data: bytes, thumbnail: bytes | None) -> None:
    """Write the file (and thumbnail) through the storage API, then the row; if the row cannot
    be written, the files are deleted again."""
    attachment.file.save(attachment.original_name, ContentFile(data), save=False)
    try:
        if thumbnail is not None:
            attachment.thumbnail.save("thumbnail.webp", ContentFile(thumbnail), save=False)
        attachment.save()
    except BaseException:
        # The row is not there: the files must not stay behind either.
        for field in (attachment.file, attachment.thumbnail):
            if field:
                field.storage.delete(field.name)
        raise


@transaction.atomic
def remove_attachment(attachment: Attachment, *, by) -> None:
    """Remove a file from an editable proposal.

    Side effects: locks the proposal row, deletes the Attachment row, and deletes the file and its
    thumbnail from storage after commit. Raises WorkflowError when the state or the user is refused.
    """
    locked = lock_editable(attachment.proposal, by)
    current = Attachment.objects.filter(pk=attachment.pk, proposal_id=attachment.proposal_id)
    found = current.first()
    if found is None:
        return  # already removed, e.g. a double click: nothing to do
    _delete_files_on_commit(found.file, found.thumbnail)
    found.delete()
    locked.save(update_fields=["updated_at"])  # activity, as for an upload
