"""Writes of the finals: interview schedule, presentation uploads, consensus notes, stage weights,
the final result (compute, confirm, publish), awards and KIJB forwarding.

Every function here is the only way its rows change; views call them. Changes to the schedule, the
result and the awards are written to the audit log (audit.services.record_event).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.services import record_event
from innovations.enums import AttachmentKind
from innovations.models import Attachment, Edition, Proposal
from innovations.services import is_agency_operator, operator_emails
from innovations.validators import add_months, check_upload, months_in_operation_ok
from judging.enums import (
    KIJB_MIN_MONTHS,
    WINNER_KINDS,
    AwardKind,
    RankBy,
    TieBreak,
)
from judging.models import (
    Award,
    FinalEntry,
    FinalResult,
    InterviewSlot,
    KijbNomination,
    Stage,
    StageResult,
)
from judging.services import (
    JudgingError,
    _lock_stage,
    _mail,
    _require_organiser,
    previous_stage,
)
from public import cache as public_cache

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _wib(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y H:i")


# --- schedule -----------------------------------------------------------------------------------


def _slot_state(slot: InterviewSlot) -> dict:
    return {
        "proposal": slot.proposal_id,
        "starts_at": timezone.localtime(slot.starts_at).isoformat(),
        "ends_at": timezone.localtime(slot.ends_at).isoformat(),
        "place": slot.place,
        "video_link": slot.video_link,
    }


def overlapping_slots(stage, starts_at, ends_at, *, exclude_proposal=None):
    """Slots of the stage's panel that share any minute with [starts_at, ends_at)."""
    slots = InterviewSlot.objects.filter(stage=stage, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_proposal is not None:
        slots = slots.exclude(proposal=exclude_proposal)
    return slots.select_related("proposal__innovation")


def _notify_slot(slot: InterviewSlot, *, changed: bool, cancelled: bool = False) -> None:
    proposal = slot.proposal
    if cancelled:
        subject = _("Interview slot of %(innovation)s cancelled")
    elif changed:
        subject = _("Interview slot of %(innovation)s changed")
    else:
        subject = _("Interview slot of %(innovation)s")
    _mail(
        "judging/email/interview_slot.txt",
        subject % {"innovation": proposal.innovation.acronym},
        {"slot": slot, "changed": changed, "cancelled": cancelled, "proposal": proposal},
        operator_emails(proposal.agency_id),
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
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    problems = []
    if previous_stage(locked) is None:
        problems.append(_("Interviews are scheduled in a stage after the desk evaluation."))
    if locked.is_closed:
        problems.append(_("This stage is closed."))
    if not StageResult.objects.filter(stage=locked, proposal=proposal).exists():
        problems.append(_("This proposal is not an entry of the stage."))
    place, video_link = (place or "").strip(), (video_link or "").strip()
    if not place and not video_link:
        problems.append(_("Give the place or the video-call link."))
    if presentation_minutes is None or presentation_minutes < 1:
        problems.append(_("The presentation lasts at least one minute."))
    if interview_minutes is None or interview_minutes < 0:
        problems.append(_("The interview cannot last less than zero minutes."))
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
                "innovation": clash.proposal.innovation.acronym,
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
    record_event(
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
    _require_organiser(by)
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
    record_event("interview_slot.cancel", slot, by=by, before=_slot_state(slot))
    _notify_slot(slot, changed=True, cancelled=True)
    slot.delete()


# --- presentation file --------------------------------------------------------------------------


def upcoming_slot(proposal, now=None) -> InterviewSlot | None:
    """The proposal's slot in a stage that is not closed, if it has not started yet."""
    now = now or timezone.now()
    return (
        InterviewSlot.objects.filter(
            proposal=proposal, stage__closed_at__isnull=True, starts_at__gt=now
        )
        .select_related("stage")
        .order_by("starts_at")
        .first()
    )


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
    record_event(
        "presentation.upload",
        attachment,
        by=by,
        after={"proposal": locked.pk, "name": checked.name, "size": len(checked.data)},
        note=_("replaces %(count)d earlier file(s)") % {"count": len(replaced)} if replaced else "",
    )
    return attachment


# --- consensus note -----------------------------------------------------------------------------


def can_write_consensus(user, stage, proposal) -> bool:
    """The organiser, or a member of the stage's panel who is not in conflict with the entry."""
    from agencies.permissions import is_organiser
    from judging.selectors import is_in_conflict

    if is_organiser(user):
        return True
    return stage.panel.filter(judge=user).exists() and not is_in_conflict(user, proposal)


@transaction.atomic
def record_consensus_note(stage, *, proposal, text: str, by, now=None) -> StageResult:
    """The panel's consensus on one entry: what it agreed and why (separate from the judges' own
    comments). A panel member or the organiser writes it, once the stage has opened.

    Side effects: updates StageResult.consensus_note / consensus_by / consensus_at.
    """
    now = now or timezone.now()
    locked = _lock_stage(stage)
    if not can_write_consensus(by, locked, proposal):
        raise JudgingError(_("Only the panel of this stage or the organiser may write this note."))
    if locked.opened_at is None:
        raise JudgingError(_("The stage is not open yet."))
    result = (
        StageResult.objects.select_for_update(of=("self",))
        .filter(stage=locked, proposal=proposal)
        .first()
    )
    if result is None:
        raise JudgingError(_("This proposal is not an entry of the stage."))
    text = (text or "").strip()
    if text == result.consensus_note:
        return result
    result.consensus_note, result.consensus_by, result.consensus_at = text, by, now
    result.save(update_fields=["consensus_note", "consensus_by", "consensus_at"])
    return result


# --- final result -------------------------------------------------------------------------------


def weight_problems(stages) -> list[str]:
    """The stages' weights must add up to 100."""
    total = sum((stage.weight for stage in stages), Decimal(0))
    if not stages:
        return [_("The edition has no judging stage.")]
    if total != HUNDRED:
        return [
            _("The stage weights add up to %(total)s; they must add up to 100.")
            % {"total": f"{total.normalize():f}"}
        ]
    return []


def _stages(edition) -> list[Stage]:
    return list(Stage.objects.filter(edition=edition).order_by("order"))


def _stage_score(result: StageResult, stage: Stage):
    return result.normalised if stage.rank_by == RankBy.NORMALISED else result.mean


@transaction.atomic
def set_stage_weights(edition, *, weights: dict[int, Decimal], by) -> list[Stage]:
    """Set the weight of each stage of the edition in the final result (stage id -> percent);
    they must add up to 100. Refused once the final result is confirmed.

    Side effects: saves Stage.weight, recomputes the final entries, writes an audit event.
    """
    _require_organiser(by)
    stages = list(Stage.objects.select_for_update().filter(edition=edition).order_by("order"))
    if FinalResult.objects.filter(edition=edition).exists():
        raise JudgingError(_("The final result is confirmed: the weights can no longer change."))
    if set(weights) != {stage.pk for stage in stages}:
        raise JudgingError(_("Give a weight for every stage of the edition."))
    before = {str(stage.pk): f"{stage.weight}" for stage in stages}
    problems = []
    for stage in stages:
        value = weights[stage.pk]
        if value is None or value < 0 or value > HUNDRED:
            problems.append(
                _("The weight of %(stage)s must be between 0 and 100.")
                % {"stage": stage.get_kind_display()}
            )
        stage.weight = value
    problems += [] if problems else weight_problems(stages)
    if problems:
        raise JudgingError(problems)
    Stage.objects.bulk_update(stages, ["weight"])
    record_event(
        "final.weights",
        edition,
        by=by,
        before=before,
        after={str(stage.pk): f"{stage.weight}" for stage in stages},
    )
    compute_final_results(edition)
    return stages


@transaction.atomic
def compute_final_results(edition, *, now=None) -> list[FinalEntry]:
    """Recompute the finalists' final scores and ranks.

    Finalists are the entries of the edition's last stage. Final score = sum over the stages of
    the stage's score (its mean, or its normalised score when the stage ranks by it) x the
    stage's weight / 100, rounded half up to two decimals; an entry not scored in every stage has
    no final score. Ranked within each track by the final score, then the same tie-break rule as
    the stages applied to the weighted figures: the higher weighted score on the heaviest
    criteria, then the higher weighted median, then the earlier submission; entries equal on
    every key share the rank ("unresolved").

    Side effects: creates, updates and deletes FinalEntry rows of the edition.
    """
    now = now or timezone.now()
    stages = _stages(edition)
    if not stages:
        FinalEntry.objects.filter(edition=edition).delete()
        return []
    last = stages[-1]
    results: dict[int, dict[int, StageResult]] = {}
    for result in StageResult.objects.filter(stage__in=stages):
        results.setdefault(result.proposal_id, {})[result.stage_id] = result
    finalists = list(
        Proposal.objects.filter(
            pk__in=StageResult.objects.filter(stage=last).values("proposal_id")
        ).only("pk", "track_id", "submitted_at")
    )
    FinalEntry.objects.filter(edition=edition).exclude(
        proposal_id__in=[p.pk for p in finalists]
    ).delete()
    existing = {entry.proposal_id: entry for entry in FinalEntry.objects.filter(edition=edition)}
    entries = []
    for proposal in finalists:
        entry = existing.get(proposal.pk) or FinalEntry(
            edition=edition, proposal=proposal, track_id=proposal.track_id
        )
        entry.track_id = proposal.track_id
        entry.submitted_at = proposal.submitted_at
        scores, total, heaviest, median, complete = {}, Decimal(0), Decimal(0), Decimal(0), True
        for stage in stages:
            result = results.get(proposal.pk, {}).get(stage.pk)
            value = _stage_score(result, stage) if result and result.is_scored else None
            scores[str(stage.pk)] = None if value is None else f"{value}"
            if value is None:
                complete = False
                continue
            total += value * stage.weight / HUNDRED
            heaviest += (result.heaviest or Decimal(0)) * stage.weight / HUNDRED
            median += (result.median or Decimal(0)) * stage.weight / HUNDRED
        entry.stage_scores = scores
        entry.score = _round(total) if complete else None
        entry.heaviest = _round(heaviest) if complete else None
        entry.median = _round(median) if complete else None
        entry.rank, entry.tie_break, entry.computed_at = None, TieBreak.NONE, now
        entries.append(entry)
    ranked = sorted(
        (e for e in entries if e.score is not None),
        key=lambda e: (
            e.track_id,
            -e.score,
            -e.heaviest,
            -e.median,
            e.submitted_at or datetime.datetime.max.replace(tzinfo=datetime.UTC),
            e.proposal_id,
        ),
    )
    previous = None
    position = 0
    for entry in ranked:
        if previous is None or previous.track_id != entry.track_id:
            position, previous = 0, None
        position += 1
        entry.rank = position
        if previous is not None and previous.score == entry.score:
            if previous.heaviest != entry.heaviest:
                entry.tie_break = TieBreak.HEAVIEST
            elif previous.median != entry.median:
                entry.tie_break = TieBreak.MEDIAN
            elif previous.submitted_at != entry.submitted_at:
                entry.tie_break = TieBreak.SUBMISSION
            else:
                entry.tie_break = TieBreak.UNRESOLVED
                entry.rank = previous.rank
        previous = entry
    fields = ["track", "stage_scores", "score", "heaviest", "median", "rank", "tie_break"]
    FinalEntry.objects.bulk_create([e for e in entries if e.pk is None])
    existing_rows = [e for e in entries if e.pk is not None]
    FinalEntry.objects.bulk_update(existing_rows, [*fields, "computed_at"])
    public_cache.bump()  # bulk writes send no signals
    return entries


def confirmation_problems(edition) -> list[str]:
    stages = _stages(edition)
    problems = weight_problems(stages)
    if any(not stage.is_closed for stage in stages):
        problems.append(_("Close every stage before confirming the final result."))
    return problems


@transaction.atomic
def confirm_final_result(edition, *, decree_number: str, decree_date, by, now=None) -> FinalResult:
    """Confirm the edition's final ranking with the mayor's decree letter (every stage closed,
    weights adding up to 100). Before publication the decree may be corrected by confirming
    again; after it, not.

    Side effects: recomputes the final entries, creates or updates the FinalResult, writes an
    audit event.
    """
    _require_organiser(by)
    now = now or timezone.now()
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    decree_number = (decree_number or "").strip()
    problems = confirmation_problems(edition)
    if not decree_number:
        problems.append(_("Enter the number of the mayor's decree letter (Surat Wali Kota)."))
    if not isinstance(decree_date, datetime.date):
        problems.append(_("Enter the date of the decree letter."))
    current = FinalResult.objects.filter(edition=edition).first()
    if current is not None and current.is_published:
        problems.append(_("The final result is published and can no longer be changed."))
    if problems:
        raise JudgingError(problems)
    compute_final_results(edition, now=now)
    before = (
        {"decree": current.decree_ref, "confirmed_at": current.confirmed_at.isoformat()}
        if current
        else None
    )
    result = current or FinalResult(edition=edition)
    result.decree_number, result.decree_date = decree_number, decree_date
    result.confirmed_by, result.confirmed_at = by, now
    result.save()
    record_event(
        "final.confirm",
        result,
        by=by,
        before=before,
        after={"decree": result.decree_ref, "confirmed_at": now.isoformat()},
    )
    return result


@transaction.atomic
def publish_final_result(edition, *, by, now=None, notify: bool = True) -> FinalResult:
    """Publish a confirmed final result: the public pages show the final ranking and awards, and
    every finalist's agency sees its feedback.

    Side effects: sets FinalResult.results_published_at / published_by, writes an audit event,
    e-mails the finalists' operators after commit.
    """
    _require_organiser(by)
    now = now or timezone.now()
    result = FinalResult.objects.select_for_update().filter(edition=edition).first()
    if result is None:
        raise JudgingError(_("Confirm the final result before publishing it."))
    if result.is_published:
        raise JudgingError(_("The final result is already published."))
    result.results_published_at, result.published_by = now, by
    result.save(update_fields=["results_published_at", "published_by"])
    record_event("final.publish", result, by=by, after={"published_at": now.isoformat()})
    if not notify:
        return result
    for entry in FinalEntry.objects.filter(edition=edition).select_related(
        "proposal__innovation", "proposal__agency"
    ):
        _mail(
            "judging/email/results_published.txt",
            _("Results of %(edition)s are published") % {"edition": edition.name},
            {"edition": edition, "proposal": entry.proposal},
            operator_emails(entry.proposal.agency_id),
        )
    return result


# --- awards -------------------------------------------------------------------------------------


def _award_state(award: Award) -> dict:
    return {"proposal": award.proposal_id, "kind": award.kind, "title": award.title}


@transaction.atomic
def give_award(edition, *, proposal, kind: str, title: str = "", by, now=None) -> Award:
    """Give a finalist an award: 1st, 2nd, 3rd (one each per track), an honourable mention, or a
    special award with its title.

    Side effects: creates the Award, writes an audit event.
    """
    _require_organiser(by)
    now = now or timezone.now()
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    title = (title or "").strip() if kind == AwardKind.SPECIAL else ""
    problems = []
    if kind not in AwardKind.values:
        problems.append(_("Choose an award."))
    entry = FinalEntry.objects.filter(edition=edition, proposal=proposal).first()
    if entry is None:
        problems.append(_("Only a finalist of this edition can receive an award."))
    if kind == AwardKind.SPECIAL and not title:
        problems.append(_("Give the name of the special award."))
    if problems:
        raise JudgingError(problems)
    if kind in WINNER_KINDS:
        holder = (
            Award.objects.filter(edition=edition, track_id=entry.track_id, kind=kind)
            .select_related("proposal__innovation")
            .first()
        )
        if holder is not None:
            raise JudgingError(
                _("%(innovation)s already holds this place in the track: remove it first.")
                % {"innovation": holder.proposal.innovation.acronym}
            )
    if Award.objects.filter(proposal=proposal, kind=kind, title=title).exists():
        raise JudgingError(_("This entry already has this award."))
    award = Award.objects.create(
        edition=edition,
        track_id=entry.track_id,
        proposal=proposal,
        kind=kind,
        title=title,
        awarded_by=by,
        awarded_at=now,
    )
    record_event("award.give", award, by=by, after=_award_state(award))
    return award


@transaction.atomic
def remove_award(award, *, by) -> None:
    """Take an award back. Side effects: deletes the Award, writes an audit event."""
    _require_organiser(by)
    award = Award.objects.select_for_update().filter(pk=award.pk).first()
    if award is None:
        return
    record_event("award.remove", award, by=by, before=_award_state(award))
    award.delete()


# --- KIJB ---------------------------------------------------------------------------------------


def kijb_eligible_from(innovation) -> datetime.date:
    """The first day the innovation has run KIJB_MIN_MONTHS months."""
    return add_months(innovation.started_on, KIJB_MIN_MONTHS)


@transaction.atomic
def forward_to_kijb(proposal, *, forwarded_on: datetime.date, by, note: str = "") -> KijbNomination:
    """Mark a finalist as forwarded to KIJB, the provincial competition.

    The provincial rule: on the date of forwarding the innovation has been in operation at least
    KIJB_MIN_MONTHS (6) months. The edition's final result must be confirmed. Side effects:
    creates the KijbNomination, writes an audit event.
    """
    _require_organiser(by)
    proposal = Proposal.objects.select_related("innovation", "edition").get(pk=proposal.pk)
    problems = []
    if not FinalEntry.objects.filter(proposal=proposal).exists():
        problems.append(_("Only a finalist can be forwarded to KIJB."))
    if not FinalResult.objects.filter(edition_id=proposal.edition_id).exists():
        problems.append(_("Confirm the final result first."))
    if KijbNomination.objects.filter(proposal=proposal).exists():
        problems.append(_("This entry is already forwarded to KIJB."))
    if not isinstance(forwarded_on, datetime.date):
        problems.append(_("Enter the date of forwarding."))
    elif not months_in_operation_ok(proposal.innovation.started_on, forwarded_on, KIJB_MIN_MONTHS):
        problems.append(
            _(
                "KIJB takes innovations in operation for at least %(months)d months: "
                "%(innovation)s started on %(start)s and qualifies from %(from)s."
            )
            % {
                "months": KIJB_MIN_MONTHS,
                "innovation": proposal.innovation.acronym,
                "start": date_format(proposal.innovation.started_on, "j F Y"),
                "from": date_format(kijb_eligible_from(proposal.innovation), "j F Y"),
            }
        )
    if problems:
        raise JudgingError(problems)
    nomination = KijbNomination.objects.create(
        proposal=proposal, forwarded_on=forwarded_on, note=(note or "").strip(), forwarded_by=by
    )
    record_event(
        "kijb.forward",
        nomination,
        by=by,
        after={"proposal": proposal.pk, "forwarded_on": forwarded_on.isoformat()},
    )
    return nomination


@transaction.atomic
def withdraw_kijb(nomination, *, by) -> None:
    """Undo a forwarding recorded by mistake. Side effects: deletes it, writes an audit event."""
    _require_organiser(by)
    nomination = KijbNomination.objects.select_for_update().filter(pk=nomination.pk).first()
    if nomination is None:
        return
    record_event(
        "kijb.withdraw",
        nomination,
        by=by,
        before={
            "proposal": nomination.proposal_id,
            "forwarded_on": nomination.forwarded_on.isoformat(),
        },
    )
    nomination.delete()
