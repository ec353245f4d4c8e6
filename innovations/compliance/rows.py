"""The compliance board's vocabulary: one agency's row, the filters, the summary and a page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.db.models import Q

from agencies.enums import AgencyKind, MembershipRole
from agencies.models import Agency, Membership
from innovations.enums import COUNTED_STATUSES
from innovations.enums import ProposalStatus as S
from innovations.models import ComplianceReminder

# The per-status counts kept for each row, in the board's column order.
STATUS_COLUMNS = (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.VERIFIED, S.REJECTED)

# The board's two sections: agencies bound by the obligation, and the others (Perumda, units
# whose parent is not on the board...). Units under an obligated parent are in neither.
OBLIGATED, OTHERS = 1, 2

PAGE_SIZE = 100  # agencies per page and section
CHUNK_SIZE = 500  # agencies per round trip when every row is read (export, reminders)

# The compliance filter: every obligated agency, only those below the minimum, only the others.
STATUS_ALL, STATUS_MISSING, STATUS_MET = "", "missing", "met"
STATUS_FILTERS = (STATUS_MISSING, STATUS_MET)
SEARCH_MAX_LENGTH = 100

_KIND_LABELS = dict(AgencyKind.choices)  # lazy labels: translated when shown


def reachable_operators():
    """Active operator memberships whose user can receive e-mail (as `operator_emails`)."""
    return (
        Membership.objects.active()
        .filter(role=MembershipRole.OPERATOR, user__is_active=True)
        .exclude(user__email="")
    )


@dataclass
class AgencyRow:
    """One agency on the board: its own proposals plus its units'."""

    agency: Agency
    minimum: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_COLUMNS, 0))
    from_units: int = 0  # counted proposals that came from units under this agency
    last_activity: datetime.datetime | None = None
    last_reminder: ComplianceReminder | None = None
    is_reachable: bool = False
    section: int = OBLIGATED

    @property
    def kind_label(self) -> str:
        """The agency's kind as people read it (one lookup: `get_kind_display` builds the whole
        choice list for every call, which a page of 100 rows feels)."""
        return _KIND_LABELS.get(self.agency.kind, self.agency.kind)

    @property
    def draft(self) -> int:
        return self.counts[S.DRAFT]

    @property
    def submitted(self) -> int:
        return self.counts[S.SUBMITTED]

    @property
    def changes_requested(self) -> int:
        return self.counts[S.CHANGES_REQUESTED]

    @property
    def verified(self) -> int:
        return self.counts[S.VERIFIED]

    @property
    def rejected(self) -> int:
        return self.counts[S.REJECTED]

    @property
    def counted(self) -> int:
        return sum(self.counts[status] for status in COUNTED_STATUSES)

    @property
    def is_compliant(self) -> bool:
        return self.counted >= self.minimum

    @property
    def missing(self) -> int:
        return max(self.minimum - self.counted, 0)

    def add_counts(self, counts: dict[str, int], last: datetime.datetime | None) -> None:
        for status in STATUS_COLUMNS:
            self.counts[status] += counts.get(status, 0)
        self.touch(last)

    def touch(self, when: datetime.datetime | None) -> None:
        if when is not None and (self.last_activity is None or when > self.last_activity):
            self.last_activity = when


@dataclass(frozen=True)
class BoardFilters:
    """What the list shows. The summary's totals never depend on it.

    `status`: "" (every agency), `STATUS_MISSING` or `STATUS_MET`; either of the last two lists
    obligated agencies only. `kind` an `AgencyKind` value or ""; `search` part of the agency's
    name or short name, any case. `agency_ids` restricts to those agencies (the reminders).
    """

    kind: str = ""
    status: str = STATUS_ALL
    search: str = ""
    agency_ids: tuple[int, ...] | None = None

    @classmethod
    def from_query(cls, query) -> BoardFilters:
        """The filters of a request's GET parameters; unknown values mean "no filter"."""
        kind = query.get("kind", "")
        status = query.get("status", "")
        if not status and query.get("missing") == "1":  # the board's former parameter
            status = STATUS_MISSING
        return cls(
            kind=kind if kind in AgencyKind.values else "",
            status=status if status in STATUS_FILTERS else STATUS_ALL,
            search=" ".join(query.get("q", "").split())[:SEARCH_MAX_LENGTH],
        )

    @property
    def shows_others(self) -> bool:
        return not self.status

    def agencies(self):
        """The agencies that kind, search and ids keep (ids only), or None for every agency."""
        if not (self.kind or self.search or self.agency_ids is not None):
            return None
        agencies = Agency.objects.order_by()
        if self.kind:
            agencies = agencies.filter(kind=self.kind)
        if self.search:
            agencies = agencies.filter(
                Q(name__icontains=self.search) | Q(short_name__icontains=self.search)
            )
        if self.agency_ids is not None:
            agencies = agencies.filter(pk__in=self.agency_ids)
        return agencies.values("pk")


@dataclass(frozen=True)
class BoardSummary:
    """The board's totals for the whole edition, whatever the filters and the page."""

    obligated: int  # agencies bound by the obligation
    compliant: int  # ... that meet the minimum
    unreachable: int  # ... that do not, and have no operator reachable by e-mail
    others: int  # agencies on the board not bound by it
    perumda: int  # ... of which city-owned companies
    obligated_listed: int  # obligated agencies that the filters keep
    others_listed: int  # other agencies that the filters keep

    @property
    def non_compliant(self) -> int:
        return self.obligated - self.compliant

    @property
    def remindable(self) -> int:
        """Obligated agencies not compliant yet that a reminder can reach (an operator's e-mail)."""
        return self.non_compliant - self.unreachable

    @property
    def percent(self) -> int:
        """Share of obligated agencies meeting the minimum, rounded down (100 only when all do)."""
        if not self.obligated:
            return 0
        return self.compliant * 100 // self.obligated


@dataclass
class BoardPage:
    """One page of each section, with the summary."""

    summary: BoardSummary
    obligated: Page  # object_list: the AgencyRows of this page
    others: Page
