"""The one way the portal sends e-mail.

Every message is plain text from a template, in the site's language (Indonesian) unless the
caller names another, and leaves only after the current transaction commits: a message never
announces a change that was rolled back. Sending happens after the data is saved, so a mail
server that is down or a template that fails is logged (logger "kiks.mail") and never turns a
successful action into an error page.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("kiks.mail")


def send_mail(
    *,
    to,
    subject,
    template: str,
    context: dict | None = None,
    subject_params: dict | None = None,
    prefix: bool = True,
    language: str | None = None,
) -> None:
    """E-mail `to` (one message to all of them) once the current transaction commits.

    The body is `template` rendered with `context` plus `site_name`; the subject is
    `subject % subject_params` (give a gettext_lazy string and lazy or plain values, so that
    they are translated in the mail's language), prefixed "[KIKS_SITE_NAME] " unless `prefix`
    is False (for subjects whose text already holds the site name). `language`: the mail's
    language, default settings.LANGUAGE_CODE. Does nothing without recipients. Side effects:
    registers the sending with `transaction.on_commit`; any error while rendering or sending is
    logged with its trace, never raised.
    """
    recipients = list(to or ())
    if not recipients:
        return
    context = dict(context or {})

    def send():
        try:
            with translation.override(language or settings.LANGUAGE_CODE):
                body = render_to_string(template, {**context, "site_name": settings.KIKS_SITE_NAME})
                text = str(subject)
                if subject_params is not None:
                    text = text % subject_params
                if prefix:
                    text = f"[{settings.KIKS_SITE_NAME}] {text}"
            EmailMessage(text, body, None, recipients).send()
        except Exception:
            # After commit: the change stands, and the trace is kept for whoever runs the server.
            logger.exception("Could not e-mail %s (%s)", recipients, template)

    transaction.on_commit(send)
