"""The one way to write the audit log, and with it the history rows that pages show.

The rule: a service that changes something worth answering for calls `record` once, inside its
transaction. When the change also has a per-object history row that a page shows (a proposal's
status history, a stage's events, a shortlist's changes), the service builds that row unsaved and
hands it over as `history`: `record` saves it and writes the audit event together, so the page's
history and the append-only log can never disagree.
"""

from django.db import models, transaction
from post_office.models import STATUS, Email
from post_office.signals import email_queued

from audit.models import AuditEvent


@transaction.atomic(savepoint=False)
def record(
    action: str,
    obj: models.Model,
    *,
    by,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    history: models.Model | None = None,
) -> AuditEvent:
    """Append an audit event for `obj`, and save `history` (an unsaved history row) with it.

    `action` is a dotted verb such as "proposal.status", "scoresheet.submit", "shortlist.confirm",
    "user.roles"; `by` the acting user (None or anonymous: recorded without an actor). Call it
    inside the service's transaction (it joins it; alone, it opens one), so the rows exist
    exactly when the change does. Side effects: inserts the history row if given, then one
    AuditEvent row.
    """
    if history is not None:
        history.save()
    actor = by if getattr(by, "pk", None) else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=before or {},
        after=after or {},
        note=note,
    )


@transaction.atomic
def resend_email(email_id: int, *, by) -> Email:
    """Put message `email_id` of the outbox back in the queue, whatever its status, to be sent
    as soon as the worker runs: its retry count starts again at zero.

    Raises Email.DoesNotExist for an unknown id. Side effects: the row locked and updated
    (status queued, no scheduled time, retries 0), an "email.resend" audit event with the
    status before, and the worker woken after commit (post_office's email_queued signal).
    """
    email = Email.objects.select_for_update().get(pk=email_id)
    before = {"status": _status_name(email.status)}
    email.status = STATUS.queued
    email.scheduled_time = None
    email.number_of_retries = 0
    email.save(update_fields=["status", "scheduled_time", "number_of_retries", "last_updated"])
    record(
        "email.resend",
        email,
        by=by,
        before=before,
        after={"status": _status_name(email.status)},
        note=", ".join(email.to),
    )
    email_queued.send(sender=Email, emails=[email])
    return email


def _status_name(status: int | None) -> str:
    """post_office's status code as its name ("sent", "failed", "queued", "requeued")."""
    return STATUS._fields[status] if status is not None else ""
