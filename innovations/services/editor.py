"""What one button of the proposal editor does, in one transaction.

Every button (save, upload, remove a file, submit) first saves what was typed, then does its own
work; a refusal of that work is rolled back alone and reported, so the texts stay saved.
"""

from dataclasses import dataclass, field

from django.db import transaction

from innovations.models import Attachment, Proposal
from innovations.services.access import WorkflowError
from innovations.services.attachments import add_attachment, remove_attachment
from innovations.services.editing import save_proposal_draft
from innovations.services.workflow import submit_proposal


@dataclass
class EditorOutcome:
    """What happened beyond saving the draft: each list holds the reasons of a refusal."""

    proposal: Proposal
    removed: Attachment | None = None
    attached: Attachment | None = None
    submitted: bool = False
    remove_errors: list[str] = field(default_factory=list)
    upload_errors: list[str] = field(default_factory=list)
    submit_errors: list[str] = field(default_factory=list)


@transaction.atomic
def save_proposal_edits(
    proposal: Proposal,
    *,
    by,
    draft: dict,
    remove: Attachment | None = None,
    upload: dict | None = None,
    submit: bool = False,
) -> EditorOutcome:
    """Save the editor's draft, then remove a file, attach one and submit, as asked.

    `draft`: the keyword arguments of `save_proposal_draft` (answers, video_url, track,
    innovation_fields, sdgs); `remove`: a file of the proposal; `upload`: the keyword arguments
    of `add_attachment` (kind, uploaded_file, section, caption); `submit`: submit the proposal
    unless the removal or the upload was refused.
    Side effects: those of the services called, in one transaction. A refused save raises
    WorkflowError and changes nothing; a refused removal, upload or submission is rolled back on
    its own (the draft stays saved) and its reasons are in the outcome.
    """
    outcome = EditorOutcome(proposal=save_proposal_draft(proposal, by=by, **draft))
    if remove is not None:
        try:
            remove_attachment(remove, by=by)
            outcome.removed = remove
        except WorkflowError as error:
            outcome.remove_errors = error.messages
    if upload is not None:
        try:
            outcome.attached = add_attachment(proposal, by=by, **upload)
        except WorkflowError as error:
            outcome.upload_errors = error.messages
    if submit and not (outcome.remove_errors or outcome.upload_errors):
        try:
            submit_proposal(proposal, by=by)
            outcome.submitted = True
        except WorkflowError as error:
            outcome.submit_errors = error.messages
    return outcome
