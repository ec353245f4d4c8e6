"""Judging: stages, criteria, panels, conflicts, assignments, score sheets, results, shortlists
and the finals. One module per part of the competition; every model is importable from here.

Writes go through judging.services; reads that decide who sees what go through judging.selectors.
"""

from judging.models.finals import (
    Award,
    ExternalRecognition,
    FinalEntry,
    FinalResult,
    InterviewSlot,
    KijbNomination,
)
from judging.models.panels import Assignment, Conflict, ConflictDeclaration, PanelMember
from judging.models.results import Shortlist, ShortlistChange, StageResult
from judging.models.scoring import Score, ScoreSheet
from judging.models.stages import Criterion, Stage, StageEvent

__all__ = [
    "Assignment",
    "Award",
    "Conflict",
    "ConflictDeclaration",
    "Criterion",
    "ExternalRecognition",
    "FinalEntry",
    "FinalResult",
    "InterviewSlot",
    "KijbNomination",
    "PanelMember",
    "Score",
    "ScoreSheet",
    "Shortlist",
    "ShortlistChange",
    "Stage",
    "StageEvent",
    "StageResult",
]
