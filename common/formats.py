"""One way to show numbers and dates, in the active language: documents, pages and e-mails use
these (in templates: `{% load kiks_format %}` and the `number`, `day` and `moment` filters), so a
document never mixes `93.33` with `93,61` or `2021-01-01` with `1 Januari 2021`. JSON and
spreadsheets keep their own types: ISO dates and plain numbers (`json_value`).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format, get_format

CENT = Decimal("0.01")
DAY = "j F Y"
MOMENT = "j F Y H:i"


def cents(value) -> Decimal | None:
    """A figure as the portal keeps it: rounded half up to two decimals (floats through their
    shortest text, as the SQL of judging.results does); None stays None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def number_formatter(places: int = 2):
    """A function formatting a number with `places` decimals, rounded half up, with the active
    language's decimal separator (78,25 in Indonesian, 78.25 in English); None stays None. Built
    once per page for tables of many cells."""
    separator = get_format("DECIMAL_SEPARATOR")
    step = Decimal(1).scaleb(-places)

    def fmt(value):
        if value is None or value == "":
            return None
        text = str(Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP))
        return text.replace(".", separator) if separator != "." else text

    return fmt


def number(value, places: int = 2) -> str | None:
    return number_formatter(places)(value)


def day(value: datetime.date | None) -> str:
    """A date as people write it: 6 April 2021 (6 April 2021 in Indonesian too, 6 Mei ...)."""
    return date_format(value, DAY) if value else ""


def moment(value: datetime.datetime | None) -> str:
    """A time in WIB: 6 April 2021 14:00 (the caller adds "WIB" where the sentence needs it)."""
    return date_format(timezone.localtime(value), MOMENT) if value else ""


def json_value(value):
    """A value for JSON: dates and times in ISO, numbers as plain numbers."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value
