"""The panel's consensus note on an entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from judging.models import StageResult
from judging.selectors.judges import can_write_consensus
from judging.services.base import JudgingError, lock_stage


@transaction.atomic
def record_consensus_note(stage, *, proposal, text: str, by, now=None) -> StageResult:
    """The panel's consensus on one entry: what it agreed and why (separate from the judges' own
    comments). A panel member or the organiser writes it, once the stage has opened.

    Side effects: updates StageResult.consensus_note / consensus_by / consensus_at.
    """
    now = now or timezone.now()
    locked = lock_stage(stage)
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
