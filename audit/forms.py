from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput


class AuditFilterForm(forms.Form):
    """The organiser's filters over the audit log; every field is optional."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    actor = forms.CharField(label=_("By (username)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From (date, WIB)"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To (date, WIB)"), required=False, widget=DateInput())

    def __init__(self, *args, actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"
        everything = [("", _("All"))]
        self.fields["action"].choices = everything + [(value, value) for value in actions]
        self.fields["object_type"].choices = everything + [(value, value) for value in object_types]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return cleaned


class OutboxFilterForm(forms.Form):
    """The organiser's filter over the outbox: one status, or all."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("waiting", _("Waiting")),
            ("failed", _("Failed")),
            ("sent", _("Sent")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class ResendForm(forms.Form):
    """The resend button: which message of the outbox."""

    email = forms.IntegerField(min_value=1)
