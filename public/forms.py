from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.enums import AgencyKind
from innovations.enums import SDG
from judging.enums import AwardKind
from public.selectors import RESULT_SHORTLISTED, RegistryFilters

YES, NO = "ya", "tidak"


class RegistryFilterForm(forms.Form):
    """The registry's search box and filters (GET). Unknown values are ignored, never an error:
    a shared link with an old filter still shows the registry."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    edisi = forms.ChoiceField(label=_("Edition"), required=False)
    kategori = forms.ChoiceField(label=_("Track"), required=False)
    jenis = forms.ChoiceField(label=_("Kind of agency"), required=False)
    sdg = forms.TypedChoiceField(label=_("SDG goal"), required=False, coerce=int, empty_value=None)
    digital = forms.ChoiceField(label=_("Digital"), required=False)
    hasil = forms.ChoiceField(label=_("Result"), required=False)

    def __init__(self, *args, editions=(), tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edisi"].choices = [("", _("All editions"))] + [
            (edition.slug, edition.name) for edition in editions
        ]
        self.fields["kategori"].choices = [("", _("All tracks"))] + list(tracks)
        self.fields["jenis"].choices = [("", _("All kinds of agency"))] + list(AgencyKind.choices)
        self.fields["sdg"].choices = [("", _("All SDG goals"))] + list(SDG.choices)
        self.fields["digital"].choices = [
            ("", _("Digital or not")),
            (YES, _("Digital")),
            (NO, _("Non-digital")),
        ]
        self.fields["hasil"].choices = [
            ("", _("Any result")),
            (RESULT_SHORTLISTED, _("Shortlisted")),
            *AwardKind.choices,
        ]

    def filters(self) -> RegistryFilters:
        """The valid part of the query: each field that does not validate is left out."""
        if not self.is_bound:
            return RegistryFilters()
        self.is_valid()
        data = self.cleaned_data
        digital = data.get("digital")
        return RegistryFilters(
            q=(data.get("q") or "").strip(),
            edition=data.get("edisi") or "",
            track=data.get("kategori") or "",
            kind=data.get("jenis") or "",
            sdg=data.get("sdg"),
            digital=True if digital == YES else (False if digital == NO else None),
            result=data.get("hasil") or "",
        )


class VoteForm(forms.Form):
    """One track's ballot: one shortlisted innovation and the voter's e-mail address."""

    proposal = forms.TypedChoiceField(
        label=_("Your favourite"), coerce=int, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_(
            "We send the confirmation link to this address and do not keep it: only a "
            "fingerprint that cannot be turned back into the address is stored."
        ),
    )

    def __init__(self, *args, entry=None, **kwargs):
        """`entry`: the track's public.selectors.TrackResults."""
        self.entry = entry
        kwargs.setdefault("prefix", f"track-{entry.track.pk}")
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [
            (proposal.pk, f"{proposal.innovation_acronym} · {proposal.agency.name}")
            for proposal in entry.entries
        ]

    def chosen_proposal(self):
        chosen = self.cleaned_data["proposal"]
        return next(p for p in self.entry.entries if p.pk == chosen)
