"""What every judging service shares: the refusal, the organiser check, the stage lock and the
stage's event log."""

from django.utils.translation import gettext as _

from agencies.permissions import is_organiser
from audit.services import record
from common.errors import DomainError
from judging.models import Stage, StageEvent

Action = StageEvent.Action


class JudgingError(DomainError):
    """A refused judging action: `messages` lists every reason, in the user's language."""


def require_organiser(user) -> None:
    if not is_organiser(user):
        raise JudgingError(_("Only the organiser (Bagian Organisasi) may do this."))


def lock_stage(stage) -> Stage:
    return Stage.objects.select_for_update(of=("self",)).select_related("edition").get(pk=stage.pk)


def log_stage_event(stage, action, *, by, at, judge=None, proposal=None, note="") -> StageEvent:
    """Write the stage's history row (the stage page's events) and its audit event together."""
    event = StageEvent(
        stage=stage, action=action, by=by, at=at, judge=judge, proposal=proposal, note=note
    )
    after = {"judge": getattr(judge, "pk", None), "proposal": getattr(proposal, "pk", None)}
    record(
        f"stage.{action}",
        stage,
        by=by,
        after={key: value for key, value in after.items() if value is not None},
        note=note,
        history=event,
    )
    return event


def refuse_if_closed(stage) -> None:
    if stage.is_closed:
        raise JudgingError(_("This stage is closed."))
