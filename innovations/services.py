"""Writes of the innovations app. The proposal workflow has one entry: `transition_proposal`."""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from PIL import Image, ImageOps

from agencies.enums import MembershipRole
from agencies.models import Agency, Membership
from agencies.permissions import is_organiser
from audit.services import record
from common.errors import DomainError
from common.mail import send_mail
from innovations.checklist import submission_problems
from innovations.enums import AttachmentKind
from innovations.enums import ProposalStatus as S
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
)
from innovations.public_year import refresh_public_years
from innovations.validators import check_upload, count_words

AGENCY = "agency"
ORGANISER = "organiser"


@dataclass(frozen=True)
class Move:
    actor: str  # AGENCY: an active operator of the proposal's agency; ORGANISER: Bagian Organisasi
    note_required: bool = False
    notify_agency: bool = False


# The allowed status moves: nothing else is possible.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.DRAFT, S.SUBMITTED): Move(AGENCY, notify_agency=True),
    (S.DRAFT, S.WITHDRAWN): Move(AGENCY),
    (S.SUBMITTED, S.CHANGES_REQUESTED): Move(ORGANISER, note_required=True, notify_agency=True),
    (S.SUBMITTED, S.VERIFIED): Move(ORGANISER, notify_agency=True),
    (S.SUBMITTED, S.REJECTED): Move(ORGANISER, note_required=True, notify_agency=True),
    (S.SUBMITTED, S.WITHDRAWN): Move(AGENCY, notify_agency=True),
    (S.CHANGES_REQUESTED, S.SUBMITTED): Move(AGENCY, notify_agency=True),
    (S.CHANGES_REQUESTED, S.WITHDRAWN): Move(AGENCY, notify_agency=True),
    (S.VERIFIED, S.WITHDRAWN): Move(AGENCY, notify_agency=True),
}


class WorkflowError(DomainError):
    """A refused move or edit of a proposal. `messages` lists every reason, in the user's
    language."""


def is_agency_operator(user, agency_id) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and Membership.objects.active()
        .filter(user=user, agency_id=agency_id, role=MembershipRole.OPERATOR)
        .exists()
    )


def judging_has_started(edition) -> bool:
    """Whether any judging stage of the edition has opened (then the agency can no longer withdraw).

    The judging app owns stages; this asks through the reverse relation so that innovations never
    imports judging.
    """
    stages = getattr(edition, "stages", None)
    if stages is None:
        return False
    return stages.filter(opened_at__isnull=False).exists()


def _check_actor(move: Move, proposal: Proposal, by) -> None:
    if move.actor == ORGANISER and not is_organiser(by):
        raise WorkflowError(_("Only the organiser (Bagian Organisasi) may do this."))
    if move.actor == AGENCY and not is_agency_operator(by, proposal.agency_id):
        raise WorkflowError(
            _("Only an operator of %(agency)s may do this.") % {"agency": proposal.agency.name}
        )


def _check_cap(proposal: Proposal) -> list[str]:
    """The per-agency cap. The caller holds the agency's row lock, so two operators submitting at
    the same moment are counted one after the other."""
    edition = proposal.edition
    if edition.max_per_agency is None:
        return []
    handed_in = (
        Proposal.objects.counted()
        .filter(edition=edition, agency_id=proposal.agency_id)
        .exclude(pk=proposal.pk)
        .count()
    )
    if handed_in >= edition.max_per_agency:
        return [
            ngettext(
                "%(agency)s has already handed in %(count)d proposal to %(edition)s, the most "
                "this edition allows.",
                "%(agency)s has already handed in %(count)d proposals to %(edition)s, the most "
                "this edition allows.",
                handed_in,
            )
            % {"agency": proposal.agency.name, "count": handed_in, "edition": edition.name}
        ]
    return []


@transaction.atomic
def transition_proposal(
    proposal: Proposal, to: str, *, by, note: str = "", expected_status: str | None = None, now=None
) -> Proposal:
    """Move a proposal to status `to`, the only way a status changes.

    Checks the TRANSITIONS table, who is acting, the note, and on submission every guard of the
    checklist plus the agency's cap. Side effects: locks the proposal row (and the agency row for
    a capped submission), saves the status fields, writes a ProposalStatusChange and its audit
    event ("proposal.status", through audit.services.record), and after commit
    e-mails the agency's operators when the move says so.

    `expected_status` is the status the actor saw (default: the instance's); if the row changed
    meanwhile, the move is refused instead of applied on top of someone else's.
    Raises WorkflowError listing every reason for a refusal; nothing is changed then.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    seen = expected_status or proposal.status
    if to == S.SUBMITTED and proposal.edition.max_per_agency is not None:
        # Lock order is always agency, then proposal: two submissions of one agency queue here.
        Agency.objects.select_for_update().filter(pk=proposal.agency_id).first()
    # of=("self",): lock the proposal row only. A plain FOR UPDATE over the join would also lock
    # the edition row, queueing every move of the whole edition behind each other.
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("edition", "agency", "innovation")
        .get(pk=proposal.pk)
    )
    if locked.status != seen:
        raise WorkflowError(
            _("This proposal was changed meanwhile: it is now “%(status)s”. Reload the page.")
            % {"status": locked.get_status_display()}
        )
    if locked.status == to:
        return locked
    move = TRANSITIONS.get((locked.status, to))
    if move is None:
        raise WorkflowError(
            _("A proposal that is “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_status_display(), "to": S(to).label}
        )
    _check_actor(move, locked, by)
    if move.actor == ORGANISER and not locked.edition.is_in_verification(now):
        # Here, not in a view: the organiser pages and the admin share this rule.
        raise WorkflowError(
            _(
                "%(edition)s is not in its verification period: proposals cannot be verified, "
                "sent back or rejected now."
            )
            % {"edition": locked.edition.name}
        )
    if move.note_required and not note:
        raise WorkflowError(_("Write a note for the agency explaining the decision."))
    if to == S.WITHDRAWN and locked.status == S.VERIFIED and judging_has_started(locked.edition):
        raise WorkflowError(_("Judging has started: the proposal can no longer be withdrawn."))
    if to == S.SUBMITTED:
        problems = submission_problems(locked, now=now) + _check_cap(locked)
        if problems:
            raise WorkflowError(problems)

    previous = locked.status
    locked.status = to
    locked.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if to == S.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    if S.VERIFIED in (previous, to):
        refresh_public_years(innovation_ids=[locked.innovation_id])
    record(
        "proposal.status",
        locked,
        by=by,
        before={"status": previous},
        after={"status": to},
        note=note,
        history=ProposalStatusChange(
            proposal=locked, from_status=previous, to_status=to, by=by, at=now, note=note
        ),
    )
    if move.notify_agency:
        transaction.on_commit(lambda: notify_agency_of_status(locked, previous, note))
    proposal.status = locked.status
    proposal.status_changed_at = locked.status_changed_at
    proposal.submitted_at = locked.submitted_at
    return locked


def submit_proposal(proposal, *, by, now=None):
    return transition_proposal(proposal, S.SUBMITTED, by=by, now=now)


def withdraw_proposal(proposal, *, by, note=""):
    return transition_proposal(proposal, S.WITHDRAWN, by=by, note=note)


def request_changes(proposal, *, by, note, expected_status=None):
    return transition_proposal(
        proposal, S.CHANGES_REQUESTED, by=by, note=note, expected_status=expected_status
    )


def verify_proposal(proposal, *, by, note="", expected_status=None):
    return transition_proposal(
        proposal, S.VERIFIED, by=by, note=note, expected_status=expected_status
    )


def reject_proposal(proposal, *, by, note, expected_status=None):
    return transition_proposal(
        proposal, S.REJECTED, by=by, note=note, expected_status=expected_status
    )


def operator_emails(agency_id) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(agency_id=agency_id, role=MembershipRole.OPERATOR, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )


def notify_agency_of_status(proposal: Proposal, previous: str, note: str) -> None:
    """E-mail the agency's operators about a status change, in the site's language.

    Runs after the move committed; a failing mail server is logged by common.mail, the move
    stands."""
    send_mail(
        to=operator_emails(proposal.agency_id),
        # The site's name is part of this subject's msgid: no second prefix.
        subject=gettext_lazy("[%(site)s] %(innovation)s: %(status)s"),
        subject_params={
            "site": settings.KIKS_SITE_NAME,
            "innovation": proposal.innovation.acronym,
            "status": S(proposal.status).label,
        },
        prefix=False,
        template="innovations/email/status_changed.txt",
        context={
            "proposal": proposal,
            "previous": S(previous).label,
            "current": S(proposal.status).label,
            "note": note,
        },
    )


@transaction.atomic
def add_default_sections(edition) -> int:
    """Give an edition the KIPP 2023 section list, unless it has sections already.

    Side effects: creates SectionTemplate rows. Returns how many it created.
    """
    from innovations.models import SectionTemplate
    from innovations.sections import KIPP_2023_SECTIONS

    if edition.sections.exists():
        return 0
    SectionTemplate.objects.bulk_create(
        SectionTemplate(
            edition=edition,
            key=key,
            order=order,
            title=title,
            guidance=guidance,
            weight=weight,
            min_words=min_words,
            max_words=max_words,
            evidence_required=evidence,
            is_public=(key == "ringkasan"),
        )
        for order, (key, title, guidance, weight, min_words, max_words, evidence) in enumerate(
            KIPP_2023_SECTIONS, start=1
        )
    )
    return len(KIPP_2023_SECTIONS)


@transaction.atomic
def save_edition(edition: Edition, *, update_fields=None) -> Edition:
    """Save an edition (the admin's form): the one way an edition's publication changes.

    Side effects: locks and saves the edition row (`update_fields` as for Model.save); when
    `is_published` changed, recomputes `Innovation.public_year` of the innovations entered in it
    (innovations.public_year, which also renews the cached public pages). A new edition has no
    proposals yet: nothing to recompute.
    """
    was_published = (
        Edition.objects.select_for_update()
        .filter(pk=edition.pk)
        .values_list("is_published", flat=True)
        .first()
        if edition.pk
        else None
    )
    edition.save(update_fields=update_fields)
    if was_published is not None and was_published != edition.is_published:
        refresh_public_years(edition_id=edition.pk)
    return edition


# --- The agency's side: innovations, drafts, attachments -----------------------------------------

# The longest side of a stored photo, and of its thumbnail for lists (pixels).
PHOTO_MAX_SIDE = 2560
THUMBNAIL_MAX_SIDE = 480
MAX_ATTACHMENTS_PER_PROPOSAL = 40
MAX_ANSWER_CHARACTERS = 30_000
INNOVATION_FIELDS = (
    "name",
    "acronym",
    "expansion",
    "started_on",
    "form",
    "is_digital",
    "stage",
    "initiator_kind",
    "initiator_name",
)


def _require_operator(agency, by) -> None:
    if not is_agency_operator(by, agency.pk):
        raise WorkflowError(
            _("Only an operator of %(agency)s may do this.") % {"agency": agency.name}
        )


def _lock_editable(proposal: Proposal, by) -> Proposal:
    """Lock the proposal row and check that `by` may change it now: an operator of its agency,
    while it is a draft or sent back. Returns the locked, fresh row."""
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("edition", "agency", "innovation", "track")
        .get(pk=proposal.pk)
    )
    _require_operator(locked.agency, by)
    if not locked.is_editable_by_agency:
        raise WorkflowError(
            _(
                "This proposal is “%(status)s”: it can be changed only while it is a draft or "
                "after the organiser asks for changes."
            )
            % {"status": locked.get_status_display()}
        )
    return locked


def _unique_innovation_slug(agency, acronym: str, name: str) -> str:
    base = slugify(f"{agency.slug} {acronym or name}")[:60].strip("-") or "inovasi"
    slug = base
    while Innovation.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def _check_innovation_name(agency, name: str, *, exclude_pk=None) -> None:
    clash = Innovation.objects.filter(agency=agency, name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise WorkflowError(
            _("%(agency)s already has an innovation named “%(name)s”.")
            % {"agency": agency.name, "name": name.strip()}
        )


@transaction.atomic
def create_innovation(agency, *, by, sdgs, **fields) -> Innovation:
    """Register a new innovation of `agency` (fields: see INNOVATION_FIELDS; at least one SDG).

    Side effects: creates the Innovation row with a unique slug and sets its SDGs.
    Raises WorkflowError if `by` is not an operator of the agency, or the name is taken.
    """
    _require_operator(agency, by)
    unknown = set(fields) - set(INNOVATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown innovation fields: {sorted(unknown)}")
    sdgs = list(sdgs)
    if not sdgs:
        raise WorkflowError(_("Choose at least one Sustainable Development Goal."))
    _check_innovation_name(agency, fields["name"])
    innovation = Innovation.objects.create(
        agency=agency,
        slug=_unique_innovation_slug(agency, fields.get("acronym", ""), fields["name"]),
        created_by=by,
        **fields,
    )
    innovation.sdgs.set(sdgs)
    return innovation


def _record_creation(proposal: Proposal, *, by, note: str = "") -> None:
    # The history starts with the draft: who created it (and from what), before any status move.
    record(
        "proposal.create",
        proposal,
        by=by,
        after={"status": S.DRAFT},
        note=note,
        history=ProposalStatusChange(
            proposal=proposal,
            from_status="",
            to_status=S.DRAFT,
            by=by,
            at=proposal.created_at,
            note=note,
        ),
    )


def _check_new_entry(edition, track, innovation, now) -> None:
    if not edition.is_open_for_submission(now):
        raise WorkflowError(
            _("%(edition)s does not accept new proposals now.") % {"edition": edition.name}
        )
    if track.edition_id != edition.pk:
        raise WorkflowError(_("Choose a track of %(edition)s.") % {"edition": edition.name})
    if Proposal.objects.filter(edition=edition, innovation=innovation).exists():
        raise WorkflowError(
            _("“%(innovation)s” is already entered in %(edition)s: one innovation enters once.")
            % {"innovation": innovation.title, "edition": edition.name}
        )


@transaction.atomic
def create_proposal(
    *, edition, track, by, innovation=None, agency=None, new_innovation=None, now=None
) -> Proposal:
    """Start a draft proposal in `edition` for an existing innovation of the agency, or for a new
    one (`agency` and `new_innovation`: a dict of innovation fields with "sdgs").

    Side effects: may create an Innovation; creates the Proposal (draft) and the first row of its
    history with its audit event ("proposal.create"). Raises WorkflowError when the edition is
    not open, the track is not the edition's, the innovation is already entered, or `by` is not
    an operator of the agency.
    """
    now = now or timezone.now()
    if innovation is None:
        if agency is None or new_innovation is None:
            raise TypeError("Give an innovation, or an agency and the new innovation's fields.")
        fields = dict(new_innovation)
        innovation = create_innovation(agency, by=by, sdgs=fields.pop("sdgs", ()), **fields)
    _require_operator(innovation.agency, by)
    _check_new_entry(edition, track, innovation, now)
    proposal = Proposal.objects.create(
        edition=edition,
        track=track,
        innovation=innovation,
        agency=innovation.agency,
        created_by=by,
        status_changed_at=now,
    )
    _record_creation(proposal, by=by)
    return proposal


@transaction.atomic
def save_proposal_draft(
    proposal: Proposal,
    *,
    by,
    answers=None,
    video_url=None,
    track=None,
    innovation_fields=None,
    sdgs=None,
) -> Proposal:
    """Save what the agency typed, complete or not: the editor's "save draft".

    `answers` maps section keys to texts (sections left out stay as they are); `video_url`,
    `track`, `innovation_fields` (see INNOVATION_FIELDS) and `sdgs` are left unchanged when None.
    Only while the proposal is editable (draft, changes requested) and only by an operator of its
    agency. Side effects, in one transaction with the proposal row locked: updates or creates the
    section answers with their word counts, the proposal's track and video link, and the
    innovation's fields and SDGs. Returns the locked, updated proposal.
    """
    locked = _lock_editable(proposal, by)
    now = timezone.now()
    proposal_fields = []
    if answers is not None:
        _save_answers(locked, answers, now)
    if video_url is not None and video_url.strip() != locked.video_url:
        video_url = video_url.strip()
        if len(video_url) > 500:
            raise WorkflowError(_("The video link may have at most 500 characters."))
        locked.video_url = video_url
        proposal_fields.append("video_url")
    if track is not None and track.pk != locked.track_id:
        if track.edition_id != locked.edition_id:
            raise WorkflowError(
                _("Choose a track of %(edition)s.") % {"edition": locked.edition.name}
            )
        locked.track = track
        proposal_fields.append("track")
    if innovation_fields:
        _save_innovation(locked.innovation, innovation_fields)
    if sdgs is not None:
        sdgs = list(sdgs)
        if not sdgs:
            raise WorkflowError(_("Choose at least one Sustainable Development Goal."))
        locked.innovation.sdgs.set(sdgs)
    # Always touch updated_at: "last saved" on the page is the moment of this save.
    locked.save(update_fields=[*proposal_fields, "updated_at"])
    return locked


def _save_answers(proposal: Proposal, answers, now) -> None:
    sections = {section.key: section for section in proposal.edition.sections.all()}
    unknown = set(answers) - set(sections)
    if unknown:
        raise WorkflowError(_("Unknown sections: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    existing = {answer.section_id: answer for answer in proposal.answers.all()}
    to_create, to_update = [], []
    for key, text in answers.items():
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_ANSWER_CHARACTERS:
            raise WorkflowError(
                _("Section “%(title)s” is too long to store (%(max)d characters at most).")
                % {"title": sections[key].title, "max": MAX_ANSWER_CHARACTERS}
            )
        section = sections[key]
        answer = existing.get(section.pk)
        if answer is None:
            if text:
                to_create.append(
                    SectionAnswer(
                        proposal=proposal, section=section, text=text, word_count=count_words(text)
                    )
                )
        elif answer.text != text:
            answer.text, answer.word_count, answer.updated_at = text, count_words(text), now
            to_update.append(answer)
    SectionAnswer.objects.bulk_create(to_create)
    SectionAnswer.objects.bulk_update(to_update, ["text", "word_count", "updated_at"])


def _save_innovation(innovation: Innovation, fields) -> None:
    unknown = set(fields) - set(INNOVATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown innovation fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(innovation, name) != value]
    if not changed:
        return
    if "name" in changed:
        _check_innovation_name(innovation.agency, fields["name"], exclude_pk=innovation.pk)
    for name in changed:
        setattr(innovation, name, fields[name])
    innovation.save(update_fields=[*changed, "updated_at"])


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
    locked = _lock_editable(proposal, by)
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
    try:
        checked = check_upload(uploaded_file, kind=kind)
    except ValidationError as error:
        raise WorkflowError(error.messages) from error
    data, thumbnail = checked.data, None
    if checked.image is not None:
        try:
            data, thumbnail = _reencode_photo(checked.image, checked.image.format or "JPEG")
        except (OSError, ValueError) as error:  # an odd colour mode or profile Pillow cannot write
            raise WorkflowError(
                _("“%(name)s” cannot be read as an image: the file is damaged.")
                % {"name": checked.name}
            ) from error
    attachment = Attachment(
        proposal=locked,
        section=section,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(data),
        caption=(caption or "").strip()[:200],
        uploaded_by=by,
    )
    attachment.file.save(checked.name, ContentFile(data), save=False)
    try:
        if thumbnail is not None:
            attachment.thumbnail.save("thumbnail.webp", ContentFile(thumbnail), save=False)
        replaced = []
        if kind == AttachmentKind.SK_LETTER:
            replaced = list(locked.attachments.filter(kind=AttachmentKind.SK_LETTER))
        attachment.save()
    except BaseException:
        # The row is not there: the files must not stay behind either.
        for field in (attachment.file, attachment.thumbnail):
            if field:
                field.storage.delete(field.name)
        raise
    for old in replaced:
        _delete_files_on_commit(old.file, old.thumbnail)
        old.delete()
    # An upload is activity: the compliance board's "last activity" reads updated_at only.
    locked.save(update_fields=["updated_at"])
    return attachment


@transaction.atomic
def remove_attachment(attachment: Attachment, *, by) -> None:
    """Remove a file from an editable proposal.

    Side effects: locks the proposal row, deletes the Attachment row, and deletes the file and its
    thumbnail from storage after commit. Raises WorkflowError when the state or the user is refused.
    """
    locked = _lock_editable(attachment.proposal, by)
    current = Attachment.objects.filter(pk=attachment.pk, proposal_id=attachment.proposal_id)
    found = current.first()
    if found is None:
        return  # already removed, e.g. a double click: nothing to do
    _delete_files_on_commit(found.file, found.thumbnail)
    found.delete()
    locked.save(update_fields=["updated_at"])  # activity, as for an upload


@transaction.atomic
def copy_proposal(source: Proposal, *, edition, track, by, now=None) -> Proposal:
    """Start a draft in `edition` from a proposal of an earlier edition of the same innovation.

    Answers are matched by section key (sections the new edition lacks are left out), the video
    link is kept, and every attachment is copied (a document's section matched by key too).
    Side effects: creates the Proposal (draft, `copied_from` = source), its answers, copies of the
    files through the storage API and their Attachment rows, and the first history row with its
    audit event ("proposal.create").
    Raises WorkflowError when the edition is not open or not later than the source's, the track
    is not the edition's, the innovation is already entered, or `by` is not an operator of the
    agency.
    """
    now = now or timezone.now()
    _require_operator(source.agency, by)
    if source.edition_id == edition.pk or (
        source.edition.submission_opens_at >= edition.submission_opens_at
    ):
        raise WorkflowError(_("Only a proposal of an earlier edition can be copied."))
    _check_new_entry(edition, track, source.innovation, now)
    proposal = Proposal.objects.create(
        edition=edition,
        track=track,
        innovation=source.innovation,
        agency=source.agency,
        video_url=source.video_url,
        copied_from=source,
        created_by=by,
        status_changed_at=now,
    )
    sections = {section.key: section for section in edition.sections.all()}
    SectionAnswer.objects.bulk_create(
        SectionAnswer(
            proposal=proposal,
            section=sections[answer.section.key],
            text=answer.text,
            word_count=count_words(answer.text),
        )
        for answer in source.answers.select_related("section")
        if answer.section.key in sections and answer.text
    )
    stored = []
    try:
        for old in source.attachments.select_related("section"):
            section = sections.get(old.section.key) if old.section else None
            copy = Attachment(
                proposal=proposal,
                section=section if old.kind == AttachmentKind.DOCUMENT else None,
                kind=old.kind,
                original_name=old.original_name,
                content_type=old.content_type,
                size=old.size,
                caption=old.caption,
                uploaded_by=by,
            )
            with old.file.open("rb") as content:
                copy.file.save(old.original_name, ContentFile(content.read()), save=False)
            stored.append(copy.file)
            if old.thumbnail:
                with old.thumbnail.open("rb") as content:
                    copy.thumbnail.save("thumbnail.webp", ContentFile(content.read()), save=False)
                stored.append(copy.thumbnail)
            copy.save()
    except BaseException:
        for field in stored:
            field.storage.delete(field.name)
        raise
    _record_creation(
        proposal,
        by=by,
        note=_("Copied from %(edition)s.") % {"edition": source.edition.name},
    )
    return proposal
