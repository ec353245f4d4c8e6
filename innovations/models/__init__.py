"""Innovations: editions, innovations, proposals, their answers, files and history. One module
per part; every model (and the helpers the migrations and queries name) is importable from here."""

from agencies.models import Agency
from innovations.models.editions import Edition, EditionQuerySet, SectionTemplate, Track
from innovations.models.innovations import Innovation, SustainableDevelopmentGoal
from innovations.models.proposals import (
    EDITABLE_STATUSES,
    Attachment,
    ComplianceReminder,
    Proposal,
    ProposalQuerySet,
    ProposalStatusChange,
    SectionAnswer,
    agency_only_q,
    attachment_path,
    public_proposal_q,
    thumbnail_path,
)

__all__ = [
    "EDITABLE_STATUSES",
    "Agency",
    "Attachment",
    "ComplianceReminder",
    "Edition",
    "EditionQuerySet",
    "Innovation",
    "Proposal",
    "ProposalQuerySet",
    "ProposalStatusChange",
    "SectionAnswer",
    "SectionTemplate",
    "SustainableDevelopmentGoal",
    "Track",
    "agency_only_q",
    "attachment_path",
    "public_proposal_q",
    "thumbnail_path",
]
