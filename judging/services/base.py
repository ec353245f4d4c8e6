"""What every judging service shares: the refusal, the organiser check, the stage lock, the stage's
event log and e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from agencies.permissions import is_organiser
from judging.models import Stage, StageEvent

Action = StageEvent.Action


class JudgingError(Exception):
    """A refused action. `messages` lists every reason, in the user's language."""

    def __init__(self, messages, *, code: str = ""):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = [str(message) for message in messages]
        self.code = code
        super().__init__("; ".join(self.messages))


def require_organiser(user) -> None:
    if not is_organiser(user):
        raise JudgingError(_("Only the organiser (Bagian Organisasi) may do this."))


def lock_stage(stage) -> Stage:
    return Stage.objects.select_for_update(of=("self",)).select_related("edition").get(pk=stage.pk)


def log_stage_event(stage, action, *, by, at, judge=None, proposal=None, note="") -> StageEvent:
    return StageEvent.objects.create(
        stage=stage, action=action, by=by, at=at, judge=judge, proposal=proposal, note=note
    )


def refuse_if_closed(stage) -> None:
    if stage.is_closed:
        raise JudgingError(_("This stage is closed."))


def mail(template: str, subject: str, context: dict, recipients: list[str]) -> None:
    """Send one e-mail in the site's language (Indonesian), after the transaction commits."""
    if not recipients:
        return

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(template, {**context, "site_name": settings.KIKS_SITE_NAME})
            send_mail(f"[{settings.KIKS_SITE_NAME}] {subject}", body, None, recipients)

    transaction.on_commit(send)
