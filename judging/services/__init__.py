"""Writes of the judging app, one module per part of the competition. Every function here is the
only way its rows change; views call them. Judging outcomes (shortlisted or not) live in
StageResult.decision, never in Proposal.status.

    stages        a stage's life: created, settings, criteria, entries, opened, closed
    conflicts     the judges' declarations and pledge; sheets excluded by a conflict
    assignments   the panel, the balanced automatic assignment (assignment_plan), by hand
    scoring       score sheets: draft, submission, reopening
    shortlists    a track's Top N confirmed with the decree, or changed with a reason
    schedule      interview slots and the finalist's presentation file
    consensus     the panel's consensus note on an entry
    final_result  the stages' weights, the final ranking, its confirmation and publication
    awards        awards and forwarding to KIJB
    editions      a new edition, seeded with its sections, tracks and desk stage
    base          what they share: the refusal (JudgingError), the stage lock, the event log

The results themselves are computed by judging.results (re-exported here for callers).
"""

from judging.results import compute_stage_results
from judging.services.assignments import (
    AssignmentReport,
    assign_judges,
    assign_manually,
    set_panel,
    unassign,
)
from judging.services.awards import forward_to_kijb, give_award, remove_award, withdraw_kijb
from judging.services.base import JudgingError
from judging.services.conflicts import PLEDGE_TEXT, declare_conflicts, sign_pledge
from judging.services.consensus import record_consensus_note
from judging.services.editions import create_edition, edition_problems
from judging.services.final_result import (
    compute_final_results,
    confirm_final_result,
    publish_final_result,
    set_stage_weights,
)
from judging.services.schedule import cancel_slot, schedule_slot, upload_presentation
from judging.services.scoring import reopen_score_sheet, save_score_sheet, submit_score_sheet
from judging.services.shortlists import change_shortlist, confirm_shortlist
from judging.services.stages import (
    add_default_criteria,
    close_stage,
    create_stage,
    open_stage,
    set_criteria,
    update_stage_settings,
)

__all__ = [
    "PLEDGE_TEXT",
    "AssignmentReport",
    "JudgingError",
    "add_default_criteria",
    "assign_judges",
    "assign_manually",
    "cancel_slot",
    "change_shortlist",
    "close_stage",
    "compute_final_results",
    "compute_stage_results",
    "create_edition",
    "edition_problems",
    "confirm_final_result",
    "confirm_shortlist",
    "create_stage",
    "declare_conflicts",
    "forward_to_kijb",
    "give_award",
    "open_stage",
    "publish_final_result",
    "record_consensus_note",
    "reopen_score_sheet",
    "remove_award",
    "save_score_sheet",
    "schedule_slot",
    "set_criteria",
    "set_panel",
    "set_stage_weights",
    "sign_pledge",
    "submit_score_sheet",
    "unassign",
    "update_stage_settings",
    "upload_presentation",
    "withdraw_kijb",
]
