from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.import_workbook import MAX_BYTES


class ImportUploadForm(forms.Form):
    """The workbook to import; `clean_workbook` gives its bytes (at most MAX_BYTES)."""

    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_workbook(self) -> bytes:
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s kB.") % {"size": MAX_BYTES // 1024}
            )
        upload.seek(0)
        return upload.read(MAX_BYTES + 1)


class ImportConfirmForm(forms.Form):
    """The preview's promise: the digest of the workbook it showed."""

    digest = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
