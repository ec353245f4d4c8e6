"""An edition's lifecycle, derived in one place from its dates, its proposals' states, its stages
and its final result: which phase it is in, what comes next and what stands in the way.

The organiser's and the leadership's dashboards draw it as a timeline; the services that move an
edition on (opening the desk evaluation, confirming shortlists and the final result, publishing)
ask it for their blockers (`desk_opening_problems` and the validators built on it), so a page,
the admin and a service can never disagree about what may happen next.

Choice (documented in docs/judging.md): the desk evaluation opens only once submission has closed
and no proposal waits for verification or for the agency's changes; from then on the workflow
refuses submissions and verifications in that edition. No proposal can miss judging silently.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formats import moment
from innovations.charts import edition_charts
from innovations.compliance import compliance_board
from innovations.enums import COUNTED_STATUSES, ProposalStatus
from innovations.models import Edition, Proposal
from judging.enums import SheetStatus
from judging.models import FinalResult, InterviewSlot, ScoreSheet, Shortlist, Stage, StageResult
from judging.validators import confirmation_problems, desk_opening_problems, opening_problems


class Phase:
    """The phases in order: (key, label)."""

    PREPARATION = "preparation"
    SUBMISSION = "submission"
    VERIFICATION = "verification"
    DESK = "desk"
    SHORTLIST = "shortlist"
    INTERVIEW = "interview"
    FINAL = "final"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    ORDER = (
        (PREPARATION, gettext_lazy("Preparation")),
        (SUBMISSION, gettext_lazy("Submission")),
        (VERIFICATION, gettext_lazy("Verification")),
        (DESK, gettext_lazy("Desk evaluation")),
        (SHORTLIST, gettext_lazy("Shortlist")),
        (INTERVIEW, gettext_lazy("Presentation and interview")),
        (FINAL, gettext_lazy("Final result")),
        (PUBLISHED, gettext_lazy("Published")),
        (ARCHIVED, gettext_lazy("Archived")),
    )


@dataclass
class Step:
    key: str
    label: str
    state: str  # "done", "current" or "upcoming"


@dataclass
class Facts:
    """What the phase is derived from: a handful of queries per edition."""

    edition: Edition
    now: datetime.datetime
    statuses: dict[str, int]
    stages: list[Stage]
    tracks_waiting: list[str]  # tracks of the desk stage with scored entries and no shortlist
    result: FinalResult | None
    newer_edition: bool

    @property
    def waiting(self) -> int:
        return self.statuses.get(ProposalStatus.SUBMITTED, 0)

    @property
    def sent_back(self) -> int:
        return self.statuses.get(ProposalStatus.CHANGES_REQUESTED, 0)

    @property
    def desk(self) -> Stage | None:
        return self.stages[0] if self.stages else None

    @property
    def later(self) -> list[Stage]:
        return self.stages[1:]


@dataclass
class Lifecycle:
    edition: Edition
    phase: str
    steps: list[Step]
    next_step: str
    blockers: list[str] = field(default_factory=list)
    facts: Facts | None = None

    @property
    def label(self) -> str:
        return dict(Phase.ORDER)[self.phase]


def facts_of(edition, now=None) -> Facts:
    now = now or timezone.now()
    statuses = dict(
        Proposal.objects.filter(edition=edition)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("status", "n")
    )
    stages = list(Stage.objects.filter(edition=edition).order_by("order"))
    tracks_waiting = []
    if stages and stages[0].is_closed:
        confirmed = Shortlist.objects.filter(stage=stages[0]).values("track_id")
        tracks_waiting = list(
            StageResult.objects.filter(stage=stages[0], judges_counted__gt=0)
            .exclude(proposal__track_id__in=confirmed)
            .order_by("proposal__track__order")
            .values_list("proposal__track__name", flat=True)
            .distinct()
        )
    return Facts(
        edition=edition,
        now=now,
        statuses=statuses,
        stages=stages,
        tracks_waiting=list(dict.fromkeys(tracks_waiting)),
        result=FinalResult.objects.filter(edition=edition).first(),
        newer_edition=Edition.objects.filter(year__gt=edition.year).exists(),
    )


def _when(value) -> str:
    return moment(value)


def _phase(facts: Facts) -> str:
    edition, now, desk = facts.edition, facts.now, facts.desk
    published = facts.result is not None and facts.result.is_published
    desk_waits = desk is None or desk.opened_at is None
    rules = (
        (published and facts.newer_edition, Phase.ARCHIVED),
        (published, Phase.PUBLISHED),
        (now < edition.submission_opens_at, Phase.PREPARATION),
        (now < edition.submission_closes_at, Phase.SUBMISSION),
        (desk_waits and bool(facts.waiting or facts.sent_back), Phase.VERIFICATION),
        (desk is None or not desk.is_closed, Phase.DESK),
        (bool(facts.tracks_waiting) or not facts.later, Phase.SHORTLIST),
        (any(not stage.is_closed for stage in facts.later), Phase.INTERVIEW),
    )
    return next((phase for holds, phase in rules if holds), Phase.FINAL)


# What the organiser does next in each phase, and what stands in its way: (text, blockers).


def _next_preparation(facts: Facts):
    return _("Submission opens on %(when)s WIB.") % {
        "when": _when(facts.edition.submission_opens_at)
    }, []


def _next_submission(facts: Facts):
    return _("Agencies submit until %(when)s WIB; verify proposals as they come in.") % {
        "when": _when(facts.edition.submission_closes_at)
    }, []


def _next_verification(facts: Facts):
    return _("Finish the verification."), desk_opening_problems(
        facts.edition, statuses=facts.statuses, now=facts.now
    )


def _next_desk(facts: Facts):
    desk = facts.desk
    if desk is None:
        return _("Create the desk evaluation stage."), []
    if desk.opened_at is None:
        return _("Open the desk evaluation."), opening_problems(desk)
    return _("The judges score; close the desk evaluation when every sheet is in."), []


def _next_shortlist(facts: Facts):
    blockers = []
    if facts.tracks_waiting:
        blockers.append(
            _("No shortlist confirmed yet for: %(tracks)s.")
            % {"tracks": ", ".join(facts.tracks_waiting)}
        )
    return _("Confirm each track's shortlist with the mayor's decree."), blockers


def _next_interview(facts: Facts):
    stage = next(stage for stage in facts.later if not stage.is_closed)
    if stage.opened_at is None:
        return _(
            "Set the interview panel and the schedule, then open the presentation and "
            "interview stage."
        ), opening_problems(stage)
    return _("The panel scores the interviews; close the stage when every sheet is in."), []


def _next_final(facts: Facts):
    if facts.result is None:
        return _("Confirm the final result with the mayor's decree."), confirmation_problems(
            facts.edition
        )
    return _("Publish the results."), []


def _next_published(facts: Facts):
    return _("The results are public. Forward the winners to KIJB."), []


NEXT_STEP = {
    Phase.PREPARATION: _next_preparation,
    Phase.SUBMISSION: _next_submission,
    Phase.VERIFICATION: _next_verification,
    Phase.DESK: _next_desk,
    Phase.SHORTLIST: _next_shortlist,
    Phase.INTERVIEW: _next_interview,
    Phase.FINAL: _next_final,
    Phase.PUBLISHED: _next_published,
    Phase.ARCHIVED: lambda facts: ("", []),
}


def lifecycle_of(edition, now=None) -> Lifecycle:
    """The edition's phase, its timeline, the next step and its blockers."""
    facts = facts_of(edition, now)
    phase = _phase(facts)
    keys = [key for key, _label in Phase.ORDER]
    position = keys.index(phase)
    steps = [
        Step(
            key,
            str(label),
            "done" if index < position else "current" if index == position else "upcoming",
        )
        for index, (key, label) in enumerate(Phase.ORDER)
    ]
    next_step, blockers = NEXT_STEP[phase](facts)
    return Lifecycle(edition, phase, steps, next_step, blockers, facts)


def editions_in_progress(now=None) -> list[Edition]:
    """The editions a dashboard follows: those not archived, newest first (at most three)."""
    now = now or timezone.now()
    published = Q(final_result__results_published_at__isnull=False)
    newest = Edition.objects.order_by("-year", "-submission_opens_at")
    current = list(newest.exclude(published)[:3])
    if not current:
        current = list(newest[:1])
    return current


# The edition's dates that judging relies on once it has started.
WINDOW_FIELDS = ("submission_opens_at", "submission_closes_at", "verification_closes_at")


def edition_guard(saved, edition) -> list[str]:
    """Registered with innovations.services.register_edition_guard: an edition change that would
    contradict judging. Once the desk evaluation has opened the submission window and the
    verification period stay as they were (a reopened window would let proposals in that no
    stage judges); once the results are published the edition stays public (they are public)."""
    problems = []
    changed = [
        name
        for name in WINDOW_FIELDS
        if _to_second(getattr(saved, name)) != _to_second(getattr(edition, name))
    ]
    if changed and Stage.objects.filter(edition=saved, opened_at__isnull=False).exists():
        problems.append(
            _(
                "Judging of %(edition)s has started: the submission window and the "
                "verification period can no longer change."
            )
            % {"edition": saved.name}
        )
    if saved.is_published and not edition.is_published and _results_published(saved):
        problems.append(
            _("The results of %(edition)s are published: the edition stays public.")
            % {"edition": saved.name}
        )
    return problems


def _to_second(value):
    """A time as the admin's form shows it (to the second): re-saving it unchanged is no change."""
    return value.replace(microsecond=0) if value is not None else None


def _results_published(edition) -> bool:
    return FinalResult.objects.filter(edition=edition, results_published_at__isnull=False).exists()


@dataclass
class Overview:
    """What the organiser's and the leadership's dashboards show of an edition."""

    lifecycle: Lifecycle
    handed_in: int  # submitted, changes requested or verified
    waiting: int  # waiting for verification
    verified: int
    compliant: int
    obligated: int
    unreachable: int  # obligated agencies that have not met it and that no e-mail reaches
    stage: Stage | None  # the stage open now, or the last one opened
    sheets_submitted: int
    sheets_assigned: int
    deadline: tuple[str, datetime.datetime] | None  # the next date that matters
    charts: list = field(default_factory=list)  # common.charts.Chart: the figures as pictures

    @property
    def edition(self):
        return self.lifecycle.edition

    @property
    def judging_percent(self) -> int:
        if not self.sheets_assigned:
            return 0
        return self.sheets_submitted * 100 // self.sheets_assigned


def overview_of(edition, now=None) -> Overview:
    """The edition's lifecycle with its figures: a fixed handful of queries."""
    lifecycle = lifecycle_of(edition, now)
    facts = lifecycle.facts
    statuses = facts.statuses
    summary = compliance_board(edition).summary()
    opened = [stage for stage in facts.stages if stage.opened_at is not None]
    stage = next((s for s in opened if not s.is_closed), opened[-1] if opened else None)
    sheets = {"total": 0, "submitted": 0}
    if stage is not None:
        sheets = ScoreSheet.objects.filter(assignment__stage=stage, excluded=False).aggregate(
            total=Count("pk"), submitted=Count("pk", filter=Q(status=SheetStatus.SUBMITTED))
        )
    handed_in = sum(statuses.get(status, 0) for status in COUNTED_STATUSES)
    waiting = statuses.get(ProposalStatus.SUBMITTED, 0)
    return Overview(
        lifecycle=lifecycle,
        handed_in=handed_in,
        waiting=waiting,
        verified=statuses.get(ProposalStatus.VERIFIED, 0),
        compliant=summary.compliant,
        obligated=summary.obligated,
        unreachable=summary.unreachable,
        stage=stage,
        sheets_submitted=sheets["submitted"] or 0,
        sheets_assigned=sheets["total"] or 0,
        deadline=_next_deadline(facts),
        charts=edition_charts(
            edition,
            handed_in=handed_in,
            waiting=waiting,
            obligated=summary.obligated,
            now=facts.now,
        ),
    )


def _next_deadline(facts: Facts):
    """The earliest date still ahead: submission or verification closing, a stage's scoring
    deadline, the next interview slot."""
    edition, now = facts.edition, facts.now
    dates = [
        (_("Submission closes"), edition.submission_closes_at),
        (_("Verification closes"), edition.verification_closes_at),
    ]
    dates += [
        (_("Scoring deadline of %(stage)s") % {"stage": stage.get_kind_display()}, stage.closes_at)
        for stage in facts.stages
        if stage.is_open
    ]
    slot = (
        InterviewSlot.objects.filter(stage__edition=edition, starts_at__gt=now)
        .select_related("proposal__innovation")
        .order_by("starts_at")
        .first()
    )
    if slot is not None:
        dates.append(
            (_("Next interview: %(entry)s") % {"entry": slot.proposal.innovation_acronym},
             slot.starts_at)
        )  # fmt: skip
    ahead = [(label, when) for label, when in dates if when is not None and when > now]
    return min(ahead, key=lambda item: item[1]) if ahead else None


def overviews(now=None) -> list[Overview]:
    """The editions a dashboard follows (editions_in_progress), each with its figures."""
    return [overview_of(edition, now) for edition in editions_in_progress(now)]
