"""Date and time inputs that round-trip.

A browser's `<input type="date">` (and datetime-local, time) takes its value only in ISO form:
`2027-02-10`, `2027-02-10T16:00`, `16:00`. Django renders a value in the active language's first
input format (`10-02-2027 16.00.00` in Indonesian), which the browser rejects and shows empty, so
that saving the form unchanged clears the field. These widgets always render ISO (the form fields
accept ISO in every language), so a saved value shows and comes back as it was. Every date and time
field of the portal's forms uses them (tests/common/test_forms_round_trip.py walks the forms).
"""

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """A wall-clock time in the site's time zone (WIB), to the minute."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATETIME)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_TIME)
