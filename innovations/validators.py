"""Rules shared by the models, forms, services and admin."""

import calendar
import datetime
import re

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as the editor's live counter counts them: runs of non-space characters."""
    return len(_WORD.findall(text or ""))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_in_operation_ok(started_on: datetime.date, on: datetime.date, months: int) -> bool:
    """Whether something started on `started_on` has run at least `months` months by `on`."""
    return add_months(started_on, months) <= on
