"""Who judges what: the stage's panel, the automatic (balanced) assignment, assignments by hand."""

import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.permissions import is_judge
from judging.models import Assignment, PanelMember, ScoreSheet
from judging.selectors.conflicts import conflict_pairs, is_in_conflict
from judging.selectors.stages import sheets_with_content
from judging.services.assignment_plan import plan_assignment
from judging.services.base import (
    Action,
    JudgingError,
    lock_stage,
    log_stage_event,
    refuse_if_closed,
    require_organiser,
)
from judging.services.conflicts import exclude_conflicted_sheets, record_membership_conflicts
from judging.services.entries import sync_entries


@transaction.atomic
def set_panel(stage, *, judges, by, now=None) -> list[PanelMember]:
    """Make the stage's panel exactly `judges` (users with the judge role).

    A judge who has written on any sheet of the stage cannot be removed. Side effects: creates and
    deletes PanelMember rows, deletes the removed judges' empty assignments, records the new
    judges' automatic conflicts, writes a StageEvent. On a whole-panel stage it sets
    judges_per_proposal to the panel's size and, once the stage is open, assigns joining judges
    to every entry.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    refuse_if_closed(locked)
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
            pk__in=sheets_with_content(
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
        record_membership_conflicts(locked, user, now)
    if joining or leaving:
        note = []
        if joining:
            note.append(_("added: %(names)s") % {"names": ", ".join(u.username for u in joining)})
        if leaving:
            names = ", ".join(sorted(current[pk].judge.username for pk in leaving))
            note.append(_("removed: %(names)s") % {"names": names})
        log_stage_event(locked, Action.PANEL_CHANGED, by=by, at=now, note="; ".join(note))
        if locked.whole_panel:
            _follow_the_panel(locked, by=by, now=now)
    return list(locked.panel.select_related("judge").order_by("judge__username"))


def _follow_the_panel(stage, *, by, now) -> None:
    """A whole-panel stage asks as many judges per entry as its panel has; once it is open, a
    judge who joins gets every entry at once."""
    stage.judges_per_proposal = max(1, stage.panel.count())
    stage.save(update_fields=["judges_per_proposal"])
    if stage.is_open:
        assign_judges(stage, by=by, now=now)


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
    differ by at most one whenever the conflicts allow it (see judging.services.assignment_plan).

    Re-running after a change (new judge, new entry, declared conflict) keeps every existing
    assignment and sheet and only adds. Side effects: locks the stage, updates its entries,
    excludes conflicted sheets, creates Assignment and ScoreSheet rows, writes a StageEvent.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    refuse_if_closed(locked)
    sync_entries(locked)
    exclude_conflicted_sheets(locked, by=by, now=now)
    judges = dict(locked.panel.values_list("judge_id", "judge__username"))
    if not judges:
        raise JudgingError(_("Add judges to the panel first."))
    entries = dict(locked.results.values_list("proposal_id", "proposal__innovation_acronym"))
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
    log_stage_event(locked, Action.AUTO_ASSIGNED, by=by, at=now, note=note)
    return report


@transaction.atomic
def assign_manually(stage, *, judge, proposal, by, now=None) -> Assignment:
    """Assign one judge to one entry by hand.

    Refused for a judge off the panel, a proposal that is not an entry, a conflict, or a pair
    already assigned. Side effects: creates an Assignment and its ScoreSheet, writes a StageEvent.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    refuse_if_closed(locked)
    if not locked.panel.filter(judge=judge).exists():
        raise JudgingError(_("%(judge)s is not on the panel.") % {"judge": judge.username})
    sync_entries(locked)
    if not locked.results.filter(proposal=proposal).exists():
        raise JudgingError(_("This proposal is not an entry of the stage."))
    if is_in_conflict(judge, proposal):
        raise JudgingError(
            _("%(judge)s is in conflict with %(entry)s.")
            % {"judge": judge.username, "entry": proposal.innovation_acronym}
        )
    if Assignment.objects.filter(stage=locked, judge=judge, proposal=proposal).exists():
        raise JudgingError(
            _("%(judge)s is already assigned to %(entry)s.")
            % {"judge": judge.username, "entry": proposal.innovation_acronym}
        )
    (assignment,) = _create_assignments(
        locked, [(judge.pk, proposal.pk)], by=by, now=now, manual=True
    )
    log_stage_event(locked, Action.ASSIGNED, by=by, at=now, judge=judge, proposal=proposal)
    return assignment


@transaction.atomic
def unassign(assignment, *, by, now=None) -> None:
    """Remove an assignment on which nothing has been written yet.

    An excluded sheet stays as the record of the conflict; a sheet with scores or comments stays
    too. Side effects: deletes the Assignment and its empty ScoreSheet, writes a StageEvent.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(assignment.stage)
    refuse_if_closed(locked)
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
    if sheets_with_content(ScoreSheet.objects.filter(pk=assignment.sheet.pk)):
        raise JudgingError(
            _("%(judge)s has already scored %(entry)s; the assignment cannot be removed.")
            % {"judge": assignment.judge.username, "entry": assignment.proposal.innovation_acronym}
        )
    judge, proposal = assignment.judge, assignment.proposal
    assignment.delete()
    log_stage_event(locked, Action.UNASSIGNED, by=by, at=now, judge=judge, proposal=proposal)
