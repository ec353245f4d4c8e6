"""Excel and CSV exports of the organiser's desk: the compliance board and an edition's proposals.

- Column headers are in Indonesian whatever the page's language (`translation.override("id")`
  around gettext, English msgids like every other string).
- Times are in WIB; text that a spreadsheet would read as a formula (= + - @, tab, carriage
  return at the start) is escaped with a leading apostrophe: `escape_cell`.
- Rows come from `.values_list(...).iterator(chunk_size=2000)`, so 40,000 proposals never sit in
  memory at once: CSV streams (StreamingHttpResponse); Excel is written by a write-only workbook
  to a temporary file and then sent.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from agencies.enums import AgencyKind
from innovations.compliance import WIB, ComplianceBoard
from innovations.enums import ProposalStatus
from innovations.models import Proposal, SectionAnswer

EXPORT_LANGUAGE = "id"
CHUNK_SIZE = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DATETIME = "%Y-%m-%d %H:%M"
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; the rest as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def wib(value: datetime.datetime | None) -> datetime.datetime | None:
    """An aware time as a naive WIB wall-clock time (what a spreadsheet cell holds)."""
    if value is None:
        return None
    return value.astimezone(WIB).replace(tzinfo=None, microsecond=0)


@dataclass
class Table:
    filename: str  # without extension
    title: str  # the sheet's name
    headers: list[str]
    rows: Iterable[list]


# --- Tables ----------------------------------------------------------------------------------


def compliance_table(board: ComplianceBoard) -> Table:
    """Every agency of the board: obligated ones first (non-compliant first), then the others."""
    with translation.override(EXPORT_LANGUAGE):
        headers = [
            _("Agency"),
            _("Short name"),
            _("Kind"),
            _("Parent agency"),
            _("Bound by the obligation"),
            _("Draft"),
            _("Submitted"),
            _("Changes requested"),
            _("Verified"),
            _("Rejected"),
            _("Counted"),
            _("Minimum"),
            _("Meets the minimum"),
            _("Counted from units"),
            _("Last activity (WIB)"),
            _("Last reminder (WIB)"),
            _("Operator reachable by e-mail"),
        ]
        yes, no = _("Yes"), _("No")
        kinds = {value: str(label) for value, label in AgencyKind.choices}
        title = _("Compliance")

    def rows() -> Iterator[list]:
        for row in board.rows():  # streamed in chunks, never the whole board in memory
            agency = row.agency
            yield [
                agency.name,
                agency.short_name,
                kinds.get(agency.kind, agency.kind),
                agency.parent.name if agency.parent else "",
                yes if agency.is_obligated else no,
                row.draft,
                row.submitted,
                row.changes_requested,
                row.verified,
                row.rejected,
                row.counted,
                row.minimum if agency.is_obligated else None,
                (yes if row.is_compliant else no) if agency.is_obligated else "",
                row.from_units,
                wib(row.last_activity),
                wib(row.last_reminder.sent_at) if row.last_reminder else None,
                yes if row.is_reachable else no,
            ]

    return Table(f"kiks-{board.edition.slug}-kepatuhan", title, headers, rows())


def proposals_table(edition) -> Table:
    """Every proposal of `edition`, one row each, with the word count of every section."""
    sections = list(edition.sections.order_by("order", "pk").values_list("pk", "title"))
    with translation.override(EXPORT_LANGUAGE):
        headers = [
            _("ID"),
            _("Edition"),
            _("Agency"),
            _("Agency kind"),
            _("Parent agency"),
            _("Innovation name"),
            _("Acronym"),
            _("Acronym expansion"),
            _("Track"),
            _("Status"),
            _("Created at (WIB)"),
            _("Submitted at (WIB)"),
            _("Status changed at (WIB)"),
            _("Video link"),
            *[_("Words: %(section)s") % {"section": title} for _pk, title in sections],
            _("Total words"),
        ]
        statuses = {value: str(label) for value, label in ProposalStatus.choices}
        kinds = {value: str(label) for value, label in AgencyKind.choices}
        title = _("Proposals")
    return Table(
        f"kiks-{edition.slug}-usulan",
        title,
        headers,
        _proposal_rows(edition, [pk for pk, _title in sections], statuses, kinds),
    )


def _proposal_rows(edition, section_ids, statuses, kinds) -> Iterator[list]:
    proposals = (
        Proposal.objects.filter(edition=edition)
        .order_by("pk")
        .values_list(
            "pk",
            "agency__name",
            "agency__kind",
            "agency__parent__name",
            "innovation__name",
            "innovation__acronym",
            "innovation__expansion",
            "track__name",
            "status",
            "created_at",
            "submitted_at",
            "status_changed_at",
            "video_url",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )
    # The answers in proposal order beside the proposals: a merge of two sorted streams, two
    # queries in all, never a query per proposal nor every answer in memory.
    answers = (
        SectionAnswer.objects.filter(proposal__edition=edition)
        .order_by("proposal_id")
        .values_list("proposal_id", "section_id", "word_count")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    pending = next(answers, None)
    for (
        pk,
        agency,
        kind,
        parent,
        name,
        acronym,
        expansion,
        track,
        status,
        created_at,
        submitted_at,
        status_changed_at,
        video_url,
    ) in proposals:
        words: dict[int, int] = {}
        while pending is not None and pending[0] < pk:
            pending = next(answers, None)
        while pending is not None and pending[0] == pk:
            words[pending[1]] = pending[2]
            pending = next(answers, None)
        counts = [words.get(section_id, 0) for section_id in section_ids]
        yield [
            pk,
            edition.name,
            agency,
            kinds.get(kind, kind),
            parent or "",
            name,
            acronym,
            expansion,
            track,
            statuses.get(status, status),
            wib(created_at),
            wib(submitted_at),
            wib(status_changed_at),
            video_url,
            *counts,
            sum(words.values()),
        ]


# --- Writers ---------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a stream."""

    def write(self, value):
        return value


def _csv_value(value):
    if isinstance(value, datetime.datetime):
        return value.strftime(CSV_DATETIME)
    if value is None:
        return ""
    return escape_cell(value)


def csv_response(table: Table, *, batch: int = 500) -> StreamingHttpResponse:
    """A streamed CSV file (UTF-8 with a byte-order mark, so that Excel reads it as UTF-8)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([escape_cell(h) for h in table.headers])
        buffer = []
        for row in table.rows:
            buffer.append(writer.writerow([_csv_value(value) for value in row]))
            if len(buffer) >= batch:
                yield "".join(buffer)
                buffer = []
        if buffer:
            yield "".join(buffer)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{table.filename}.csv"
    )
    return response


def write_xlsx(table: Table, target) -> None:
    """Write `table` to `target` (a path or a binary file) with a write-only workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(value):
        cell = WriteOnlyCell(sheet, value=escape_cell(value))
        cell.font = bold
        return cell

    def cell(value):
        if isinstance(value, datetime.datetime):
            dated = WriteOnlyCell(sheet, value=value)
            dated.number_format = XLSX_DATETIME
            return dated
        if isinstance(value, str):
            # Control characters make openpyxl refuse the whole file; they carry no meaning here.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return escape_cell(value)

    sheet.append([header_cell(value) for value in table.headers])
    for row in table.rows:
        sheet.append([cell(value) for value in row])
    workbook.save(target)


def xlsx_response(table: Table) -> FileResponse:
    """The Excel file, built in a temporary file (memory stays flat) and then sent."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_xlsx(table, handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{table.filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
