"""Excel and CSV files for download, the same way for every app's exports.

- Column headers are in Indonesian whatever the page's language: build them inside
  `translation.override(EXPORT_LANGUAGE)` around gettext, English msgids like every other string.
- Times are in WIB (`wib`); text that a spreadsheet would read as a formula (= + - @, tab,
  carriage return at the start) is escaped with a leading apostrophe: `escape_cell`.
- Rows are any iterable, read once: CSV streams (StreamingHttpResponse); Excel is written by a
  write-only workbook to a temporary file and then sent, so memory stays flat.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

# Western Indonesian Time: every time the organiser's desk shows or exports.
WIB = ZoneInfo("Asia/Jakarta")

EXPORT_LANGUAGE = "id"
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


def workbook_response(write, filename: str) -> FileResponse:
    """An Excel file written by `write(target)` into a temporary file (memory stays flat), then
    sent as `filename`."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write(handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def xlsx_response(table: Table) -> FileResponse:
    """The table as an Excel file."""
    return workbook_response(lambda target: write_xlsx(table, target), f"{table.filename}.xlsx")
