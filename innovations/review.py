"""The organiser's verification desk: the review queue, one proposal's review, possible
duplicates, and the decision form shared by the organiser pages and the admin.

Decisions themselves go through the proposal workflow (`innovations.services`): this module only
chooses which service to call.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db import connection
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.checklist import CheckItem, submission_checklist
from innovations.enums import ProposalStatus as S
from innovations.models import (
    Attachment,
    Edition,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
)
from innovations.selectors import proposals_visible_to, with_checklist_data
from innovations.services import reject_proposal, request_changes, verify_proposal

# Statuses the queue can be filtered by: everything handed in (drafts belong to the agency).
QUEUE_STATUSES = (S.SUBMITTED, S.CHANGES_REQUESTED, S.VERIFIED, S.REJECTED, S.WITHDRAWN)


# --- Selectors ------------------------------------------------------------------------------


def handed_in_proposals(user):
    """The proposals `user` reviews: those visible to them (`proposals_visible_to`; everything
    for an organiser) that have been handed in. Drafts are the agency's own business."""
    return (
        proposals_visible_to(user)
        .exclude(status=S.DRAFT)
        .select_related("edition", "track", "innovation", "agency", "agency__parent")
    )


def default_edition(editions=None) -> Edition | None:
    """The edition the desk opens on: the newest one in its verification period, else the newest."""
    editions = list(editions if editions is not None else Edition.objects.all())
    now = timezone.now()
    for edition in editions:
        if edition.is_in_verification(now):
            return edition
    return editions[0] if editions else None


def review_queue(edition, *, user, status=S.SUBMITTED, track_id=None, kind=None):
    """The proposals of `edition` waiting for the organiser, oldest submission first.

    `status` None means every handed-in status. Prefetches what `submission_checklist` reads, so
    a page of the queue costs the same number of queries whatever its length.
    """
    queryset = handed_in_proposals(user).filter(edition=edition)
    if status:
        queryset = queryset.filter(status=status)
    if track_id:
        queryset = queryset.filter(track_id=track_id)
    if kind:
        queryset = queryset.filter(agency__kind=kind)
    # The checklist reads word counts, not the texts (a page holds 25 proposals' texts).
    return with_checklist_data(queryset, texts=False).order_by("submitted_at", "pk")


def proposal_for_review(pk, *, user) -> Proposal:
    """One handed-in proposal with everything its review page shows.

    Raises Proposal.DoesNotExist (drafts included: they are the agency's own business)."""
    return (
        handed_in_proposals(user)
        .prefetch_related(
            "edition__sections",
            "innovation__sdgs",
            Prefetch("answers", queryset=SectionAnswer.objects.select_related("section")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("section")),
            Prefetch("status_changes", queryset=ProposalStatusChange.objects.select_related("by")),
        )
        .get(pk=pk)
    )


def next_in_queue(proposal) -> Proposal | None:
    """The oldest other proposal of the same edition still waiting for a decision, with its
    innovation and agency (for the message that names it) and `waiting`: how many wait in all."""
    waiting = Proposal.objects.filter(edition_id=proposal.edition_id, status=S.SUBMITTED).exclude(
        pk=proposal.pk
    )
    following = (
        waiting.select_related("agency")
        .only("pk", "innovation_name", "innovation_acronym", "innovation_expansion", "agency__name")
        .order_by("submitted_at", "pk")
        .first()
    )
    if following is not None:
        following.waiting = waiting.count()
    return following


def reviewer_checklist(proposal, *, now=None) -> list[CheckItem]:
    """The submission checklist as the reviewer needs it: without the window item, which is about
    when the agency may submit, not about the proposal."""
    return [item for item in submission_checklist(proposal, now=now) if item.key != "window"]


def section_answers(proposal) -> list[tuple]:
    """(section, answer or None) for every section of the edition, in the form's order."""
    answers = {answer.section_id: answer for answer in proposal.answers.all()}
    return [(section, answers.get(section.pk)) for section in proposal.edition.sections.all()]


def attachment_url(attachment) -> str | None:
    """The permission-checked download view, when the operator pages provide it."""
    try:
        return reverse("innovations:attachment", kwargs={"pk": attachment.pk})
    except NoReverseMatch:
        return None


# --- Possible duplicates ---------------------------------------------------------------------

# Trigram similarity (PostgreSQL pg_trgm) and difflib's ratio are on different scales: pg_trgm
# scores a one-word difference in a five-word name around 0.6, difflib around 0.85.
TRIGRAM_THRESHOLD = 0.5
DIFFLIB_THRESHOLD = 0.8
SUMMARY_KEY = "ringkasan"


@dataclass
class DuplicateHint:
    proposal: Proposal
    name_score: float = 0.0
    summary_score: float = 0.0
    summary: str = ""

    @property
    def score(self) -> float:
        return max(self.name_score, self.summary_score)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _has_trigram(conn=connection) -> bool:
    if conn.vendor != "postgresql":
        return False
    cached = getattr(conn, "_kiks_has_pg_trgm", None)
    if cached is None:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            cached = cursor.fetchone() is not None
        conn._kiks_has_pg_trgm = cached
    return cached


def normalise(text: str) -> str:
    """Lower case, no accents, letters and digits only, single spaces: what a reader compares."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.findall(r"[^\W_]+", text))


def _summary_section(edition):
    sections = list(edition.sections.all())
    for section in sections:
        if section.key == SUMMARY_KEY:
            return section
    return sections[0] if sections else None


def _candidates(proposal):
    """Other handed-in proposals of the same edition that a duplicate could be."""
    return (
        Proposal.objects.filter(edition_id=proposal.edition_id)
        .exclude(pk=proposal.pk)
        .exclude(status__in=(S.DRAFT, S.WITHDRAWN))
    )


def _summary_text(proposal, section) -> str:
    for answer in proposal.answers.all():
        if answer.section_id == section.pk:
            return answer.text
    return ""


def proposal_summary(proposal) -> str:
    """The text of the proposal's summary section (prefetched answers and sections)."""
    section = _summary_section(proposal.edition)
    return _summary_text(proposal, section) if section else ""


def possible_duplicates(proposal, *, limit=5) -> list[DuplicateHint]:
    """Proposals of the same edition whose innovation name or summary is very like this one's.

    PostgreSQL with pg_trgm: trigram similarity, computed in the database. Elsewhere (SQLite):
    difflib's ratio over normalised text, within the edition. Expects `proposal` as returned by
    `proposal_for_review` (edition sections and answers prefetched).
    """
    section = _summary_section(proposal.edition)
    summary = _summary_text(proposal, section) if section else ""
    if _has_trigram():
        scores = _trigram_scores(proposal, section, summary)
    else:
        scores = _difflib_scores(proposal, section, summary)
    best = sorted(scores.items(), key=lambda item: -max(item[1]))[:limit]
    if not best:
        return []
    others = {
        other.pk: other
        for other in _candidates(proposal)
        .filter(pk__in=[pk for pk, _scores in best])
        .select_related("agency", "innovation", "track")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=SectionAnswer.objects.filter(section=section),
                to_attr="summary_answers",
            )
        )
    }
    hints = []
    for pk, (name_score, summary_score) in best:
        other = others.get(pk)
        if other is None:
            continue
        text = other.summary_answers[0].text if other.summary_answers else ""
        hints.append(DuplicateHint(other, name_score, summary_score, text))
    return hints


def _trigram_scores(proposal, section, summary) -> dict[int, tuple[float, float]]:
    from django.contrib.postgres.search import TrigramSimilarity

    scores: dict[int, list[float]] = {}
    names = (
        _candidates(proposal)
        .annotate(similarity=TrigramSimilarity("innovation_name", proposal.innovation_name))
        .filter(similarity__gte=TRIGRAM_THRESHOLD)
        .values_list("pk", "similarity")
    )
    for pk, similarity in names:
        scores.setdefault(pk, [0.0, 0.0])[0] = float(similarity)
    if section is not None and normalise(summary):
        summaries = (
            SectionAnswer.objects.filter(
                section=section, proposal__in=_candidates(proposal).values("pk")
            )
            .annotate(similarity=TrigramSimilarity("text", summary))
            .filter(similarity__gte=TRIGRAM_THRESHOLD)
            .values_list("proposal_id", "similarity")
        )
        for pk, similarity in summaries:
            scores.setdefault(pk, [0.0, 0.0])[1] = float(similarity)
    return {pk: tuple(pair) for pk, pair in scores.items()}


def _ratio(left: str, right: str) -> float:
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    # The cheap upper bounds first: most pairs are far apart.
    if matcher.real_quick_ratio() < DIFFLIB_THRESHOLD or matcher.quick_ratio() < DIFFLIB_THRESHOLD:
        return 0.0
    return matcher.ratio()


def _difflib_scores(proposal, section, summary) -> dict[int, tuple[float, float]]:
    scores: dict[int, list[float]] = {}
    name = normalise(proposal.innovation_name)
    for pk, other in _candidates(proposal).values_list("pk", "innovation_name").iterator():
        ratio = _ratio(name, normalise(other))
        if ratio >= DIFFLIB_THRESHOLD:
            scores.setdefault(pk, [0.0, 0.0])[0] = ratio
    summary = normalise(summary)
    if section is not None and summary:
        others = (
            SectionAnswer.objects.filter(
                section=section, proposal__in=_candidates(proposal).values("pk")
            )
            .exclude(text="")
            .values_list("proposal_id", "text")
            .iterator()
        )
        for pk, text in others:
            ratio = _ratio(summary, normalise(text))
            if ratio >= DIFFLIB_THRESHOLD:
                scores.setdefault(pk, [0.0, 0.0])[1] = ratio
    return {pk: tuple(pair) for pk, pair in scores.items()}


# --- Decisions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    key: str
    label: str
    service: Callable
    note_required: bool
    note_label: str
    button_class: str


DECISIONS: dict[str, Decision] = {
    "verify": Decision(
        "verify",
        _("Verify"),
        verify_proposal,
        False,
        _("Note (optional)"),
        "btn-success",
    ),
    "request_changes": Decision(
        "request_changes",
        _("Request changes"),
        request_changes,
        True,
        _("What the agency must change (sent to the agency and shown on its dashboard)"),
        "btn-warning",
    ),
    "reject": Decision(
        "reject",
        _("Reject administratively"),
        reject_proposal,
        True,
        _("Reason for the rejection (sent to the agency)"),
        "btn-danger",
    ),
}


class DecisionForm(forms.Form):
    """A note, and the status the organiser saw (so that a decision never lands twice)."""

    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    expected_status = forms.ChoiceField(choices=S.choices, widget=forms.HiddenInput)

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        self.fields["note"].label = decision.note_label
        self.fields["note"].required = decision.note_required
        if decision.note_required:
            self.fields["note"].error_messages["required"] = (
                _("Write a note for the agency explaining the decision.")
                if decision.key == "request_changes"
                else _("Give the reason for the rejection.")
            )

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if self.decision.note_required and not note:
            raise forms.ValidationError(self.fields["note"].error_messages["required"])
        return note


class BulkNoteForm(forms.Form):
    """One note for every selected proposal (the admin's bulk "request changes" and "reject")."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), max_length=5000)

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = decision.note_label
        self.fields["note"].required = decision.note_required

    def clean_note(self):
        return self.cleaned_data["note"].strip()


def apply_decision(proposal, decision: Decision, *, by, note="", expected_status=None):
    """Call the workflow service for `decision`. Raises innovations.services.WorkflowError."""
    return decision.service(proposal, by=by, note=note, expected_status=expected_status)
