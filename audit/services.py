"""The one way to write the audit log, and with it the history rows that pages show.

The rule: a service that changes something worth answering for calls `record` once, inside its
transaction. When the change also has a per-object history row that a page shows (a proposal's
status history, a stage's events, a shortlist's changes), the service builds that row unsaved and
hands it over as `history`: `record` saves it and writes the audit event together, so the page's
history and the append-only log can never disagree.
"""

from django.db import models, transaction

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
