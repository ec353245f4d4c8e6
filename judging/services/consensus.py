"""The panel's consensus note on an entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.permissions import is_organiser
from audit.services import record
from judging.models import StageResult
from judging.selectors.finals import published_result
from judging.selectors.judges import can_write_consensus
from judging.services.base import JudgingError, lock_stage


@transaction.atomic
def record_consensus_note(
    stage, *, proposal, text: str, by, reason: str = "", now=None
) -> StageResult:
    """The panel's consensus on one entry: what it agreed and why (separate from the judges' own
    comments). A panel member or the organiser writes it while the stage is open. Once the stage
    is closed the note is locked: only the organiser corrects it, with a reason; once the
    edition's result is published, nobody does (the agencies have read it).

    Side effects: updates StageResult.consensus_note / consensus_by / consensus_at and writes an
    audit event ("consensus.write", or "consensus.correct" with the reason after the close).
    """
    now = now or timezone.now()
    locked = lock_stage(stage)
    reason = (reason or "").strip()
    _check_may_write(locked, proposal=proposal, by=by, reason=reason)
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
    before = result.consensus_note
    result.consensus_note, result.consensus_by, result.consensus_at = text, by, now
    result.save(update_fields=["consensus_note", "consensus_by", "consensus_at"])
    record(
        "consensus.correct" if locked.is_closed else "consensus.write",
        result,
        by=by,
        before={"consensus_note": before},
        after={"consensus_note": text},
        note=reason,
    )
    return result


def _check_may_write(stage, *, proposal, by, reason: str) -> None:
    if not can_write_consensus(by, stage, proposal):
        raise JudgingError(_("Only the panel of this stage or the organiser may write this note."))
    if stage.opened_at is None:
        raise JudgingError(_("The stage is not open yet."))
    if published_result(stage.edition) is not None:
        raise JudgingError(
            _("The results of this edition are published: the consensus note can no longer change.")
        )
    if stage.is_closed and not is_organiser(by):
        raise JudgingError(
            _(
                "The stage is closed and its consensus notes are locked. Ask the organiser for "
                "a correction."
            )
        )
    if stage.is_closed and not reason:
        raise JudgingError(_("The stage is closed: give the reason for correcting the note."))
