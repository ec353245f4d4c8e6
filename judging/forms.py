"""Forms of the judging pages: they validate what was typed; the services act."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.links import validate_web_url
from common.widgets import DateInput, DateTimeInput, TimeInput
from innovations.models import Edition
from innovations.seed import TRACKS
from judging.enums import AwardKind, StageKind
from judging.models import Stage
from judging.selectors import find_entries, judge_users
from judging.services import edition_problems
from judging.validators import criteria_problems


class StageCreateForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Edition"),
        queryset=Edition.objects.order_by("-year", "name"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of stage"),
        choices=StageKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class StageSettingsForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = [
            "weight",
            "judges_per_proposal",
            "whole_panel",
            "spread_threshold",
            "score_visibility",
            "show_agency",
            "rank_by",
            "closes_at",
        ]
        widgets = {"closes_at": DateTimeInput()}


class CriterionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=120)
    guidance = forms.CharField(
        label=_("Guidance for the judges"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    weight = forms.DecimalField(
        label=_("Weight (%)"), max_digits=5, decimal_places=2, min_value=Decimal("0.01")
    )
    scale_min = forms.DecimalField(label=_("Lowest score"), max_digits=6, decimal_places=2)
    scale_max = forms.DecimalField(label=_("Highest score"), max_digits=6, decimal_places=2)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest score."))
        return cleaned


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = criteria_problems(rows)
        if problems:
            raise forms.ValidationError(problems)

    def criteria(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


class PanelForm(forms.Form):
    judges = forms.ModelMultipleChoiceField(
        label=_("Judges"),
        queryset=judge_users(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = judge_users()
        self.fields["judges"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )


class DeclarationForm(forms.Form):
    """One checkbox and reason per entry, then "no other conflicts" and the pledge."""

    confirm_complete = forms.BooleanField(
        label=_("I have checked the whole list; the conflicts marked above are all I have."),
    )
    sign_pledge = forms.BooleanField(label=_("I sign the integrity pledge above."))

    def __init__(self, *args, entries, automatic: set[int], declared: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = []
        for entry in entries:
            proposal = entry.proposal
            if proposal.pk in automatic or proposal.pk in declared:
                self.entries.append(
                    {"entry": entry, "locked": True, "automatic": proposal.pk in automatic}
                )
                continue
            self.fields[f"conflict_{proposal.pk}"] = forms.BooleanField(
                label=_("Conflict"), required=False
            )
            self.fields[f"reason_{proposal.pk}"] = forms.CharField(
                label=_("Reason"), required=False, max_length=500
            )
            self.entries.append(
                {
                    "entry": entry,
                    "locked": False,
                    "checkbox": self[f"conflict_{proposal.pk}"],
                    "reason": self[f"reason_{proposal.pk}"],
                }
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.entries:
            if row["locked"]:
                continue
            pk = row["entry"].proposal_id
            if cleaned.get(f"conflict_{pk}") and not (cleaned.get(f"reason_{pk}") or "").strip():
                self.add_error(f"reason_{pk}", _("Give the reason for this conflict."))
        return cleaned

    def conflicts(self) -> dict[int, str]:
        return {
            row["entry"].proposal_id: self.cleaned_data[f"reason_{row['entry'].proposal_id}"]
            for row in self.entries
            if not row["locked"] and self.cleaned_data.get(f"conflict_{row['entry'].proposal_id}")
        }


class EntryConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you in conflict with this proposal?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreSheetForm(forms.Form):
    """A score and a comment per criterion, and an overall comment. Scores may stay empty in a
    draft; submitting needs them all."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, scores=None, overall_comment="", locked=False, **kwargs):
        initial = {"overall_comment": overall_comment}
        for score in scores or []:
            initial[f"score_{score.criterion_id}"] = score.value
            initial[f"comment_{score.criterion_id}"] = score.comment
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.rows = []
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                required=False,
                max_digits=6,
                decimal_places=2,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                widget=forms.NumberInput(
                    attrs={
                        "step": "0.01",
                        "class": "form-control score-input",
                        "inputmode": "decimal",
                        "data-weight": f"{criterion.weight}",
                        "data-min": f"{criterion.scale_min}",
                        "data-max": f"{criterion.scale_max}",
                    }
                ),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(name)s") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.rows.append(
                {
                    "criterion": criterion,
                    "score": self[f"score_{criterion.pk}"],
                    "comment": self[f"comment_{criterion.pk}"],
                }
            )
        if locked:
            for field in self.fields.values():
                field.disabled = True

    def scores(self) -> dict:
        return {
            criterion.pk: (
                self.cleaned_data.get(f"score_{criterion.pk}"),
                self.cleaned_data.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }

    def require_all(self) -> bool:
        """For submitting: every criterion scored. Adds an error to each empty one."""
        ok = True
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            if name not in self.errors and self.cleaned_data.get(name) is None:
                self.add_error(name, _("Score this criterion before submitting."))
                ok = False
        return ok


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ManualAssignForm(forms.Form):
    judge = forms.TypedChoiceField(label=_("Judge"), coerce=int)
    proposal = forms.TypedChoiceField(label=_("Entry"), coerce=int)

    def __init__(self, *args, judges, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].choices = [(user.pk, user.username) for user in judges]
        self.fields["proposal"].choices = [
            (entry.proposal_id, f"{entry.proposal.innovation_acronym} · {entry.proposal.agency}")
            for entry in entries
        ]


class ShortlistForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(
        label=_("Shortlisted entries"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    decree_number = forms.CharField(label=_("Decree number (Surat Wali Kota)"), max_length=120)
    decree_date = forms.DateField(label=_("Decree date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the selection differs from the computed Top N, when the cut falls in "
            "an unresolved tie, and for every change to a confirmed shortlist."
        ),
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [
            (row.proposal_id, row.proposal.innovation_acronym) for row in rows if row.is_scored
        ]


# --- finals -------------------------------------------------------------------------------------


class SlotForm(forms.Form):
    """An entry's interview slot: the entry, date, start time (WIB), durations, place or
    video-call link.

    The entry is a select of `choices` (the stage's proposals) on a small stage. On a large one
    (`choices` None) it is a text field: the organiser types the entry's number or its innovation's
    acronym, resolved among the stage's entries; unknown or ambiguous is a field error. Either way
    a valid form holds the chosen Proposal in `proposal` (the field's cleaned value is its pk).
    """

    proposal = forms.TypedChoiceField(label=_("Entry"), coerce=int)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    start = forms.TimeField(label=_("Start time (WIB)"), widget=TimeInput())
    presentation_minutes = forms.IntegerField(
        label=_("Presentation (minutes)"), min_value=1, max_value=180, initial=7
    )
    interview_minutes = forms.IntegerField(
        label=_("Interview (minutes)"), min_value=0, max_value=180, initial=13
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Video-call link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_web_url],
    )

    def __init__(self, *args, stage, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.proposal = None
        self.typed = choices is None
        if self.typed:
            self.fields["proposal"] = forms.CharField(
                label=_("Entry"),
                max_length=60,
                help_text=_("Type the entry's number (as in #123) or its innovation's acronym."),
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
            self.proposals = {}
        else:
            self.proposals = {proposal.pk: proposal for proposal in choices}
            self.fields["proposal"].choices = [
                (proposal.pk, f"{proposal.innovation_acronym} · {proposal.agency}")
                for proposal in choices
            ]

    def clean_proposal(self):
        value = self.cleaned_data["proposal"]
        if not self.typed:
            self.proposal = self.proposals[value]
            return value
        matches = find_entries(self.stage, value)
        if not matches:
            raise forms.ValidationError(
                _("No entry of this stage has the number or acronym “%(value)s”."),
                code="unknown",
                params={"value": value},
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _(
                    "Several entries of this stage match “%(value)s”: %(entries)s. Type the "
                    "number of the one you mean."
                ),
                code="ambiguous",
                params={
                    "value": value,
                    "entries": ", ".join(
                        f"#{entry.proposal_id} {entry.proposal.innovation_acronym} "
                        f"({entry.proposal.agency})"
                        for entry in matches
                    ),
                },
            )
        self.proposal = matches[0].proposal
        return self.proposal.pk

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("place") or "").strip() and not cleaned.get("video_link"):
            self.add_error("place", _("Give the place or the video-call link."))
        return cleaned

    def starts_at(self):
        return datetime.datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["start"], ZoneInfo(settings.TIME_ZONE)
        )


class ConsensusForm(forms.Form):
    text = forms.CharField(
        label=_("Consensus of the panel"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the panel agreed on this entry and why. The agency reads it."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        help_text=_("The stage is closed: the correction is recorded in the audit log with it."),
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not correcting:
            del self.fields["reason"]


class PresentationForm(forms.Form):
    file = forms.FileField(label=_("Presentation (PDF)"))


class WeightsForm(forms.Form):
    """The weight of each stage of an edition in the final result."""

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = stages
        for stage in stages:
            self.fields[f"weight_{stage.pk}"] = forms.DecimalField(
                label=_("%(stage)s (%%)") % {"stage": stage.get_kind_display()},
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=100,
                initial=stage.weight,
            )

    def weights(self) -> dict:
        return {stage.pk: self.cleaned_data[f"weight_{stage.pk}"] for stage in self.stages}


class FinalConfirmForm(forms.Form):
    decree_number = forms.CharField(label=_("Decree number (Surat Wali Kota)"), max_length=120)
    decree_date = forms.DateField(label=_("Decree date"), widget=DateInput())


class AwardForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Finalist"), coerce=int)
    kind = forms.ChoiceField(label=_("Award"))
    title = forms.CharField(label=_("Title of the special award"), max_length=150, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [
            (row.proposal_id, f"{row.proposal.innovation_acronym} · {row.track.name}")
            for row in rows
        ]
        self.fields["kind"].choices = AwardKind.choices


class KijbForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Finalist"), coerce=int)
    forwarded_on = forms.DateField(label=_("Forwarded on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [
            (row.proposal_id, f"{row.proposal.innovation_acronym} · {row.track.name}")
            for row in rows
        ]


def _track_choices():
    return [(slug, seed.name) for slug, seed in TRACKS.items()]


class EditionCreateForm(forms.Form):
    """A new edition (judging.services.create_edition checks the same rules and acts)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    submission_opens_at = forms.DateTimeField(
        label=_("Submission opens at"), widget=DateTimeInput()
    )
    submission_closes_at = forms.DateTimeField(
        label=_("Submission closes at"), widget=DateTimeInput()
    )
    verification_closes_at = forms.DateTimeField(
        label=_("Verification closes at"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Empty: the organiser verifies until judging starts."),
    )
    tracks = forms.MultipleChoiceField(
        label=_("Tracks"),
        choices=_track_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each track has its own shortlist and winners; change them in the admin."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for problem in edition_problems(
            name=data["name"],
            year=data["year"],
            opens_at=data["submission_opens_at"],
            closes_at=data["submission_closes_at"],
            verification_closes_at=data.get("verification_closes_at"),
            tracks=data["tracks"],
        ):
            self.add_error(None, problem)
        return data
