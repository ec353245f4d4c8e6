"""Forms of the agency's pages: they check what was typed; the services act and hold the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.links import validate_web_url
from common.widgets import DateInput
from innovations.enums import SDG, AttachmentKind
from innovations.models import Innovation, SustainableDevelopmentGoal
from innovations.services import INNOVATION_FIELDS, MAX_ANSWER_CHARACTERS

ACCEPTED_FILES = "application/pdf,image/jpeg,image/png,image/webp,.pdf,.jpg,.jpeg,.png,.webp"


class SDGChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return SDG(obj.number).label


class TrackChoiceField(forms.ModelChoiceField):
    """Tracks by their name: the edition is already on the page."""

    def label_from_instance(self, obj):
        return obj.name


class InnovationForm(forms.ModelForm):
    """The lasting innovation's fields, shown on "new proposal" and in the editor."""

    sdgs = SDGChoiceField(
        label=_("SDG goals"),
        queryset=SustainableDevelopmentGoal.objects.order_by("number"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "sdg-choices"}),
        error_messages={"required": _("Choose at least one Sustainable Development Goal.")},
        help_text=_("At least one goal the innovation serves."),
    )

    class Meta:
        model = Innovation
        fields = [*INNOVATION_FIELDS, "sdgs"]
        widgets = {
            "started_on": DateInput(),
            "expansion": forms.TextInput(),
        }
        help_texts = {
            "acronym": _("How people know it, e.g. Cendol."),
            "expansion": _("What the acronym stands for, e.g. Cerita dan dongeng online."),
            "started_on": _("The day the innovation started serving people."),
        }

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["acronym"].required = True

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on and started_on > timezone.localdate():
            raise forms.ValidationError(_("The start date cannot be in the future."))
        return started_on

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if self.agency is not None:
            clash = Innovation.objects.filter(agency=self.agency, name__iexact=name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _("Your agency already has an innovation with this name.")
                )
        return name

    def service_fields(self) -> dict:
        """The cleaned innovation fields, as the services take them (without the SDGs)."""
        return {name: self.cleaned_data[name] for name in INNOVATION_FIELDS}

    def sdg_list(self) -> list:
        return list(self.cleaned_data["sdgs"])


class ProposalDraftForm(forms.Form):
    """The proposal's own fields and one text box per section of the edition.

    Nothing here is required: a draft is saved however incomplete. The limits shown beside each
    box are checked on submission (innovations.checklist), not here.
    """

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.sections = list(proposal.edition.sections.all())
        answers = {answer.section_id: answer.text for answer in proposal.answers.all()}
        self.fields["track"] = TrackChoiceField(
            label=_("Track"),
            queryset=proposal.edition.tracks.order_by("order", "name"),
            initial=proposal.track_id,
        )
        self.fields["video_url"] = forms.CharField(
            label=_("Video link"),
            required=False,
            max_length=500,
            validators=[validate_web_url],
            initial=proposal.video_url,
            widget=forms.TextInput(
                attrs={"inputmode": "url", "placeholder": "https://www.youtube.com/watch?v=…"}
            ),
            help_text=_("An http or https address of the video (YouTube, Google Drive…)."),
        )
        for section in self.sections:
            attrs = {
                "rows": 10,
                "class": "form-control",
                "data-word-counter": "",
                "data-min-words": section.min_words,
            }
            if section.guidance:
                attrs["aria-describedby"] = f"id_{self.field_name(section)}-guidance"
            if section.max_words is not None:
                attrs["data-max-words"] = section.max_words
            self.fields[self.field_name(section)] = forms.CharField(
                label=section.title,
                required=False,
                max_length=MAX_ANSWER_CHARACTERS,
                strip=False,
                initial=answers.get(section.pk, ""),
                help_text=section.guidance,
                widget=forms.Textarea(attrs=attrs),
            )

    @staticmethod
    def field_name(section) -> str:
        return f"section_{section.key}"

    def section_rows(self):
        """(section, bound field) pairs, in the edition's order, for the template."""
        return [(section, self[self.field_name(section)]) for section in self.sections]

    def valid_answers(self) -> dict:
        """Section key -> text for every box that passed its checks (after is_valid())."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            section.key: cleaned[self.field_name(section)]
            for section in self.sections
            if self.field_name(section) in cleaned
        }

    def valid_value(self, name):
        return getattr(self, "cleaned_data", {}).get(name)


class AttachmentUploadForm(forms.Form):
    """One file to attach; part of the editor's form so that typed text is saved with it."""

    kind = forms.ChoiceField(label=_("Kind of file"), choices=AttachmentKind.choices)
    section = forms.ModelChoiceField(
        label=_("Section (supporting documents)"),
        queryset=None,
        required=False,
        empty_label=_("— not tied to a section —"),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=200)
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
        help_text=_("PDF for letters and documents; JPEG, PNG or WebP for photos."),
    )

    def __init__(self, *args, proposal, **kwargs):
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = proposal.edition.sections.order_by("order", "id")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != AttachmentKind.DOCUMENT:
            cleaned["section"] = None
        return cleaned

    @property
    def has_file(self) -> bool:
        return bool(self.files.get(self.add_prefix("file")))


class NewProposalForm(forms.Form):
    """Which agency, which track, and an existing innovation (or none: a new one)."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    track = TrackChoiceField(label=_("Track"), queryset=None)
    innovation = forms.ModelChoiceField(
        label=_("Innovation"),
        queryset=None,
        required=False,
        empty_label=_("— a new innovation (fill in below) —"),
        help_text=_("One of your agency's innovations not yet entered in this edition."),
    )

    def __init__(self, *args, agencies, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["agency"].queryset = agencies
        only = list(agencies[:2])
        if len(only) == 1:
            self.fields["agency"].initial = only[0].pk
            self.fields["agency"].widget = forms.HiddenInput()
        self.fields["track"].queryset = edition.tracks.order_by("order", "name")
        self.fields["innovation"].queryset = (
            Innovation.objects.filter(agency__in=agencies)
            .exclude(proposals__edition=edition)
            .select_related("agency")
            .order_by("acronym", "name")
        )

    def clean(self):
        cleaned = super().clean()
        innovation, agency = cleaned.get("innovation"), cleaned.get("agency")
        if innovation and agency and innovation.agency_id != agency.pk:
            self.add_error("innovation", _("Choose an innovation of the chosen agency."))
        return cleaned


class CopyProposalForm(forms.Form):
    track = TrackChoiceField(label=_("Track in the new edition"), queryset=None)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = edition.tracks.order_by("order", "name")


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
