"""The one way the portal sends e-mail: through the outbox.

Every message is plain text from a template, in the site's language (Indonesian) unless the
caller names another, rendered at once and written as an outbox row (django-post-office's Email)
in the current transaction: it exists exactly when the change that causes it does, and a
message never announces a change that was rolled back. The background worker (common.outbox,
`manage.py db_worker`) sends it after the commit, with a timeout, retries and a record of each
attempt; a mail server that is down or hangs never slows or fails the request. A template that
fails to render is logged (logger "kiks.mail") and never turns the action into an error page.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from post_office.models import PRIORITY, STATUS, Email
from post_office.signals import email_queued

logger = logging.getLogger("kiks.mail")


# Marks a message to delete once delivered (see `forget`); also tells the recipient's mail
# system that the message was sent by a machine.
FORGET_HEADER = "X-KIKS-Forget-Recipient"


def send_mail(
    *,
    to,
    subject,
    template: str,
    context: dict | None = None,
    subject_params: dict | None = None,
    prefix: bool = True,
    language: str | None = None,
    forget: bool = False,
) -> None:
    """Queue one e-mail to `to` (all of them on one message) in the current transaction.

    The body is `template` rendered with `context` plus `site_name`; the subject is
    `subject % subject_params` (give a gettext_lazy string and lazy or plain values, so that
    they are translated in the mail's language), prefixed "[KIKS_SITE_NAME] " unless `prefix`
    is False (for subjects whose text already holds the site name). `language`: the mail's
    language, default settings.LANGUAGE_CODE. Does nothing without recipients. Side effects:
    one queued post_office Email row, and its delivery enqueued once the transaction commits
    (common.outbox.wake). A rendering error, or an address post_office refuses, is logged with
    its trace (nothing is queued), never raised.
    `forget`: an address the portal promises not to keep (the favourite vote's visitor): the
    message is deleted, address, body and attempts, as soon as it is sent or has expired
    (common.outbox.forget_delivered); until then the outbox page shows it as any other.
    """
    recipients = list(to or ())
    if not recipients:
        return
    context = dict(context or {})
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            body = render_to_string(template, {**context, "site_name": settings.KIKS_SITE_NAME})
            text = str(subject)
            if subject_params is not None:
                text = text % subject_params
            if prefix:
                text = f"[{settings.KIKS_SITE_NAME}] {text}"
    except Exception:
        # The change stands; the trace is kept for whoever runs the server.
        logger.exception("Could not render the e-mail to %s (%s)", recipients, template)
        return
    try:
        # Checks every address (Email.save runs full_clean) before anything is written.
        email = Email(
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
            subject=text,
            message=body,
            status=STATUS.queued,
            priority=PRIORITY.medium,
            headers={FORGET_HEADER: "1"} if forget else None,
        )
        email.save()
    except ValidationError:
        logger.exception("Could not queue the e-mail to %s (%s)", recipients, template)
        return
    email_queued.send(sender=Email, emails=[email])
