"""Reads of the audit log, and of the e-mail outbox the organiser watches beside it."""

import datetime

from django.db.models import Count, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from audit.models import AuditEvent


def audit_events(*, action="", object_type="", actor="", date_from=None, date_to=None):
    """The audit log, newest first, narrowed by the organiser's filters. Dates are whole days in
    the site's time zone (WIB), both ends included. No join: the actor's name at the time is on
    the row."""
    queryset = AuditEvent.objects.order_by("-at", "-id")
    if action:
        queryset = queryset.filter(action=action)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if actor:
        queryset = queryset.filter(actor_name__icontains=actor.strip())
    zone = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
        queryset = queryset.filter(at__gte=start)
    if date_to:
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
        queryset = queryset.filter(at__lt=end.replace(tzinfo=zone))
    return queryset


def known_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def known_object_types() -> list[str]:
    return list(
        AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


def changes_of(event) -> list[tuple[str, object, object]]:
    """(field, before, after) for every key in either side, for display."""
    keys = list(dict.fromkeys([*event.before, *event.after]))
    return [(key, event.before.get(key, ""), event.after.get(key, "")) for key in keys]


# --- the e-mail outbox (common.mail, common.outbox) ----------------------------------------

# The organiser's three views of the outbox, as post_office statuses.
OUTBOX_STATUSES = {
    "sent": [STATUS.sent],
    "waiting": [STATUS.queued, STATUS.requeued],
    "failed": [STATUS.failed],
}


def outbox_messages(*, status: str = ""):
    """The outbox, newest first: every e-mail the portal queued, narrowed to one of
    OUTBOX_STATUSES ("sent", "waiting", "failed"; anything else: all). Each row carries
    `attempts` (its post_office Log rows) and `last_error` (the message of its latest failed
    attempt, "" if none); the body is not read."""
    latest_failure = Log.objects.filter(email=OuterRef("pk"), status=STATUS.failed).order_by(
        "-date", "-id"
    )
    queryset = (
        Email.objects.defer("message", "html_message", "context", "headers")
        .annotate(
            attempts=Count("logs"),
            last_error=Coalesce(
                Subquery(latest_failure.values("message")[:1]), Value(""), output_field=TextField()
            ),
        )
        .order_by("-created", "-id")
    )
    if status in OUTBOX_STATUSES:
        queryset = queryset.filter(status__in=OUTBOX_STATUSES[status])
    return queryset


def outbox_counts() -> dict[str, int]:
    """How many messages are sent, waiting and failed (keys of OUTBOX_STATUSES)."""
    by_status = dict(
        Email.objects.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        name: sum(by_status.get(value, 0) for value in values)
        for name, values in OUTBOX_STATUSES.items()
    }
