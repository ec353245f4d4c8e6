"""The one way to write the audit log."""

from django.db import models

from audit.models import AuditEvent


def record_event(
    action: str,
    obj: models.Model,
    *,
    by=None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    """Append an audit event for `obj`. Call it inside the service's transaction, so the event
    exists exactly when the change does.

    `action` is a dotted verb such as "proposal.status", "scoresheet.submit", "shortlist.confirm",
    "user.roles". Side effects: inserts one AuditEvent row.
    """
    return AuditEvent.objects.create(
        actor=by if getattr(by, "pk", None) else None,
        actor_name=by.get_username() if getattr(by, "pk", None) else "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=before or {},
        after=after or {},
        note=note,
    )
