"""The workbook of the agencies-and-people import: what its sheets and columns are, how an
uploaded file is read (safely: size, zip and row caps, never a 500), and the template the
organiser downloads.

Reading gives plain records; what they mean (create, update, refuse) is decided in
`agencies.imports`.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from agencies.enums import AgencyKind, MembershipRole, Role
from common.errors import DomainError
from common.exports import EXPORT_LANGUAGE

MAX_BYTES = 1024 * 1024  # the uploaded file; 5,000 rows take about 250 kB
MAX_UNZIPPED = 40 * 1024 * 1024  # every part of the workbook, unpacked (a zip bomb stops here)
MAX_ROWS = 5000  # data rows per sheet
MAX_COLUMNS = 30
MAX_CELL = 1000  # characters kept of one cell (every field is shorter; longer is refused)

YES = ("ya", "y", "yes", "true", "benar", "1", "x")
NO = ("tidak", "t", "no", "n", "false", "salah", "0", "-")


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (not a workbook, too large, a sheet missing...)."""


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # accepted headers, normalised; the first is the template's
    required: bool = True

    @property
    def title(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class SheetSpec:
    key: str
    names: tuple[str, ...]  # accepted sheet names, lower case; the first is the template's
    columns: tuple[Column, ...]

    @property
    def title(self) -> str:
        return self.names[0].capitalize()

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


AGENCIES = SheetSpec(
    "agencies",
    ("instansi", "agencies", "agency", "skpd"),
    (
        Column("name", ("nama", "nama instansi", "name")),
        Column("short_name", ("singkatan", "nama singkat", "short name")),
        Column("kind", ("jenis", "jenis instansi", "kind")),
        Column("parent", ("induk", "instansi induk", "parent")),
        Column("is_obligated", ("wajib ikut", "wajib", "obligated", "obligation")),
        Column("is_active", ("aktif", "active")),
    ),
)
PEOPLE = SheetSpec(
    "people",
    ("pengguna", "people", "orang", "users", "akun"),
    (
        Column("name", ("nama", "nama lengkap", "name")),
        Column("email", ("email", "e-mail", "surel", "alamat email", "alamat e-mail")),
        Column("username", ("nama pengguna", "username"), required=False),
        Column("roles", ("peran", "role", "roles")),
        Column("agency", ("instansi", "agency")),
        Column("membership_role", ("peran di instansi", "membership role")),
        Column("is_active", ("aktif", "active")),
    ),
)
SHEETS = (AGENCIES, PEOPLE)
CHOICES_SHEET = "Pilihan"


def normalise(value) -> str:
    """A header or sheet name as compared: lower case, single spaces, no trailing "*"."""
    text = " ".join(str(value or "").replace("_", " ").split()).lower()
    return text.rstrip("*").strip()


def _cell(value):
    """A cell as the planner reads it: text stripped, whole numbers without ".0", booleans kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()[:MAX_CELL]


def _open(content: bytes):
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large: at most %(size)s kB.") % {"size": MAX_BYTES // 1024},
            code="too_large",
        )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ImportFileError(_("The file is not an Excel workbook (.xlsx)."), code="not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNZIPPED:
            raise ImportFileError(
                _("The workbook unpacks to more than %(size)s MB: it cannot be imported.")
                % {"size": MAX_UNZIPPED // (1024 * 1024)},
                code="too_large",
            )
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(
            _("The workbook could not be read: it is damaged or not an .xlsx file."),
            code="unreadable",
        ) from error


def _find_sheet(workbook, spec: SheetSpec):
    for sheet in workbook.worksheets:
        if normalise(sheet.title) in spec.names:
            return sheet
    raise ImportFileError(
        _("The workbook has no sheet “%(sheet)s”.") % {"sheet": spec.title}, code="no_sheet"
    )


def _header_map(header_row, spec: SheetSpec) -> dict[str, int]:
    found = {}
    for index, value in enumerate(header_row):
        name = normalise(value)
        for column in spec.columns:
            if name in column.headers and column.key not in found:
                found[column.key] = index
    missing = [c.title for c in spec.columns if c.required and c.key not in found]
    if missing:
        raise ImportFileError(
            _("The sheet “%(sheet)s” lacks the columns: %(columns)s.")
            % {"sheet": spec.title, "columns": ", ".join(missing)},
            code="no_columns",
        )
    return found


def _too_many(spec: SheetSpec) -> ImportFileError:
    return ImportFileError(
        _("The sheet “%(sheet)s” has more than %(limit)s rows.")
        % {"sheet": spec.title, "limit": MAX_ROWS},
        code="too_many_rows",
    )


def _read_sheet(sheet, spec: SheetSpec) -> list[tuple[int, dict]]:
    """(row number, {column key: value}) of every non-blank row below the header."""
    # Every row is read (the unpacked size bounds them), so none is silently left out.
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header = next(rows, None)
    if header is None:
        raise ImportFileError(
            _("The sheet “%(sheet)s” is empty.") % {"sheet": spec.title}, code="no_columns"
        )
    columns = _header_map(header, spec)
    records = []
    for number, values in enumerate(rows, start=2):
        record = {
            key: _cell(values[index]) if index < len(values) else ""
            for key, index in columns.items()
        }
        if all(value == "" for value in record.values()):
            continue
        if len(records) == MAX_ROWS:
            raise _too_many(spec)
        records.append((number, record))
    return records


def read_workbook(content: bytes) -> dict[str, list[tuple[int, dict]]]:
    """The records of both sheets, {"agencies": [...], "people": [...]}.

    Raises ImportFileError with one message for a file that cannot be imported at all."""
    workbook = _open(content)
    try:
        records = {spec.key: _read_sheet(_find_sheet(workbook, spec), spec) for spec in SHEETS}
    except ImportFileError:
        raise
    except Exception as error:  # a sheet that fails half-way through
        raise ImportFileError(
            _("The workbook could not be read: it is damaged or not an .xlsx file."),
            code="unreadable",
        ) from error
    finally:
        workbook.close()
    if not any(records.values()):
        raise ImportFileError(_("The workbook holds no rows to import."), code="empty")
    return records


# --- the template ----------------------------------------------------------------------------

EXAMPLE_AGENCIES = [
    ["Dinas Kesehatan", "Dinkes", "dinas", "", "ya", "ya"],
    ["Puskesmas Tipar", "PKM Tipar", "puskesmas", "Dinkes", "tidak", "ya"],
]
EXAMPLE_PEOPLE = [
    ["Siti Rahayu", "siti.rahayu@example.go.id", "", "operator", "Dinkes", "operator", "ya"],
    ["Budi Santoso", "budi.santoso@example.go.id", "", "judge", "", "", "ya"],
]


def _choices() -> list[tuple[str, list[tuple[str, str]]]]:
    roles = [Role.OPERATOR, Role.JUDGE, Role.LEADERSHIP]
    return [
        ("jenis", [(kind.value, str(kind.label)) for kind in AgencyKind]),
        ("peran", [(role.value, str(role.label)) for role in roles]),
        ("peran di instansi", [(role.value, str(role.label)) for role in MembershipRole]),
        ("ya / tidak", [("ya", ""), ("tidak", "")]),
    ]


def _write_sheet(sheet, spec: SheetSpec, examples) -> None:
    sheet.append([column.title for column in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in examples:
        sheet.append(row)
    for letter in "ABCDEFG"[: len(spec.columns)]:
        sheet.column_dimensions[letter].width = 28
    sheet.freeze_panes = "A2"


def _validation(sheet, column_letter: str, choices_column: str, count: int) -> None:
    rule = DataValidation(
        type="list",
        formula1=f"{CHOICES_SHEET}!${choices_column}$2:${choices_column}${count + 1}",
        allow_blank=True,
    )
    rule.add(f"{column_letter}2:{column_letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(rule)


def write_template(target) -> None:
    """The template workbook: both sheets with headers and example rows, a sheet of the allowed
    values, and drop-downs on the columns that take one of them."""
    with translation.override(EXPORT_LANGUAGE):
        workbook = Workbook()
        agencies = workbook.active
        agencies.title = AGENCIES.title
        _write_sheet(agencies, AGENCIES, EXAMPLE_AGENCIES)
        people = workbook.create_sheet(PEOPLE.title)
        _write_sheet(people, PEOPLE, EXAMPLE_PEOPLE)
        choices = workbook.create_sheet(CHOICES_SHEET)
        lists = _choices()
        for index, (title, values) in enumerate(lists):
            code_col = 1 + index * 3
            choices.cell(row=1, column=code_col, value=title).font = Font(bold=True)
            choices.cell(row=1, column=code_col + 1, value="arti").font = Font(bold=True)
            for row, (code, label) in enumerate(values, start=2):
                choices.cell(row=row, column=code_col, value=code)
                choices.cell(row=row, column=code_col + 1, value=label)
        # Drop-downs: kind (C of Instansi from A of Pilihan), obligation and active (yes/no, J),
        # role and membership role of Pengguna (D, G).
        counts = {title: len(values) for title, values in lists}
        _validation(agencies, "C", "A", counts["jenis"])
        _validation(agencies, "E", "J", 2)
        _validation(agencies, "F", "J", 2)
        _validation(people, "D", "D", counts["peran"])
        _validation(people, "F", "G", counts["peran di instansi"])
        _validation(people, "G", "J", 2)
        workbook.save(target)
