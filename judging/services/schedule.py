"""The interview schedule, and the finalist's presentation file."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from common.formats import moment
from common.mail import send_mail
from innovations.enums import AttachmentKind
from innovations.models import Attachment, Proposal
from innovations.services import is_agency_operator, operator_emails
from innovations.validators import check_upload
from judging.models import InterviewSlot, StageResult
from judging.selectors.schedule import overlapping_slots, upcoming_slot
from judging.services.base import JudgingError, lock_stage, require_organiser
from judging.validators import slot_problems


def _wib(value: datetime.datetime) -> str:
    return moment(value)


def _slot_state(slot: InterviewSlot) -> dict:
    return {
        "proposal": slot.proposal_id,
        "starts_at": timezone.localtime(slot.starts_at).isoformat(),
        "ends_at": timezone.localtime(slot.ends_at).isoformat(),
        "place": slot.place,
        "video_link": slot.video_link,
    }


def _notify_slot(slot: InterviewSlot, *, changed: bool, cancelled: bool = False) -> None:
    proposal = slot.proposal
    if cancelled:
        subject = gettext_lazy("Interview slot of %(innovation)s cancelled")
    elif changed:
        subject = gettext_lazy("Interview slot of %(innovation)s changed")
    else:
        subject = gettext_lazy("Interview slot of %(innovation)s")
    send_mail(
        to=operator_emails(proposal.agency_id),
        subject=subject,
        subject_params={"innovation": proposal.innovation_acronym},
        template="judging/email/interview_slot.txt",
        context={"slot": slot, "changed": changed, "cancelled": cancelled, "proposal": proposal},
    )


@transaction.atomic
def schedule_slot(
    stage,
    *,
    proposal,
    starts_at: datetime.datetime,
    presentation_minutes: int = 7,
    interview_minutes: int = 13,
    place: str = "",
    video_link: str = "",
    by,
    now=None,
    notify: bool = True,
) -> InterviewSlot:
    """Give a shortlisted entry its presentation and interview slot, or change it.

    Refused when the stage is not a later stage (its entries are a shortlist), is closed, the
    proposal is not an entry, neither place nor link is given, or the slot overlaps another slot
    of the same panel (also refused by the database on PostgreSQL). Side effects: locks the stage,
    creates or updates the InterviewSlot, writes an audit event and e-mails the agency's
    operators after commit (its slot, or what changed).
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    place, video_link = (place or "").strip(), (video_link or "").strip()
    problems = slot_problems(
        locked,
        proposal=proposal,
        place=place,
        video_link=video_link,
        presentation_minutes=presentation_minutes,
        interview_minutes=interview_minutes,
    )
    if problems:
        raise JudgingError(problems)
    ends_at = starts_at + datetime.timedelta(minutes=presentation_minutes + interview_minutes)
    clash = overlapping_slots(locked, starts_at, ends_at, exclude_proposal=proposal).first()
    if clash is not None:
        raise JudgingError(
            _(
                "This slot overlaps the slot of %(innovation)s (%(start)s to %(end)s WIB): the "
                "panel cannot be in two places at once."
            )
            % {
                "innovation": clash.proposal.innovation_acronym,
                "start": _wib(clash.starts_at),
                "end": date_format(timezone.localtime(clash.ends_at), "H:i"),
            }
        )
    slot = (
        InterviewSlot.objects.select_for_update()
        .filter(stage=locked, proposal=proposal)
        .select_related("proposal__innovation", "proposal__agency")
        .first()
    )
    before = _slot_state(slot) if slot else None
    if slot is None:
        slot = InterviewSlot(stage=locked, proposal=proposal)
    slot.starts_at, slot.ends_at = starts_at, ends_at
    slot.presentation_minutes, slot.interview_minutes = presentation_minutes, interview_minutes
    slot.place, slot.video_link = place, video_link
    slot.updated_by, slot.updated_at = by, now
    if before is not None and _slot_state(slot) == before:
        return slot
    try:
        with transaction.atomic():
            slot.save()
    except IntegrityError as error:  # the exclusion constraint, when two people schedule at once
        raise JudgingError(
            _("This slot overlaps another slot of the same panel. Choose another time.")
        ) from error
    record(
        "interview_slot.change" if before else "interview_slot.schedule",
        slot,
        by=by,
        before=before,
        after=_slot_state(slot),
    )
    slot.proposal = Proposal.objects.select_related("innovation", "agency").get(pk=proposal.pk)
    if notify:
        _notify_slot(slot, changed=before is not None)
    return slot


@transaction.atomic
def cancel_slot(slot, *, by) -> None:
    """Remove an entry's slot (e.g. before giving it another day). Side effects: deletes the
    InterviewSlot, writes an audit event, e-mails the agency's operators after commit."""
    require_organiser(by)
    slot = (
        InterviewSlot.objects.select_for_update(of=("self",))
        .select_related("stage", "proposal__innovation", "proposal__agency")
        .filter(pk=slot.pk)
        .first()
    )
    if slot is None:
        return
    if slot.stage.is_closed:
        raise JudgingError(_("This stage is closed."))
    record("interview_slot.cancel", slot, by=by, before=_slot_state(slot))
    _notify_slot(slot, changed=True, cancelled=True)
    slot.delete()


@transaction.atomic
def upload_presentation(proposal, *, uploaded_file, by, now=None) -> Attachment:
    """A shortlisted agency's presentation file (PDF), before its slot.

    Narrow on purpose: the proposal itself stays closed to the agency (innovations'
    `add_attachment` only takes files while the proposal is editable); this takes one kind of
    file, from an operator of the agency, while its interview slot is still ahead. A new file
    replaces the previous one. Side effects: locks the proposal row, stores the file, creates the
    Attachment (kind "presentation"), deletes a replaced file after commit, writes an audit event.
    """
    now = now or timezone.now()
    locked = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if not is_agency_operator(by, locked.agency_id):
        raise JudgingError(_("Only an operator of the proposal's agency may upload its slides."))
    slot = upcoming_slot(locked, now)
    if slot is None or not StageResult.objects.filter(stage=slot.stage, proposal=locked).exists():
        raise JudgingError(
            _("Slides can be uploaded only by a shortlisted entry, before its interview slot.")
        )
    try:
        checked = check_upload(uploaded_file, kind=AttachmentKind.PRESENTATION)
    except ValidationError as error:
        raise JudgingError(error.messages) from error
    replaced = list(locked.attachments.filter(kind=AttachmentKind.PRESENTATION))
    attachment = Attachment(
        proposal=locked,
        kind=AttachmentKind.PRESENTATION,
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        caption=_("Presentation for the interview"),
        uploaded_by=by,
    )
    attachment.file.save(checked.name, ContentFile(checked.data), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    for old in replaced:
        name, storage = old.file.name, old.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        old.delete()
    record(
        "presentation.upload",
        attachment,
        by=by,
        after={"proposal": locked.pk, "name": checked.name, "size": len(checked.data)},
        note=_("replaces %(count)d earlier file(s)") % {"count": len(replaced)} if replaced else "",
    )
    return attachment
