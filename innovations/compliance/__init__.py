"""The obligation "satu SKPD, satu inovasi": the compliance board and the reminders.

`compliance_board(edition)` is the selector (board.py, with the rows, filters and summary of
rows.py); `send_compliance_reminders` is the service that e-mails the agencies that have not met
the obligation yet (reminders.py). Import them from here.

How proposals are counted:
- a proposal counts when its status is one of `COUNTED_STATUSES` (submitted, changes requested,
  verified); drafts, rejected and withdrawn proposals never count;
- a proposal of a unit (an agency with a parent, e.g. a Puskesmas under Dinas Kesehatan) counts
  for its own row and for its parent's row; units that are not bound by the obligation are not
  listed on their own when their parent is on the board (their proposals show in the parent's
  row, see `AgencyRow.from_units`).

How it stays bounded at national scale (thousands of agencies, tens of thousands of proposals):
- the summary (`ComplianceBoard.summary`) is one SQL statement: every agency's counted proposals
  are grouped in the database (one pass over the edition's proposals) and only the totals come
  back to Python;
- a page of the board (`ComplianceBoard.page`) is one statement for the summary and the page's
  agencies in board order (not compliant first, then by name), then the details of those
  agencies only: the agencies themselves, their proposals by status with the last activity, and
  their last reminders. Four queries (three without reminders) whatever the size;
- the last activity is the newest `Proposal.updated_at` of the agency and its units: the
  services move it on every save of the texts (`save_proposal_draft`), every upload or removal
  of a file (`add_attachment`, `remove_attachment`) and every change of status, so the board
  never reads the edition's section texts or files (migration 0005 brought older rows up to
  date);
- every row (`ComplianceBoard.rows`, for the export and the reminders) streams through a
  server-side cursor in chunks of `CHUNK_SIZE` agencies, each chunk costing three or four
  queries.
"""

from innovations.compliance.board import ComplianceBoard, compliance_board
from innovations.compliance.reminders import (
    ReminderResult,
    deadline_wib,
    send_compliance_reminders,
)
from innovations.compliance.rows import (
    CHUNK_SIZE,
    OBLIGATED,
    OTHERS,
    PAGE_SIZE,
    SEARCH_MAX_LENGTH,
    STATUS_ALL,
    STATUS_COLUMNS,
    STATUS_FILTERS,
    STATUS_MET,
    STATUS_MISSING,
    AgencyRow,
    BoardFilters,
    BoardPage,
    BoardSummary,
    reachable_operators,
)

__all__ = [
    "CHUNK_SIZE",
    "OBLIGATED",
    "OTHERS",
    "PAGE_SIZE",
    "SEARCH_MAX_LENGTH",
    "STATUS_ALL",
    "STATUS_COLUMNS",
    "STATUS_FILTERS",
    "STATUS_MET",
    "STATUS_MISSING",
    "AgencyRow",
    "BoardFilters",
    "BoardPage",
    "BoardSummary",
    "ComplianceBoard",
    "ReminderResult",
    "compliance_board",
    "deadline_wib",
    "reachable_operators",
    "send_compliance_reminders",
]
