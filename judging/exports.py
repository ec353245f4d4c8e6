"""The selection export (Excel, write-only workbook) and the KIJB forwarding pack (JSON).

The selection export justifies any selection of an edition: one sheet per stage with every
judge's score on every criterion of every entry, the judge's total and normalised total, whether
the sheet counted (excluded sheets with their reason), and the entry's mean, median, spread,
normalised score, rank, tie-break and decision, exactly as the ranking page shows them; then the
conflicts of interest, and the final result. Headers in Indonesian, like the desk's exports;
text a spreadsheet would run as a formula is escaped (innovations.exports.escape_cell).
"""

import datetime
from decimal import Decimal

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from common.exports import EXPORT_LANGUAGE, escape_cell, wib, workbook_response
from judging.enums import SheetStatus
from judging.models import Conflict, Criterion, FinalResult, ScoreSheet, Stage
from judging.selectors import final_rows, ranking_rows


def _number(text):
    return Decimal(text) if text else None


def _value(value):
    if isinstance(value, datetime.datetime):
        return wib(value)
    if isinstance(value, str):
        return escape_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _stage_rows(stage, criteria) -> tuple[list[str], list[list]]:
    headers = [
        _("Track"),
        _("Innovation"),
        _("Agency"),
        _("Judge"),
        *[f"{c.name} ({c.weight.normalize():f}%)" for c in criteria],
        _("Judge's total"),
        _("Judge's normalised total"),
        _("Counted"),
        _("Why excluded"),
        _("Mean"),
        _("Median"),
        _("Spread"),
        _("Normalised score"),
        _("Rank"),
        _("Tie broken by"),
        _("Decision"),
        _("Decree reference"),
    ]
    sheets: dict[int, list[ScoreSheet]] = {}
    for sheet in (
        ScoreSheet.objects.filter(assignment__stage=stage)
        .select_related("assignment__judge")
        .prefetch_related("scores")
        .order_by("assignment__judge__username", "pk")
    ):
        sheets.setdefault(sheet.assignment.proposal_id, []).append(sheet)
    rows = []
    for entry in ranking_rows(stage):
        figures = [
            entry.mean,
            entry.median,
            entry.spread,
            entry.normalised,
            entry.rank,
            entry.get_tie_break_display() if entry.tie_break else "",
            entry.get_decision_display(),
            entry.decree_ref,
        ]
        identity = [
            entry.proposal.track.name,
            entry.proposal.innovation_acronym,
            entry.proposal.agency.name,
        ]
        own = sheets.get(entry.proposal_id, [])
        if not own:
            rows.append([*identity, "", *[None] * len(criteria), None, None, "", "", *figures])
        for sheet in own:
            values = {score.criterion_id: score.value for score in sheet.scores.all()}
            counted = sheet.status == SheetStatus.SUBMITTED and not sheet.excluded
            rows.append(
                [
                    *identity,
                    sheet.assignment.judge.get_username(),
                    *[values.get(c.pk) for c in criteria],
                    sheet.total,
                    sheet.normalised,
                    _("yes") if counted else _("no"),
                    sheet.excluded_reason
                    if sheet.excluded
                    else ("" if counted else str(sheet.get_status_display())),
                    *figures,
                ]
            )
    return headers, rows


def selection_workbook(edition, target) -> None:
    """Write the edition's selection export to `target` (a binary file)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def add(title, headers, rows):
        sheet = workbook.create_sheet(title=title[:31])
        sheet.freeze_panes = "A2"
        header = []
        for value in headers:
            cell = WriteOnlyCell(sheet, value=_value(str(value)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([_value(value) for value in row])

    with translation.override(EXPORT_LANGUAGE):
        for stage in Stage.objects.filter(edition=edition).order_by("order"):
            criteria = list(Criterion.objects.filter(stage=stage).order_by("order", "pk"))
            headers, rows = _stage_rows(stage, criteria)
            add(f"{stage.order}. {stage.get_kind_display()}", headers, rows)
        add(
            _("Conflicts"),
            [_("Judge"), _("Agency"), _("Innovation"), _("Source"), _("Reason"), _("Recorded")],
            [
                [
                    c.judge.get_username(),
                    c.agency.name if c.agency else (c.proposal.agency.name if c.proposal else ""),
                    c.proposal.innovation_acronym if c.proposal else "",
                    c.get_source_display(),
                    c.reason,
                    c.recorded_at,
                ]
                for c in Conflict.objects.filter(edition=edition)
                .select_related("judge", "agency", "proposal__innovation", "proposal__agency")
                .order_by("judge__username", "recorded_at")
            ],
        )

        result = FinalResult.objects.filter(edition=edition).first()
        stages = list(Stage.objects.filter(edition=edition).order_by("order"))
        add(
            _("Final result"),
            [
                _("Track"),
                _("Innovation"),
                _("Agency"),
                *[f"{s.get_kind_display()} ({s.weight.normalize():f}%)" for s in stages],
                _("Final score"),
                _("Final rank"),
                _("Tie broken by"),
                _("Awards"),
                _("Forwarded to KIJB"),
                _("Decree reference"),
            ],
            [
                [
                    row.track.name,
                    row.proposal.innovation_acronym,
                    row.proposal.agency.name,
                    *[_number(row.stage_scores.get(str(s.pk))) for s in stages],
                    row.score,
                    row.rank,
                    row.get_tie_break_display() if row.tie_break else "",
                    ", ".join(award.label for award in row.proposal.awards.all()),
                    row.proposal.kijb.forwarded_on if hasattr(row.proposal, "kijb") else "",
                    result.decree_ref if result else "",
                ]
                for row in final_rows(edition)
            ],
        )
    workbook.save(target)


def selection_response(edition) -> FileResponse:
    return workbook_response(
        lambda target: selection_workbook(edition, target), f"seleksi-{edition.slug}.xlsx"
    )
