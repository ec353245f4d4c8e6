"""Writes of the judging app: stages, criteria, panels, conflicts, assignments, score sheets,
results and shortlists. Every function here is the only way its rows change; views call them.

Judging outcomes (shortlisted or not) live in StageResult.decision, never in Proposal.status.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Greatest, Least, Round, RowNumber
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.enums import Role
from agencies.models import Membership
from agencies.permissions import is_judge, is_organiser
from audit.services import record_event
from innovations.enums import ProposalStatus
from innovations.models import Proposal
from innovations.services import operator_emails
from judging.assignment import plan_assignment
from judging.enums import (
    DEFAULT_STAGE_WEIGHTS,
    ConflictSource,
    Decision,
    RankBy,
    SheetStatus,
    ShortlistAction,
    StageKind,
    TieBreak,
)
from judging.models import (
    Assignment,
    Conflict,
    ConflictDeclaration,
    Criterion,
    PanelMember,
    Score,
    ScoreSheet,
    Shortlist,
    ShortlistChange,
    Stage,
    StageEvent,
    StageResult,
)
from judging.ranking_order import write_ranking_order
from judging.results_sql import compute_results
from judging.selectors import conflict_pairs, is_in_conflict
from kiks.bulk import update_rows
from public import cache as public_cache

Action = StageEvent.Action

PLEDGE_TEXT = gettext_lazy(
    "I will judge every entry assigned to me honestly, independently and only on its merits "
    "against the published criteria. I have declared every conflict of interest I know of and "
    "will declare at once any I discover. I will keep the proposals, my scores and the panel's "
    "discussions confidential, and I will accept no gift or favour from any participant."
)

# Default interview criteria: data the organiser edits, in the organiser's language.
INTERVIEW_CRITERIA = [
    ("Penyajian", "Kejelasan dan keruntutan presentasi dalam waktu yang tersedia.", 30),
    (
        "Penguasaan materi",
        "Pemahaman penyaji atas masalah, inovasi, data, dan dampaknya.",
        40,
    ),
    ("Tanya jawab", "Ketepatan dan kejujuran jawaban atas pertanyaan panel.", 30),
]
DEFAULT_SCALE = (Decimal(1), Decimal(10))
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class JudgingError(Exception):
    """A refused action. `messages` lists every reason, in the user's language."""

    def __init__(self, messages, *, code: str = ""):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = [str(message) for message in messages]
        self.code = code
        super().__init__("; ".join(self.messages))


def _quantize(value, places=CENT) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def _require_organiser(user) -> None:
    if not is_organiser(user):
        raise JudgingError(_("Only the organiser (Bagian Organisasi) may do this."))


def _lock_stage(stage) -> Stage:
    return Stage.objects.select_for_update(of=("self",)).select_related("edition").get(pk=stage.pk)


def _log(stage, action, *, by, at, judge=None, proposal=None, note="") -> StageEvent:
    return StageEvent.objects.create(
        stage=stage, action=action, by=by, at=at, judge=judge, proposal=proposal, note=note
    )


def _refuse_if_closed(stage) -> None:
    if stage.is_closed:
        raise JudgingError(_("This stage is closed."))


def _organiser_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ORGANISER)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _mail(template: str, subject: str, context: dict, recipients: list[str]) -> None:
    """Send one e-mail in the site's language (Indonesian), after the transaction commits."""
    if not recipients:
        return

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(template, {**context, "site_name": settings.KIKS_SITE_NAME})
            send_mail(f"[{settings.KIKS_SITE_NAME}] {subject}", body, None, recipients)

    transaction.on_commit(send)


# --- stages and criteria ------------------------------------------------------------------------


def previous_stage(stage) -> Stage | None:
    return stage.edition.stages.filter(order__lt=stage.order).order_by("-order").first()


def next_stage(stage) -> Stage | None:
    return stage.edition.stages.filter(order__gt=stage.order).order_by("order").first()


def _has_content(sheets) -> set[int]:
    """Ids of the sheets in `sheets` that hold anything a judge wrote."""
    written = Score.objects.filter(Q(value__isnull=False) | ~Q(comment="")).values("sheet_id")
    return set(
        sheets.filter(
            Q(status=SheetStatus.SUBMITTED) | ~Q(overall_comment="") | Q(pk__in=written)
        ).values_list("pk", flat=True)
    )


def _sync_entries(stage) -> tuple[int, int]:
    """Make the stage's entries (StageResult rows) match what should be judged.

    First stage: the edition's verified proposals. A later stage: the previous stage's shortlist.
    An entry that no longer belongs is removed with its assignments only while nobody has written
    on its sheets; otherwise it stays (and the caller refuses the change first).
    Returns (added, removed).
    """
    previous = previous_stage(stage)
    if previous is None:
        wanted = set(
            Proposal.objects.filter(
                edition_id=stage.edition_id, status=ProposalStatus.VERIFIED
            ).values_list("pk", flat=True)
        )
    else:
        wanted = set(
            StageResult.objects.filter(stage=previous, decision=Decision.SHORTLISTED).values_list(
                "proposal_id", flat=True
            )
        )
    existing = set(stage.results.values_list("proposal_id", flat=True))
    StageResult.objects.bulk_create(
        StageResult(stage=stage, proposal_id=proposal_id)
        for proposal_id in sorted(wanted - existing)
    )
    removed = 0
    leaving = existing - wanted
    if leaving:
        sheets = ScoreSheet.objects.filter(
            assignment__stage=stage, assignment__proposal_id__in=leaving
        )
        kept = set(
            ScoreSheet.objects.filter(pk__in=_has_content(sheets)).values_list(
                "assignment__proposal_id", flat=True
            )
        )
        gone = leaving - kept
        Assignment.objects.filter(stage=stage, proposal_id__in=gone).delete()
        removed, _detail = StageResult.objects.filter(stage=stage, proposal_id__in=gone).delete()
    if wanted - existing or removed:
        write_ranking_order(stage.pk)
    return len(wanted - existing), removed


@transaction.atomic
def add_default_criteria(stage) -> int:
    """Give a stage its default criteria unless it has some.

    Desk stage: one criterion per weighted section of the edition's form (SectionTemplate rows with
    weight > 0: the KIPP 2023 weights). Interview stage: presentation, mastery, questions.
    Side effects: creates Criterion rows. Returns how many it created.
    """
    if stage.criteria.exists():
        return 0
    low, high = DEFAULT_SCALE
    if stage.kind == StageKind.DESK:
        rows = [
            Criterion(
                stage=stage,
                order=order,
                name=section.title,
                guidance=section.guidance,
                weight=section.weight,
                scale_min=low,
                scale_max=high,
                section=section,
            )
            for order, section in enumerate(
                stage.edition.sections.filter(weight__gt=0).order_by("order", "pk"), start=1
            )
        ]
    else:
        rows = [
            Criterion(
                stage=stage,
                order=order,
                name=name,
                guidance=guidance,
                weight=weight,
                scale_min=low,
                scale_max=high,
            )
            for order, (name, guidance, weight) in enumerate(INTERVIEW_CRITERIA, start=1)
        ]
    Criterion.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def create_stage(*, edition, kind: str, by, now=None) -> Stage:
    """Add a stage after the edition's last one, with its default weight and criteria.

    Side effects: creates the Stage, its default Criterion rows, its entries when the previous
    stage already has a shortlist, and a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    last = edition.stages.select_for_update().order_by("-order").first()
    if last is not None and kind == StageKind.DESK:
        raise JudgingError(_("The desk evaluation is the first stage of an edition."))
    stage = Stage.objects.create(
        edition=edition,
        kind=kind,
        order=(last.order + 1) if last else 1,
        weight=DEFAULT_STAGE_WEIGHTS[StageKind(kind)],
    )
    add_default_criteria(stage)
    if last is not None:
        _sync_entries(stage)
    _log(stage, Action.CREATED, by=by, at=now)
    return stage


STAGE_SETTINGS = (
    "weight",
    "judges_per_proposal",
    "spread_threshold",
    "score_visibility",
    "show_agency",
    "rank_by",
    "closes_at",
)


@transaction.atomic
def update_stage_settings(stage, *, by, **changes) -> Stage:
    """Change a stage's settings (those in STAGE_SETTINGS).

    The ranking rule cannot change once a shortlist of the stage is confirmed. Side effects: saves
    the changed fields; recomputes the results when the rule or the spread threshold changed.
    """
    _require_organiser(by)
    unknown = set(changes) - set(STAGE_SETTINGS)
    if unknown:
        raise JudgingError(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    locked = _lock_stage(stage)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    if "rank_by" in changed and locked.shortlists.exists():
        raise JudgingError(
            _("A shortlist of this stage is confirmed: the ranking rule can no longer change.")
        )
    for name in changed:
        setattr(locked, name, changes[name])
    locked.save(update_fields=changed)
    if {"rank_by", "spread_threshold"} & set(changed) and locked.results_computed_at:
        compute_stage_results(locked)
    stage.__dict__.update({name: getattr(locked, name) for name in changed})
    return locked


def criteria_are_frozen(stage) -> bool:
    """Criteria freeze when scoring starts: the stage has opened, or any score exists."""
    return (
        stage.opened_at is not None or Score.objects.filter(sheet__assignment__stage=stage).exists()
    )


def criteria_problems(criteria) -> list[str]:
    """What is wrong with a list of criteria (objects or dicts with name, weight, scale)."""

    def get(item, name):
        return item[name] if isinstance(item, dict) else getattr(item, name)

    problems = []
    if not criteria:
        return [_("Add at least one criterion.")]
    names = [str(get(item, "name")).strip().casefold() for item in criteria]
    if any(not name for name in names):
        problems.append(_("Every criterion needs a name."))
    if len(set(names)) != len(names):
        problems.append(_("Two criteria have the same name."))
    for item in criteria:
        weight = get(item, "weight")
        if weight is None or weight <= 0 or weight > HUNDRED:
            problems.append(
                _("The weight of “%(name)s” must be above 0 and at most 100.")
                % {"name": get(item, "name")}
            )
        low, high = get(item, "scale_min"), get(item, "scale_max")
        if low is None or high is None or high <= low:
            problems.append(
                _("The highest score of “%(name)s” must be above its lowest score.")
                % {"name": get(item, "name")}
            )
    total = sum((get(item, "weight") or 0 for item in criteria), Decimal(0))
    if total != HUNDRED:
        problems.append(
            _("The weights add up to %(total)s; they must add up to 100.")
            % {"total": f"{total.normalize():f}"}
        )
    return problems


@transaction.atomic
def set_criteria(stage, *, criteria: list[dict], by, now=None) -> list[Criterion]:
    """Replace a stage's criteria with `criteria` (dicts: id or None, name, guidance, weight,
    scale_min, scale_max), in that order. Refused once scoring has started or if the weights do
    not add up to 100.

    Side effects: updates, creates and deletes Criterion rows; writes a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    if criteria_are_frozen(locked):
        raise JudgingError(_("Criteria are frozen once scoring starts."))
    problems = criteria_problems(criteria)
    if problems:
        raise JudgingError(problems)
    existing = {criterion.pk: criterion for criterion in locked.criteria.all()}
    kept_ids = {item["id"] for item in criteria if item.get("id") in existing}
    Criterion.objects.filter(stage=locked).exclude(pk__in=kept_ids).delete()
    # Names are unique per stage: park the kept rows under temporary names first, so that a
    # reordering or a swap of names never trips the constraint half-way.
    for pk in kept_ids:
        Criterion.objects.filter(pk=pk).update(name=f"~{pk}")
    saved = []
    for order, item in enumerate(criteria, start=1):
        criterion = existing.get(item.get("id")) or Criterion(stage=locked)
        criterion.order = order
        criterion.name = item["name"].strip()
        criterion.guidance = (item.get("guidance") or "").strip()
        criterion.weight = item["weight"]
        criterion.scale_min = item["scale_min"]
        criterion.scale_max = item["scale_max"]
        criterion.save()
        saved.append(criterion)
    _log(
        locked,
        Action.CRITERIA_CHANGED,
        by=by,
        at=now,
        note="; ".join(f"{c.name} {c.weight.normalize():f}%" for c in saved),
    )
    return saved


def _record_membership_conflicts(stage, judge, now) -> None:
    """Store the judge's automatic conflicts (agencies it belongs to) for the edition's record.
    The check itself always reads the live memberships too."""
    for membership in Membership.objects.filter(user=judge, is_active=True).select_related(
        "agency"
    ):
        Conflict.objects.get_or_create(
            edition_id=stage.edition_id,
            judge=judge,
            agency=membership.agency,
            defaults={
                "source": ConflictSource.MEMBERSHIP,
                "reason": _("Member of %(agency)s") % {"agency": membership.agency.name},
                "stage": stage,
                "recorded_at": now,
            },
        )


@transaction.atomic
def set_panel(stage, *, judges, by, now=None) -> list[PanelMember]:
    """Make the stage's panel exactly `judges` (users with the judge role).

    A judge who has written on any sheet of the stage cannot be removed. Side effects: creates and
    deletes PanelMember rows, deletes the removed judges' empty assignments, records the new
    judges' automatic conflicts, writes a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    _refuse_if_closed(locked)
    judges = list(judges)
    not_judges = [user for user in judges if not is_judge(user)]
    if not_judges:
        raise JudgingError(
            _("%(names)s do not have the judge role.")
            % {"names": ", ".join(user.get_username() for user in not_judges)}
        )
    wanted = {user.pk: user for user in judges}
    current = {member.judge_id: member for member in locked.panel.select_related("judge")}
    leaving = set(current) - set(wanted)
    if leaving:
        busy = ScoreSheet.objects.filter(
            pk__in=_has_content(
                ScoreSheet.objects.filter(
                    assignment__stage=locked, assignment__judge_id__in=leaving
                )
            )
        ).values_list("assignment__judge__username", flat=True)
        busy = sorted(set(busy))
        if busy:
            raise JudgingError(
                _("%(names)s already scored in this stage and cannot leave the panel.")
                % {"names": ", ".join(busy)}
            )
        Assignment.objects.filter(stage=locked, judge_id__in=leaving).delete()
        PanelMember.objects.filter(stage=locked, judge_id__in=leaving).delete()
    joining = [wanted[pk] for pk in sorted(set(wanted) - set(current))]
    PanelMember.objects.bulk_create(
        PanelMember(stage=locked, judge=user, added_by=by, added_at=now) for user in joining
    )
    for user in joining:
        _record_membership_conflicts(locked, user, now)
    if joining or leaving:
        note = []
        if joining:
            note.append(_("added: %(names)s") % {"names": ", ".join(u.username for u in joining)})
        if leaving:
            names = ", ".join(sorted(current[pk].judge.username for pk in leaving))
            note.append(_("removed: %(names)s") % {"names": names})
        _log(locked, Action.PANEL_CHANGED, by=by, at=now, note="; ".join(note))
    return list(locked.panel.select_related("judge").order_by("judge__username"))


def opening_problems(stage) -> list[str]:
    """What keeps a stage from opening."""
    problems = []
    if stage.opened_at is not None:
        problems.append(_("This stage has already been opened."))
    problems += criteria_problems(list(stage.criteria.all()))
    if not stage.panel.exists():
        problems.append(_("The stage has no judges yet."))
    previous = previous_stage(stage)
    if previous is not None and not previous.is_closed:
        problems.append(_("The previous stage is not closed yet."))
    return problems


@transaction.atomic
def open_stage(stage, *, by, now=None, notify: bool = True) -> Stage:
    """Open a stage for scoring. Its criteria are frozen from now on.

    Side effects: locks the stage, brings its entries up to date, excludes sheets of conflicted
    assignments, sets opened_at / opened_by, writes a StageEvent and, with `notify`, e-mails the
    panel after commit.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    problems = opening_problems(locked)
    _sync_entries(locked)
    if not locked.results.exists():
        problems.append(_("The stage has no entries to judge."))
    if problems:
        raise JudgingError(problems)
    locked.opened_at = now
    locked.opened_by = by
    locked.save(update_fields=["opened_at", "opened_by"])
    _exclude_conflicted_sheets(locked, by=by, now=now)
    _log(locked, Action.OPENED, by=by, at=now)
    recipients = (
        []
        if not notify
        else list(
            locked.panel.filter(judge__is_active=True)
            .exclude(judge__email="")
            .values_list("judge__email", flat=True)
        )
    )
    _mail(
        "judging/email/stage_opened.txt",
        _("%(stage)s is open for scoring") % {"stage": locked},
        {"stage": locked},
        recipients,
    )
    stage.opened_at, stage.opened_by = locked.opened_at, locked.opened_by
    return locked


@transaction.atomic
def close_stage(stage, *, by, now=None) -> Stage:
    """Close an open stage: no more scoring; drafts never count.

    Side effects: locks the stage, sets closed_at / closed_by, excludes sheets of conflicted
    assignments, recomputes the results, writes a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    if not locked.is_open:
        raise JudgingError(_("Only an open stage can be closed."))
    locked.closed_at = now
    locked.closed_by = by
    locked.save(update_fields=["closed_at", "closed_by"])
    # A membership that began while the stage was open still excludes its sheets.
    _exclude_conflicted_sheets(locked, by=by, now=now)
    compute_stage_results(locked, now=now)
    _log(locked, Action.CLOSED, by=by, at=now)
    stage.closed_at, stage.closed_by = locked.closed_at, locked.closed_by
    return locked


# --- conflicts and the pledge -------------------------------------------------------------------


def _exclude_conflicted_sheets(stage, *, by, now, judge_ids=None) -> list[ScoreSheet]:
    """Exclude every sheet of the stage whose judge is in conflict with its proposal.

    Side effects: sets excluded / excluded_at / excluded_reason, writes a StageEvent per sheet,
    recomputes the results when a submitted sheet was excluded, and e-mails the organisers after
    commit so that they reassign the entry.
    """
    pairs = conflict_pairs(stage, judge_ids)
    if not pairs:
        return []
    candidates = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .filter(assignment__stage=stage, excluded=False)
        .filter(assignment__judge_id__in={judge for judge, _proposal in pairs})
        .select_related("assignment__judge", "assignment__proposal__innovation")
    )
    excluded = [
        sheet
        for sheet in candidates
        if (sheet.assignment.judge_id, sheet.assignment.proposal_id) in pairs
    ]
    if not excluded:
        return []
    reason = _("Conflict of interest between the judge and the proposal.")
    for sheet in excluded:
        sheet.excluded, sheet.excluded_at, sheet.excluded_reason = True, now, reason
    ScoreSheet.objects.bulk_update(excluded, ["excluded", "excluded_at", "excluded_reason"])
    for sheet in excluded:
        _log(
            stage,
            Action.SHEET_EXCLUDED,
            by=by,
            at=now,
            judge=sheet.assignment.judge,
            proposal=sheet.assignment.proposal,
            note=reason,
        )
    if any(sheet.is_submitted for sheet in excluded) and stage.opened_at is not None:
        compute_stage_results(
            stage, now=now, judges={sheet.assignment.judge_id for sheet in excluded}
        )
    _mail(
        "judging/email/conflict_alert.txt",
        _("Conflict of interest in %(stage)s: reassign entries") % {"stage": stage},
        {"stage": stage, "sheets": excluded},
        _organiser_emails(),
    )
    return excluded


@transaction.atomic
def declare_conflicts(
    stage, *, judge, conflicts: dict[int, str], pledge_text: str | None = None, now=None
) -> ConflictDeclaration:
    """Record a judge's declaration for a stage: conflicts with entries (proposal id -> reason),
    or none. With `pledge_text`, the integrity pledge is signed in the same step.

    May be called again later to declare a conflict found while scoring. Side effects: creates or
    updates the ConflictDeclaration, records the judge's automatic (membership) conflicts and the
    declared Conflict rows, excludes the sheets of conflicted assignments (and alerts the
    organisers), writes StageEvents, and signs the pledge when asked. Locks the stage row.
    """
    now = now or timezone.now()
    # The stage lock orders this after (or before) a running assignment, which reads conflicts.
    stage = _lock_stage(stage)
    if not stage.panel.filter(judge=judge).exists():
        raise JudgingError(_("You are not on the panel of this stage."))
    _refuse_if_closed(stage)
    entries = set(stage.results.values_list("proposal_id", flat=True))
    problems = []
    cleaned = {}
    for proposal_id, reason in conflicts.items():
        reason = (reason or "").strip()
        if proposal_id not in entries:
            problems.append(_("One of the proposals is not an entry of this stage."))
        elif not reason:
            problems.append(_("Give a reason for every conflict you declare."))
        else:
            cleaned[proposal_id] = reason
    if problems:
        raise JudgingError(sorted(set(problems)))
    declaration, _created = ConflictDeclaration.objects.select_for_update().get_or_create(
        stage=stage, judge=judge, defaults={"declared_at": now}
    )
    _record_membership_conflicts(stage, judge, now)
    already = set(
        Conflict.objects.filter(judge=judge, proposal_id__in=list(cleaned)).values_list(
            "proposal_id", flat=True
        )
    )
    proposals = Proposal.objects.in_bulk(list(set(cleaned) - already))
    for proposal_id, proposal in sorted(proposals.items()):
        Conflict.objects.create(
            edition_id=stage.edition_id,
            judge=judge,
            proposal=proposal,
            source=ConflictSource.DECLARED,
            reason=cleaned[proposal_id],
            stage=stage,
            recorded_at=now,
        )
        _log(
            stage,
            Action.CONFLICT_DECLARED,
            by=judge,
            at=now,
            judge=judge,
            proposal=proposal,
            note=cleaned[proposal_id],
        )
    declaration.no_conflicts = not Conflict.objects.filter(
        judge=judge, source=ConflictSource.DECLARED, proposal_id__in=entries
    ).exists()
    declaration.save(update_fields=["no_conflicts"])
    _exclude_conflicted_sheets(stage, by=judge, now=now, judge_ids=[judge.pk])
    if pledge_text is not None:
        declaration = sign_pledge(stage, judge=judge, text=pledge_text, now=now)
    return declaration


@transaction.atomic
def sign_pledge(stage, *, judge, text: str | None = None, now=None) -> ConflictDeclaration:
    """Sign the integrity pledge of a stage, after the conflict declaration. Signing twice keeps
    the first signature.

    Side effects: sets pledge_text and pledge_signed_at on the judge's ConflictDeclaration.
    """
    now = now or timezone.now()
    declaration = (
        ConflictDeclaration.objects.select_for_update().filter(stage=stage, judge=judge).first()
    )
    if declaration is None:
        raise JudgingError(_("Declare your conflicts of interest before signing the pledge."))
    if declaration.pledge_signed_at is not None:
        return declaration
    declaration.pledge_text = (text or str(PLEDGE_TEXT)).strip()
    declaration.pledge_signed_at = now
    declaration.save(update_fields=["pledge_text", "pledge_signed_at"])
    return declaration


# --- assignment ---------------------------------------------------------------------------------


@dataclass
class AssignmentReport:
    created: int = 0
    loads: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)


def _positions(count: int, seed: int | None) -> list[int]:
    generator = random.Random(seed) if seed is not None else random.SystemRandom()
    return [generator.randrange(1, 2**31 - 1) for _ in range(count)]


def _create_assignments(stage, pairs, *, by, now, manual=False, seed=None) -> list[Assignment]:
    assignments = Assignment.objects.bulk_create(
        Assignment(
            stage=stage,
            judge_id=judge_id,
            proposal_id=proposal_id,
            position=position,
            is_manual=manual,
            created_by=by,
            created_at=now,
        )
        for (judge_id, proposal_id), position in zip(
            pairs, _positions(len(pairs), seed), strict=True
        )
    )
    ScoreSheet.objects.bulk_create(ScoreSheet(assignment=assignment) for assignment in assignments)
    return assignments


@transaction.atomic
def assign_judges(stage, *, by, seed: int | None = None, now=None) -> AssignmentReport:
    """Assign the panel automatically: every entry gets at least `judges_per_proposal` judges
    whose sheets count, nobody judges a proposal it is in conflict with, and the judges' loads
    differ by at most one whenever the conflicts allow it (see judging.assignment).

    Re-running after a change (new judge, new entry, declared conflict) keeps every existing
    assignment and sheet and only adds. Side effects: locks the stage, updates its entries,
    excludes conflicted sheets, creates Assignment and ScoreSheet rows, writes a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    _refuse_if_closed(locked)
    _sync_entries(locked)
    _exclude_conflicted_sheets(locked, by=by, now=now)
    judges = dict(locked.panel.values_list("judge_id", "judge__username"))
    if not judges:
        raise JudgingError(_("Add judges to the panel first."))
    entries = dict(locked.results.values_list("proposal_id", "proposal__innovation__acronym"))
    existing = list(
        Assignment.objects.filter(stage=locked).values_list(
            "judge_id", "proposal_id", "sheet__excluded"
        )
    )
    load = dict.fromkeys(judges, 0)
    have = dict.fromkeys(entries, 0)
    for judge_id, proposal_id, excluded in existing:
        if not excluded:
            if judge_id in load:
                load[judge_id] += 1
            if proposal_id in have:
                have[proposal_id] += 1
    forbidden = conflict_pairs(locked, list(judges)) | {
        (judge_id, proposal_id) for judge_id, proposal_id, _excluded in existing
    }
    plan = plan_assignment(
        proposals=list(entries),
        judges=list(judges),
        need={p: locked.judges_per_proposal - count for p, count in have.items()},
        load=load,
        forbidden=forbidden,
        seed=seed,
    )
    _create_assignments(locked, plan.pairs, by=by, now=now, seed=seed)
    report = AssignmentReport(
        created=len(plan.pairs),
        loads={judges[j]: count for j, count in sorted(plan.loads.items())},
        missing={entries[p]: count for p, count in plan.missing.items()},
    )
    note = _("%(count)d new assignments.") % {"count": report.created}
    if report.missing:
        note += " " + _("Not enough judges free of conflict for: %(entries)s.") % {
            "entries": ", ".join(f"{name} ({count})" for name, count in report.missing.items())
        }
    _log(locked, Action.AUTO_ASSIGNED, by=by, at=now, note=note)
    return report


@transaction.atomic
def assign_manually(stage, *, judge, proposal, by, now=None) -> Assignment:
    """Assign one judge to one entry by hand.

    Refused for a judge off the panel, a proposal that is not an entry, a conflict, or a pair
    already assigned. Side effects: creates an Assignment and its ScoreSheet, writes a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    _refuse_if_closed(locked)
    if not locked.panel.filter(judge=judge).exists():
        raise JudgingError(_("%(judge)s is not on the panel.") % {"judge": judge.username})
    _sync_entries(locked)
    if not locked.results.filter(proposal=proposal).exists():
        raise JudgingError(_("This proposal is not an entry of the stage."))
    if is_in_conflict(judge, proposal):
        raise JudgingError(
            _("%(judge)s is in conflict with %(entry)s.")
            % {"judge": judge.username, "entry": proposal.innovation.acronym}
        )
    if Assignment.objects.filter(stage=locked, judge=judge, proposal=proposal).exists():
        raise JudgingError(
            _("%(judge)s is already assigned to %(entry)s.")
            % {"judge": judge.username, "entry": proposal.innovation.acronym}
        )
    (assignment,) = _create_assignments(
        locked, [(judge.pk, proposal.pk)], by=by, now=now, manual=True
    )
    _log(locked, Action.ASSIGNED, by=by, at=now, judge=judge, proposal=proposal)
    return assignment


@transaction.atomic
def unassign(assignment, *, by, now=None) -> None:
    """Remove an assignment on which nothing has been written yet.

    An excluded sheet stays as the record of the conflict; a sheet with scores or comments stays
    too. Side effects: deletes the Assignment and its empty ScoreSheet, writes a StageEvent.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(assignment.stage)
    _refuse_if_closed(locked)
    assignment = (
        Assignment.objects.select_related("judge", "proposal__innovation", "sheet")
        .filter(pk=assignment.pk)
        .first()
    )
    if assignment is None:
        return
    if assignment.sheet.excluded:
        raise JudgingError(
            _("An excluded sheet stays as the record of the conflict; assign another judge.")
        )
    if _has_content(ScoreSheet.objects.filter(pk=assignment.sheet.pk)):
        raise JudgingError(
            _("%(judge)s has already scored %(entry)s; the assignment cannot be removed.")
            % {"judge": assignment.judge.username, "entry": assignment.proposal.innovation.acronym}
        )
    judge, proposal = assignment.judge, assignment.proposal
    assignment.delete()
    _log(locked, Action.UNASSIGNED, by=by, at=now, judge=judge, proposal=proposal)


# --- score sheets -------------------------------------------------------------------------------


def _lock_sheet(sheet) -> ScoreSheet:
    """Lock the sheet's stage, then the sheet. Whoever writes sheets takes the stage lock first,
    so submissions of one stage queue instead of deadlocking while each recomputes the results
    (which updates every sheet of the stage)."""
    stage_id = ScoreSheet.objects.filter(pk=sheet.pk).values_list("assignment__stage_id", flat=True)
    Stage.objects.select_for_update().filter(pk__in=stage_id).first()
    return (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("assignment__stage__edition", "assignment__judge", "assignment__proposal")
        .get(pk=sheet.pk)
    )


def _lock_sheet_for_judge(sheet, by) -> ScoreSheet:
    """Lock the sheet (after its stage) and check that `by` may write on it now."""
    locked = _lock_sheet(sheet)
    assignment = locked.assignment
    stage = assignment.stage
    if assignment.judge_id != by.pk:
        raise JudgingError(_("This is not your score sheet."))
    if locked.excluded or is_in_conflict(by, assignment.proposal):
        raise JudgingError(_("You are in conflict with this proposal: your sheet does not count."))
    if not ConflictDeclaration.objects.filter(
        stage=stage, judge=by, pledge_signed_at__isnull=False
    ).exists():
        raise JudgingError(_("Declare your conflicts and sign the pledge first."))
    if not stage.is_open:
        raise JudgingError(
            _("The stage is closed.") if stage.is_closed else _("The stage is not open yet.")
        )
    if locked.is_submitted:
        when = date_format(timezone.localtime(locked.submitted_at), "j F Y H:i")
        raise JudgingError(
            _("This sheet was already submitted (%(when)s WIB) and is locked.") % {"when": when},
            code="already_submitted",
        )
    return locked


def _write_scores(locked, scores: dict, overall_comment: str, now) -> list[Criterion]:
    """Upsert the sheet's Score rows; values outside the scale are refused with every reason."""
    criteria = list(locked.assignment.stage.criteria.order_by("order", "pk"))
    known = {criterion.pk for criterion in criteria}
    if set(scores) - known:
        raise JudgingError(_("A score was sent for a criterion of another stage."))
    problems = []
    values = {}
    for criterion in criteria:
        value, comment = scores.get(criterion.pk, (None, ""))
        if value is not None:
            try:
                value = Decimal(value)
            except (InvalidOperation, TypeError, ValueError):
                value = None
                problems.append(_("“%(name)s”: enter a number.") % {"name": criterion.name})
            else:
                if value != value.quantize(CENT):
                    problems.append(
                        _("“%(name)s”: use at most two decimals.") % {"name": criterion.name}
                    )
                elif not criterion.scale_min <= value <= criterion.scale_max:
                    problems.append(
                        _("“%(name)s”: the score must be between %(min)s and %(max)s.")
                        % {
                            "name": criterion.name,
                            "min": f"{criterion.scale_min.normalize():f}",
                            "max": f"{criterion.scale_max.normalize():f}",
                        }
                    )
        values[criterion.pk] = (value, (comment or "").strip())
    if problems:
        raise JudgingError(problems)
    existing = {score.criterion_id: score for score in locked.scores.all()}
    create, update = [], []
    for criterion in criteria:
        value, comment = values[criterion.pk]
        score = existing.get(criterion.pk)
        if score is None:
            if value is not None or comment:
                create.append(
                    Score(
                        sheet=locked,
                        criterion=criterion,
                        value=value,
                        comment=comment,
                        scale_min=criterion.scale_min,
                        scale_max=criterion.scale_max,
                    )
                )
        elif (score.value, score.comment) != (value, comment):
            score.value, score.comment = value, comment
            update.append(score)
    Score.objects.bulk_create(create)
    Score.objects.bulk_update(update, ["value", "comment"])
    locked.overall_comment = (overall_comment or "").strip()
    locked.saved_at = now
    return criteria


@transaction.atomic
def save_score_sheet(sheet, *, by, scores: dict, overall_comment: str = "", now=None):
    """Save a draft: `scores` maps criterion id -> (value or None, comment).

    Side effects: locks the sheet, creates / updates its Score rows and overall comment, sets
    saved_at. Nothing counts until the sheet is submitted.
    """
    now = now or timezone.now()
    locked = _lock_sheet_for_judge(sheet, by)
    _write_scores(locked, scores, overall_comment, now)
    locked.save(update_fields=["overall_comment", "saved_at"])
    return locked


@transaction.atomic
def submit_score_sheet(sheet, *, by, scores: dict, overall_comment: str = "", now=None):
    """Save and submit a sheet: every criterion needs a score. The sheet is then locked.

    The sheet row is locked first, so a double click or two tabs submitting at once leave one
    submission; the second is refused with code "already_submitted". Side effects: writes the
    scores, sets status / submitted_at, computes the sheet's total and the stage's results.
    """
    now = now or timezone.now()
    locked = _lock_sheet_for_judge(sheet, by)
    criteria = _write_scores(locked, scores, overall_comment, now)
    missing = [
        criterion.name
        for criterion in criteria
        if scores.get(criterion.pk, (None, ""))[0] in (None, "")
    ]
    if missing:
        raise JudgingError(
            _("Score every criterion before submitting. Missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    locked.status = SheetStatus.SUBMITTED
    locked.submitted_at = now
    locked.save(update_fields=["overall_comment", "saved_at", "status", "submitted_at"])
    record_event("scoresheet.submit", locked, by=by, after={"status": SheetStatus.SUBMITTED})
    # Only this judge's sheets and the entries they scored are recomputed, then everything ranked.
    compute_stage_results(locked.assignment.stage, now=now, judges=[locked.assignment.judge_id])
    locked.refresh_from_db(fields=["total", "normalised"])
    return locked


@transaction.atomic
def reopen_score_sheet(sheet, *, by, reason: str, now=None) -> ScoreSheet:
    """Reopen a submitted sheet so its judge can change it (organiser, open stage, with a reason).

    Side effects: sets the sheet back to draft, writes a StageEvent with the reason, recomputes the
    stage's results, and e-mails the judge after commit.
    """
    _require_organiser(by)
    now = now or timezone.now()
    reason = (reason or "").strip()
    locked = _lock_sheet(sheet)
    stage = locked.assignment.stage
    problems = []
    if not reason:
        problems.append(_("Give the reason for reopening the sheet."))
    if not stage.is_open:
        problems.append(_("Sheets can be reopened only while the stage is open."))
    if not locked.is_submitted:
        problems.append(_("This sheet is not submitted."))
    if locked.excluded:
        problems.append(_("This sheet is excluded because of a conflict of interest."))
    if problems:
        raise JudgingError(problems)
    locked.status = SheetStatus.DRAFT
    locked.submitted_at = None
    locked.total = None
    locked.normalised = None
    locked.save(update_fields=["status", "submitted_at", "total", "normalised"])
    record_event(
        "scoresheet.reopen",
        locked,
        by=by,
        before={"status": SheetStatus.SUBMITTED},
        after={"status": SheetStatus.DRAFT},
        note=reason,
    )
    _log(
        stage,
        Action.SHEET_REOPENED,
        by=by,
        at=now,
        judge=locked.assignment.judge,
        proposal=locked.assignment.proposal,
        note=reason,
    )
    compute_stage_results(stage, now=now, judges=[locked.assignment.judge_id])
    judge = locked.assignment.judge
    if judge.email:
        _mail(
            "judging/email/sheet_reopened.txt",
            _("Your score sheet was reopened"),
            {"sheet": locked, "stage": stage, "reason": reason},
            [judge.email],
        )
    return locked


# --- results ------------------------------------------------------------------------------------


def _float(expression):
    return Cast(expression, FloatField())


def counted_sheets(stage):
    """Sheets that count: submitted, not excluded."""
    return ScoreSheet.objects.filter(
        assignment__stage=stage, status=SheetStatus.SUBMITTED, excluded=False
    )


# The figures of an entry that compute_stage_results writes, in the order of its rows.
RESULT_FIELDS = [
    "judges_counted",
    "mean",
    "median",
    "spread",
    "normalised",
    "heaviest",
    "spread_flagged",
    "rank",
    "tie_break",
]
UNSCORED = (0, None, None, None, None, None, False)


@transaction.atomic
def compute_stage_results(stage, *, now=None, judges=None) -> None:
    """Recompute every figure of a stage with set-based queries, never loading scores.

    1. Each submitted sheet's total, in SQL: sum over criteria of
       (value - min) / (max - min) * weight, 0-100 (floating point on every database).
    2. Each judge's normalised totals: z = (total - judge's mean) / judge's standard deviation over
       the sheets that count, mapped to 50 + 10 z and clamped to 0..100 (50 when the judge's
       totals are all equal).
    3. Per entry: judges counted, mean, population standard deviation (from the mean of squares, so
       the same on SQLite), median (window functions), mean normalised score, and the mean score
       on the heaviest criterion (0-100), rounded half up to two decimals.
    4. Rank within each track, by the stage's score (mean or normalised), then the heaviest
       criterion, then the median, then the earlier submission. Entries equal on every key share
       the rank and are marked "unresolved". Entries with no counting sheet keep empty figures
       ("not yet scored"), never 0.

    `judges` (user ids): only these judges' sheets changed (a sheet submitted, reopened or
    excluded). Steps 1-3 then cover only their sheets and the entries they scored; the other
    entries keep their stored figures, and every entry is ranked again. The whole stage is
    recomputed when the stage has never been computed.

    Side effects: updates ScoreSheet.total / normalised and the StageResult rows whose figures
    changed (others are not rewritten), the ranking order, and Stage.results_computed_at.
    """
    now = now or timezone.now()
    # One computation per stage at a time (callers that write sheets hold this lock already).
    computed_at = (
        Stage.objects.select_for_update()
        .filter(pk=stage.pk)
        .values_list("results_computed_at", flat=True)
        .first()
    )
    judge_ids = sorted(set(judges)) if judges is not None and computed_at is not None else None
    heaviest = stage.criteria.order_by("-weight", "order", "pk").values_list("pk", flat=True)
    heaviest_id = heaviest.first()
    if connection.vendor == "postgresql":
        # The same figures and ranks in one set-based statement (minutes -> seconds at 40,000
        # entries), writing only the rows that change.
        compute_results(
            stage.pk,
            heaviest_id=heaviest_id,
            threshold=stage.spread_threshold,
            score="normalised" if stage.rank_by == RankBy.NORMALISED else "mean",
            judge_ids=judge_ids,
        )
    else:
        _write_sheet_figures_orm(stage, judge_ids)
        rows = _entry_figures_orm(stage, heaviest_id, judge_ids)
        update_rows(StageResult, RESULT_FIELDS, _changed_results(stage, rows))
    write_ranking_order(stage.pk)
    Stage.objects.filter(pk=stage.pk).update(results_computed_at=now)
    stage.results_computed_at = now


def _write_sheet_figures_orm(stage, judge_ids) -> None:
    """Steps 1 and 2 of compute_stage_results with the ORM (databases other than PostgreSQL)."""
    sheets = ScoreSheet.objects.filter(assignment__stage=stage)
    counted = counted_sheets(stage).filter(total__isnull=False)
    if judge_ids is not None:
        sheets = sheets.filter(assignment__judge_id__in=judge_ids)
        counted = counted.filter(assignment__judge_id__in=judge_ids)
    points = (
        _float(F("value") - F("scale_min"))
        * _float(F("criterion__weight"))
        / _float(F("scale_max") - F("scale_min"))
    )
    totals = (
        Score.objects.filter(sheet=OuterRef("pk"))
        .order_by()
        .values("sheet")
        .annotate(total=Sum(points))
        .values("total")
    )
    sheets.filter(status=SheetStatus.SUBMITTED).update(total=Round(Subquery(totals), 4))
    sheets.exclude(status=SheetStatus.SUBMITTED).update(total=None, normalised=None)
    sheets.filter(Q(excluded=True) | Q(total__isnull=True)).exclude(normalised=None).update(
        normalised=None
    )

    for row in (
        counted.values("assignment__judge_id")
        .annotate(mean=Avg(_float("total")), square=Avg(_float(F("total") * F("total"))))
        .order_by()
    ):
        deviation = math.sqrt(max(row["square"] - row["mean"] ** 2, 0.0))
        own = counted.filter(assignment__judge_id=row["assignment__judge_id"])
        if deviation < 1e-9:
            own.update(normalised=Decimal(50))
        else:
            z = (_float("total") - Value(row["mean"])) / Value(deviation)
            own.update(
                normalised=Round(
                    Greatest(Value(0.0), Least(Value(100.0), Value(50.0) + Value(10.0) * z)), 4
                )
            )


def _entry_figures_orm(stage, heaviest_id, judge_ids) -> list[tuple]:
    """Every entry of the stage with its stored figures and, when it is recomputed (all of them,
    or those scored by `judge_ids`), its raw figures over the sheets that count (databases other
    than PostgreSQL, where results_sql does steps 1-4 in one statement).

    Rows: (pk, proposal_id, track_id, submitted_at, *RESULT_FIELDS as stored, affected, count,
    mean, mean of squares, normalised, heaviest, median), the last six None when no sheet counts.
    """
    counted = counted_sheets(stage).filter(total__isnull=False)
    scope = None
    if judge_ids is not None:
        scope = set(
            Assignment.objects.filter(stage=stage, judge_id__in=judge_ids).values_list(
                "proposal_id", flat=True
            )
        )
        counted = counted.filter(assignment__proposal_id__in=scope)
    figures = {
        row["assignment__proposal_id"]: row
        for row in counted.values("assignment__proposal_id")
        .annotate(
            count=Count("pk"),
            mean=Avg(_float("total")),
            square=Avg(_float(F("total") * F("total"))),
            normalised=Avg(_float("normalised")),
        )
        .order_by()
    }
    heaviest = {}
    if heaviest_id is not None:
        heaviest = dict(
            Score.objects.filter(sheet__in=counted, criterion_id=heaviest_id)
            .values("sheet__assignment__proposal_id")
            .annotate(
                score=Avg(
                    _float(F("value") - F("scale_min"))
                    * Value(100.0)
                    / _float(F("scale_max") - F("scale_min"))
                )
            )
            .order_by()
            .values_list("sheet__assignment__proposal_id", "score")
        )
    middle: dict[int, list[float]] = {}
    for proposal_id, total in (
        counted.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("assignment__proposal_id")],
                order_by=[F("total").asc(), F("pk").asc()],
            ),
            size=Window(Count("pk"), partition_by=[F("assignment__proposal_id")]),
        )
        .filter(Q(row=(F("size") + 1) / 2) | Q(row=(F("size") + 2) / 2))
        .values_list("assignment__proposal_id", "total")
    ):
        middle.setdefault(proposal_id, []).append(float(total))

    rows = []
    for stored in StageResult.objects.filter(stage=stage).values_list(
        "pk", "proposal_id", "proposal__track_id", "proposal__submitted_at", *RESULT_FIELDS
    ):
        proposal_id = stored[1]
        affected = scope is None or proposal_id in scope
        row = figures.get(proposal_id)
        if row is None:
            rows.append((*stored, affected, None, None, None, None, None, None))
            continue
        values = middle[proposal_id]
        rows.append(
            (
                *stored,
                affected,
                row["count"],
                row["mean"],
                row["square"],
                row["normalised"],
                heaviest.get(proposal_id),
                sum(values) / len(values),
            )
        )
    return rows


def _changed_results(stage, rows) -> list[tuple]:
    """Round the raw figures of `rows` (_entry_figures_orm), rank every entry, and return
    (pk, *RESULT_FIELDS) of the entries whose stored figures differ.

    The ranking order is the one the database would give: by track, then the stage's score (higher
    first), the heaviest criterion (higher first, none last), the median (higher first), the
    earlier submission (none last), the proposal id.
    """
    entries = []
    for row in rows:
        pk, proposal_id, track_id, submitted_at = row[:4]
        stored = tuple(row[4:13])
        affected, count, mean, square, normalised, heaviest, median = row[13:]
        if not affected:
            figures = stored[:7]
        elif not count:
            figures = UNSCORED
        else:
            spread = _quantize(math.sqrt(max(square - mean**2, 0.0)))
            figures = (
                count,
                _quantize(mean),
                _quantize(median),
                spread,
                _quantize(normalised),
                _quantize(heaviest),
                spread > stage.spread_threshold,
            )
        entries.append([pk, proposal_id, track_id, submitted_at, stored, figures, None, ""])

    score = 4 if stage.rank_by == RankBy.NORMALISED else 1  # index in the figures

    def descending(value, nulls_first=True):
        if value is None:
            return (0 if nulls_first else 2, 0)
        return (1, -value)

    def order(entry):
        figures, submitted_at = entry[5], entry[3]
        return (
            descending(figures[score]),
            descending(figures[5], nulls_first=False),
            descending(figures[2]),
            (1, 0) if submitted_at is None else (0, submitted_at),
            entry[1],
        )

    tracks: dict = {}
    for entry in entries:
        if entry[5][0] > 0:
            tracks.setdefault(entry[2], []).append(entry)
    for ranked in tracks.values():
        ranked.sort(key=order)
        previous = None
        for position, entry in enumerate(ranked, start=1):
            figures, submitted_at = entry[5], entry[3]
            key = (figures[score], figures[5], figures[2], submitted_at)
            entry[6], entry[7] = position, TieBreak.NONE
            if previous is not None and previous[0][0] == key[0]:
                if previous[0][1] != key[1]:
                    entry[7] = TieBreak.HEAVIEST
                elif previous[0][2] != key[2]:
                    entry[7] = TieBreak.MEDIAN
                elif previous[0][3] != key[3]:
                    entry[7] = TieBreak.SUBMISSION
                else:
                    entry[7] = TieBreak.UNRESOLVED
                    entry[6] = previous[1]
            previous = (key, entry[6])

    changed = []
    for pk, _proposal_id, _track_id, _submitted_at, stored, figures, rank, tie_break in entries:
        new = (*figures, rank, str(tie_break))
        if new != stored:
            changed.append((pk, *new))
    return changed


# --- shortlists ---------------------------------------------------------------------------------


@dataclass
class CutInfo:
    """The computed Top N of a track and whether the cut falls inside an unresolved tie."""

    top: list[int]
    scored: list[int]
    unresolved_tie: bool


def cut_of(stage, track) -> CutInfo:
    ranked = list(
        StageResult.objects.filter(stage=stage, proposal__track=track, judges_counted__gt=0)
        .order_by("rank", "proposal_id")
        .values_list("proposal_id", "rank", "tie_break")
    )
    size = track.shortlist_size
    top = [proposal_id for proposal_id, _rank, _tie in ranked[:size]]
    unresolved = (
        len(ranked) > size
        and ranked[size][2] == TieBreak.UNRESOLVED
        and ranked[size][1] == ranked[size - 1][1]
    )
    return CutInfo(top=top, scored=[p for p, _r, _t in ranked], unresolved_tie=unresolved)


def _shortlist_problems(stage, track, proposal_ids, reason, decree_number, decree_date):
    problems = []
    if not stage.is_closed:
        problems.append(_("Close the stage before confirming its shortlist."))
    if track.edition_id != stage.edition_id:
        problems.append(_("This track belongs to another edition."))
    if not (decree_number or "").strip():
        problems.append(_("Enter the number of the mayor's decree letter (Surat Wali Kota)."))
    if not isinstance(decree_date, date):
        problems.append(_("Enter the date of the decree letter."))
    cut = cut_of(stage, track)
    chosen = set(proposal_ids)
    if not chosen:
        problems.append(_("Select at least one entry."))
    if chosen - set(cut.scored):
        problems.append(_("Only scored entries of this track can be shortlisted."))
    if (chosen != set(cut.top) or cut.unresolved_tie) and not (reason or "").strip():
        if cut.unresolved_tie:
            problems.append(
                _(
                    "The cut falls inside a tie that the published rule does not resolve: "
                    "explain the choice in the reason."
                )
            )
        else:
            problems.append(
                _("The selection differs from the computed Top %(n)d: give the reason.")
                % {"n": track.shortlist_size}
            )
    return problems


def _names(proposal_ids) -> str:
    acronyms = Proposal.objects.filter(pk__in=proposal_ids).values_list(
        "innovation__acronym", flat=True
    )
    return ", ".join(sorted(acronyms, key=str.casefold))


def _apply_decisions(stage, track, chosen: set[int], decree_ref: str) -> dict[int, str]:
    """Write every entry's decision in the track; return {result pk: old decision} of changes."""
    results = list(
        StageResult.objects.select_for_update(of=("self",)).filter(
            stage=stage, proposal__track=track
        )
    )
    changed = {}
    for result in results:
        decision = (
            Decision.SHORTLISTED if result.proposal_id in chosen else Decision.NOT_SHORTLISTED
        )
        ref = decree_ref if decision == Decision.SHORTLISTED else ""
        if (result.decision, result.decree_ref) != (decision, ref):
            if result.decision != decision:
                changed[result.pk] = result.decision
            result.decision, result.decree_ref = decision, ref
    StageResult.objects.bulk_update(results, ["decision", "decree_ref"])
    public_cache.bump()  # bulk writes send no signals; the public results show the shortlist
    return changed


def _move_to_next_stage(stage, *, by, now, leaving: set[int]) -> Stage | None:
    """Bring the next stage's entries in line with the shortlist; a desk stage without a next
    stage gets its presentation and interview stage."""
    following = next_stage(stage)
    if following is None:
        if stage.kind != StageKind.DESK:
            return None
        return create_stage(edition=stage.edition, kind=StageKind.INTERVIEW, by=by, now=now)
    if leaving:
        sheets = ScoreSheet.objects.filter(
            assignment__stage=following, assignment__proposal_id__in=leaving
        )
        if _has_content(sheets):
            raise JudgingError(
                _(
                    "%(entries)s already have scores in the next stage and cannot leave the "
                    "shortlist."
                )
                % {"entries": _names(leaving)}
            )
    _sync_entries(following)
    return following


def _notify_agencies(stage, result_pks) -> None:
    for result in StageResult.objects.filter(pk__in=result_pks).select_related(
        "proposal__innovation", "proposal__agency", "proposal__track", "stage__edition"
    ):
        shortlisted = result.decision == Decision.SHORTLISTED
        subject = (
            _("%(innovation)s is shortlisted in %(edition)s")
            if shortlisted
            else _("%(innovation)s is not shortlisted in %(edition)s")
        ) % {"innovation": result.proposal.innovation.acronym, "edition": stage.edition.name}
        _mail(
            "judging/email/shortlist_decision.txt",
            subject,
            {"result": result, "stage": stage, "shortlisted": shortlisted},
            operator_emails(result.proposal.agency_id),
        )


@transaction.atomic
def confirm_shortlist(
    stage,
    *,
    track,
    proposal_ids,
    decree_number: str,
    decree_date,
    by,
    reason: str = "",
    now=None,
    notify: bool = True,
) -> Shortlist:
    """Confirm a track's shortlist from a closed stage's ranking, with the mayor's decree letter.

    A selection other than the computed Top N (Track.shortlist_size), or a cut inside an
    unresolved tie, needs a reason. Side effects: creates the Shortlist and its first
    ShortlistChange, sets every entry's StageResult.decision (and decree_ref), moves the
    shortlisted entries into the next stage (creating the interview stage after the desk stage if
    needed), and, with `notify`, e-mails every entry's agency after commit.
    """
    _require_organiser(by)
    now = now or timezone.now()
    locked = _lock_stage(stage)
    if Shortlist.objects.filter(stage=locked, track=track).exists():
        raise JudgingError(_("This shortlist is already confirmed; change it instead."))
    chosen = set(proposal_ids)
    problems = _shortlist_problems(locked, track, chosen, reason, decree_number, decree_date)
    if problems:
        raise JudgingError(problems)
    shortlist = Shortlist.objects.create(
        stage=locked,
        track=track,
        decree_number=decree_number.strip(),
        decree_date=decree_date,
        confirmed_by=by,
        confirmed_at=now,
    )
    _apply_decisions(locked, track, chosen, shortlist.decree_ref)
    ShortlistChange.objects.create(
        shortlist=shortlist,
        action=ShortlistAction.CONFIRMED,
        by=by,
        at=now,
        reason=(reason or "").strip(),
        decree_number=shortlist.decree_number,
        decree_date=shortlist.decree_date,
        shortlisted=_names(chosen),
        added=_names(chosen),
    )
    record_event(
        "shortlist.confirm",
        shortlist,
        by=by,
        after={"shortlisted": sorted(chosen), "decree": shortlist.decree_ref},
        note=(reason or "").strip(),
    )
    _move_to_next_stage(locked, by=by, now=now, leaving=set())
    if notify:
        _notify_agencies(
            locked,
            StageResult.objects.filter(stage=locked, proposal__track=track).values_list(
                "pk", flat=True
            ),
        )
    return shortlist


@transaction.atomic
def change_shortlist(
    shortlist,
    *,
    proposal_ids,
    reason: str,
    by,
    decree_number: str | None = None,
    decree_date=None,
    now=None,
) -> Shortlist:
    """Change a confirmed shortlist: always with a reason, recorded in the append-only log.

    Side effects: updates the Shortlist (decree letter, changed_at), the entries' decisions, the
    next stage's entries (refused if a leaving entry already has scores there), appends a
    ShortlistChange, and e-mails the agencies whose decision changed after commit.
    """
    _require_organiser(by)
    now = now or timezone.now()
    shortlist = (
        Shortlist.objects.select_for_update(of=("self",))
        .select_related("track")
        .get(pk=shortlist.pk)
    )
    stage = _lock_stage(shortlist.stage)
    reason = (reason or "").strip()
    decree_number = (decree_number or shortlist.decree_number).strip()
    decree_date = decree_date or shortlist.decree_date
    chosen = set(proposal_ids)
    problems = _shortlist_problems(
        stage, shortlist.track, chosen, reason or "-", decree_number, decree_date
    )
    if not reason:
        problems.insert(0, _("Give the reason for changing a confirmed shortlist."))
    before = set(
        StageResult.objects.filter(
            stage=stage, proposal__track=shortlist.track, decision=Decision.SHORTLISTED
        ).values_list("proposal_id", flat=True)
    )
    same_decree = (decree_number, decree_date) == (shortlist.decree_number, shortlist.decree_date)
    if chosen == before and same_decree and not problems:
        raise JudgingError(_("Nothing changed."))
    if problems:
        raise JudgingError(problems)
    shortlist.decree_number, shortlist.decree_date, shortlist.changed_at = (
        decree_number,
        decree_date,
        now,
    )
    shortlist.save(update_fields=["decree_number", "decree_date", "changed_at"])
    changed = _apply_decisions(stage, shortlist.track, chosen, shortlist.decree_ref)
    _move_to_next_stage(stage, by=by, now=now, leaving=before - chosen)
    ShortlistChange.objects.create(
        shortlist=shortlist,
        action=ShortlistAction.CHANGED,
        by=by,
        at=now,
        reason=reason,
        decree_number=decree_number,
        decree_date=decree_date,
        shortlisted=_names(chosen),
        added=_names(chosen - before),
        removed=_names(before - chosen),
    )
    record_event(
        "shortlist.change",
        shortlist,
        by=by,
        before={"shortlisted": sorted(before)},
        after={"shortlisted": sorted(chosen), "decree": shortlist.decree_ref},
        note=reason,
    )
    _notify_agencies(stage, list(changed))
    return shortlist
