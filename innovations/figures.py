"""Reads of an edition's figures over time, for the dashboards' charts (innovations.charts): the
proposals handed in per day and the verification backlog by age. One query each; the totals
agree with the dashboard's own figures (judging.lifecycle.Overview: `handed_in`, `waiting`)
because they count the same proposals (`Proposal.objects.counted()`, `.submitted()`).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from innovations.models import Edition, Proposal

# The verification backlog's age buckets, in whole days since the proposal was handed in:
# (lowest, highest) inclusive, None for "and more".
AGE_BUCKETS = ((0, 2), (3, 7), (8, 14), (15, None))
# The longest run of days `handed_in_by_day` returns.
MAX_DAYS = 366


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    count: int  # handed in that day (WIB)
    total: int  # handed in up to and including that day


def handed_in_by_day(edition: Edition, *, until: datetime.date | None = None) -> list[DayCount]:
    """The proposals handed in (submitted, sent back for changes or verified: those the
    obligation counts) by the day of their latest submission in WIB, every day from the first to
    the last (or to `until`, when later: the deadline) with a running total; empty when none was
    handed in. One query."""
    counts = dict(
        Proposal.objects.counted()
        .filter(edition=edition)
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if until is not None:
        last = max(last, until)
    # A year at most (an edition's window is weeks); earlier days still count in the total.
    first = max(first, last - datetime.timedelta(days=MAX_DAYS - 1))
    days, total = [], sum(n for day, n in counts.items() if day < first)
    for offset in range((last - first).days + 1):
        day = first + datetime.timedelta(days=offset)
        total += counts.get(day, 0)
        days.append(DayCount(day, counts.get(day, 0), total))
    return days


@dataclass(frozen=True)
class AgeCount:
    lowest: int
    highest: int | None
    count: int


def waiting_by_age(edition: Edition, now=None) -> list[AgeCount]:
    """The proposals waiting for verification (submitted) by how long they have waited since
    they were handed in, in AGE_BUCKETS (every bucket, empty ones too). One query."""
    now = now or timezone.now()
    figures = {}
    for lowest, highest in AGE_BUCKETS:
        # The first bucket has no lower bound, so the buckets add up to every waiting proposal.
        condition = Q(submitted_at__lte=now - datetime.timedelta(days=lowest)) if lowest else Q()
        if highest is not None:
            condition &= Q(submitted_at__gt=now - datetime.timedelta(days=highest + 1))
        figures[f"age_{lowest}"] = Count("pk", filter=condition)
    counts = Proposal.objects.submitted().filter(edition=edition).aggregate(**figures)
    return [
        AgeCount(lowest, highest, counts[f"age_{lowest}"] or 0) for lowest, highest in AGE_BUCKETS
    ]
