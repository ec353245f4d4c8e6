"""Reads of the audit log."""

import datetime

from django.utils import timezone

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
