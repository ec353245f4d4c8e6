"""Writes of the innovations app. The proposal workflow has one entry: `transition_proposal`.

- access: who may change a proposal (`is_agency_operator`, `lock_editable`) and `WorkflowError`;
- workflow: the TRANSITIONS table, `transition_proposal` and its shortcuts, the status e-mail;
- editing: new innovations and proposals, copies, saving a draft;
- attachments: uploading and removing a draft's files;
- editor: what one button of the proposal editor does, in one transaction;
- editions: default sections, saving an edition.

Import from here (`from innovations.services import submit_proposal`); the modules are the
layout, not the interface.
"""

from innovations.services.access import (
    WorkflowError,
    is_agency_operator,
    lock_editable,
    operator_emails,
    require_operator,
)
from innovations.services.attachments import (
    MAX_ATTACHMENTS_PER_PROPOSAL,
    PHOTO_MAX_SIDE,
    THUMBNAIL_MAX_SIDE,
    add_attachment,
    remove_attachment,
)
from innovations.services.editing import (
    INNOVATION_FIELDS,
    MAX_ANSWER_CHARACTERS,
    check_new_entry,
    copy_proposal,
    create_innovation,
    create_proposal,
    entry_fields,
    save_proposal_draft,
    sync_entry_titles,
)
from innovations.services.editions import (
    add_default_sections,
    edition_change_problems,
    register_edition_guard,
    save_edition,
)
from innovations.services.editor import EditorOutcome, save_proposal_edits
from innovations.services.workflow import (
    AGENCY,
    ORGANISER,
    TRANSITIONS,
    Move,
    judging_has_started,
    notify_agency_of_status,
    record_creation,
    reject_proposal,
    request_changes,
    submit_proposal,
    transition_proposal,
    verify_proposal,
    withdraw_proposal,
)

__all__ = [
    "AGENCY",
    "EditorOutcome",
    "INNOVATION_FIELDS",
    "MAX_ANSWER_CHARACTERS",
    "MAX_ATTACHMENTS_PER_PROPOSAL",
    "ORGANISER",
    "PHOTO_MAX_SIDE",
    "THUMBNAIL_MAX_SIDE",
    "TRANSITIONS",
    "Move",
    "WorkflowError",
    "add_attachment",
    "add_default_sections",
    "edition_change_problems",
    "register_edition_guard",
    "check_new_entry",
    "copy_proposal",
    "create_innovation",
    "create_proposal",
    "entry_fields",
    "is_agency_operator",
    "judging_has_started",
    "lock_editable",
    "notify_agency_of_status",
    "operator_emails",
    "record_creation",
    "reject_proposal",
    "remove_attachment",
    "request_changes",
    "require_operator",
    "save_edition",
    "save_proposal_draft",
    "sync_entry_titles",
    "save_proposal_edits",
    "submit_proposal",
    "transition_proposal",
    "verify_proposal",
    "withdraw_proposal",
]
