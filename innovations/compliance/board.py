"""The compliance board of one edition, read in a bounded number of statements (see the package
docstring): `compliance_board(edition)` and `ComplianceBoard`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery

from agencies.enums import AgencyKind
from agencies.models import Agency
from common.params import page_number
from innovations.compliance.rows import (
    CHUNK_SIZE,
    OBLIGATED,
    OTHERS,
    PAGE_SIZE,
    STATUS_COLUMNS,
    STATUS_MET,
    STATUS_MISSING,
    AgencyRow,
    BoardFilters,
    BoardPage,
    BoardSummary,
    reachable_operators,
)
from innovations.enums import COUNTED_STATUSES
from innovations.models import ComplianceReminder, Edition, Proposal


def _compiled(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


class ComplianceBoard:
    """The board of one edition. Nothing is read until a method asks: `summary()` for the
    totals, `page()` for what one screen shows, `rows()` for every row in board order."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.minimum = edition.min_per_agency

    # --- SQL ---------------------------------------------------------------------------------

    def _board_sql(self) -> tuple[str, list]:
        """`WITH ... board AS (...)`: every active agency with its counted proposals (its own
        and its units') and its section (1 obligated, 2 other, 0 a unit shown in its parent).

        The counted proposals are grouped once per agency (`own`), then credited to the agency
        and to its parent; the database does it in one pass over the edition's proposals.
        """
        own_sql, params = _compiled(
            Proposal.objects.counted()
            .filter(edition=self.edition)
            .order_by()
            .values("agency_id")
            .annotate(n=Count("pk"))
        )
        agency = connection.ops.quote_name(Agency._meta.db_table)
        sql = f"""
WITH own AS ({own_sql}),
credited AS (
    SELECT credit.agency_id, SUM(credit.n) AS counted FROM (
        SELECT own.agency_id, own.n FROM own
        UNION ALL
        SELECT unit.parent_id, own.n FROM own JOIN {agency} unit ON unit.id = own.agency_id
        WHERE unit.parent_id IS NOT NULL
    ) credit
    GROUP BY credit.agency_id
),
board AS (
    SELECT a.id, a.name, a.kind, COALESCE(credited.counted, 0) AS counted,
        CASE WHEN a.is_obligated THEN {OBLIGATED}
             WHEN parent.id IS NULL OR NOT (parent.is_active AND parent.is_obligated)
             THEN {OTHERS} ELSE 0 END AS section
    FROM {agency} a
    LEFT JOIN credited ON credited.agency_id = a.id
    LEFT JOIN {agency} parent ON parent.id = a.parent_id
    WHERE a.is_active
)"""
        return sql, params

    def _listed_sql(self, filters: BoardFilters, section: int) -> tuple[str, list]:
        """The condition on `board b` that keeps the rows of `section` that `filters` list."""
        clauses, params = [f"b.section = {section}"], []
        if section == OTHERS and not filters.shows_others:
            clauses.append("1 = 0")
        elif filters.status == STATUS_MET:
            clauses.append("b.counted >= %s")
            params.append(self.minimum)
        elif filters.status == STATUS_MISSING:
            clauses.append("b.counted < %s")
            params.append(self.minimum)
        agencies = filters.agencies()
        if agencies is not None:
            sub_sql, sub_params = _compiled(agencies)
            clauses.append(f"b.id IN ({sub_sql})")
            params += sub_params
        return " AND ".join(clauses), params

    def _totals_sql(self, filters: BoardFilters) -> tuple[str, list]:
        """The summary's figures over `board b`, in `BoardSummary`'s field order."""
        reachable_sql, reachable_params = _compiled(
            reachable_operators().order_by().values("agency_id")
        )
        obligated_sql, obligated_params = self._listed_sql(filters, OBLIGATED)
        others_sql, others_params = self._listed_sql(filters, OTHERS)
        sql = f"""SELECT
        COUNT(CASE WHEN b.section = {OBLIGATED} THEN 1 END) AS obligated,
        COUNT(CASE WHEN b.section = {OBLIGATED} AND b.counted >= %s THEN 1 END) AS compliant,
        COUNT(CASE WHEN b.section = {OBLIGATED} AND b.counted < %s
            AND b.id NOT IN ({reachable_sql}) THEN 1 END) AS unreachable,
        COUNT(CASE WHEN b.section = {OTHERS} THEN 1 END) AS others,
        COUNT(CASE WHEN b.section = {OTHERS} AND b.kind = %s THEN 1 END) AS perumda,
        COUNT(CASE WHEN {obligated_sql} THEN 1 END) AS obligated_listed,
        COUNT(CASE WHEN {others_sql} THEN 1 END) AS others_listed
    FROM board b"""
        params = [
            self.minimum,
            self.minimum,
            *reachable_params,
            AgencyKind.PERUMDA.value,
            *obligated_params,
            *others_params,
        ]
        return sql, params

    def _listed_rows_sql(
        self, filters: BoardFilters, windows: dict[int, tuple[int, int] | None]
    ) -> tuple[str, list]:
        """The listed rows of both sections as (section, id, met, sort_name), each section cut
        to its window: (limit, offset), or None for all its rows. Board order is `_ORDER`."""
        parts, params = [], []
        for section in (OBLIGATED, OTHERS):
            where, where_params = self._listed_sql(filters, section)
            window = windows[section]
            limit = "" if window is None else " LIMIT %s OFFSET %s"
            parts.append(
                f"""SELECT * FROM (
            SELECT b.section, b.id, CASE WHEN b.counted >= %s THEN 1 ELSE 0 END AS met,
                LOWER(b.name) AS sort_name
            FROM board b WHERE {where}
            ORDER BY met, sort_name, b.id{limit}
        ) section_{section}"""
            )
            # `met` sorts the obligated agencies only; the others (minimum 0) go by name.
            params += [self.minimum if section == OBLIGATED else 0, *where_params]
            if window is not None:
                params += list(window)
        return f"{parts[0]}\n        UNION ALL\n        {parts[1]}", params

    # Board order: obligated agencies (not compliant first, then by name), then the others.
    _ORDER = "listed.section, listed.met, listed.sort_name, listed.id"

    def _order_sql(
        self, filters: BoardFilters, windows: dict[int, tuple[int, int] | None]
    ) -> tuple[str, list]:
        """(section, agency id) of the listed rows in board order."""
        sql, params = self._board_sql()
        listed_sql, listed_params = self._listed_rows_sql(filters, windows)
        sql += f"""
SELECT listed.section, listed.id FROM (
        {listed_sql}
) listed
ORDER BY {self._ORDER}"""
        return sql, params + listed_params

    # --- Reading -----------------------------------------------------------------------------

    def summary(self, filters: BoardFilters | None = None) -> BoardSummary:
        """The totals of the whole edition (one query), and how many rows `filters` list."""
        sql, params = self._board_sql()
        totals_sql, totals_params = self._totals_sql(filters or BoardFilters())
        with connection.cursor() as cursor:
            cursor.execute(f"{sql}\n{totals_sql}", params + totals_params)
            return BoardSummary(*(int(figure or 0) for figure in cursor.fetchone()))

    def by_kind(self) -> list[tuple[str, int, int]]:
        """The obligated agencies by kind as (kind, compliant, not compliant): the summary's
        `compliant` and `obligated` split by kind, over the same board. In AgencyKind order,
        kinds with no agency left out, a kind no longer in AgencyKind last. One query."""
        sql, params = self._board_sql()
        sql += f"""
SELECT b.kind, COUNT(CASE WHEN b.counted >= %s THEN 1 END),
    COUNT(CASE WHEN b.counted < %s THEN 1 END)
FROM board b WHERE b.section = {OBLIGATED}
GROUP BY b.kind"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.minimum, self.minimum])
            counts = {kind: (int(met), int(missing)) for kind, met, missing in cursor.fetchall()}
        order = [kind for kind in AgencyKind.values if kind in counts]
        order += sorted(kind for kind in counts if kind not in AgencyKind.values)
        return [(kind, *counts[kind]) for kind in order]

    def page(
        self,
        filters: BoardFilters | None = None,
        *,
        number=1,
        others_number=1,
        per_page: int = PAGE_SIZE,
    ) -> BoardPage:
        """One page of each section, with the summary. Page numbers as typed in a URL: past
        the end gives the last page, nonsense the first (Paginator.get_page).

        The summary and the two pages' agencies come from one statement (one pass over the
        edition's proposals), then `_rows_of` reads the details: three or four queries in all.
        Only a page number past the end costs one more statement.
        """
        filters = filters or BoardFilters()
        wanted = {OBLIGATED: page_number(number), OTHERS: page_number(others_number)}
        summary, listed = self._summary_and_page(filters, wanted, per_page)
        pages = {
            OBLIGATED: Paginator(range(summary.obligated_listed), per_page).get_page(
                wanted[OBLIGATED]
            ),
            OTHERS: Paginator(range(summary.others_listed), per_page).get_page(wanted[OTHERS]),
        }
        if any(pages[section].number != wanted[section] for section in pages):
            wanted = {section: page.number for section, page in pages.items()}
            summary, listed = self._summary_and_page(filters, wanted, per_page)
        rows = self._rows_of(listed)
        for section, page in pages.items():
            page.object_list = [row for row in rows if row.section == section]
        return BoardPage(summary=summary, obligated=pages[OBLIGATED], others=pages[OTHERS])

    def _summary_and_page(
        self, filters: BoardFilters, numbers: dict[int, int], per_page: int
    ) -> tuple[BoardSummary, list[tuple[int, int]]]:
        """The summary and the (section, id) of the agencies on pages `numbers`: one query,
        the totals repeated on each row (one row of totals alone when the pages are empty)."""
        sql, params = self._board_sql()
        totals_sql, totals_params = self._totals_sql(filters)
        windows = {section: (per_page, (n - 1) * per_page) for section, n in numbers.items()}
        listed_sql, listed_params = self._listed_rows_sql(filters, windows)
        sql += f"""
SELECT totals.*, listed.section, listed.id FROM (
    {totals_sql}
) totals LEFT JOIN (
        {listed_sql}
) listed ON 1 = 1
ORDER BY {self._ORDER}"""
        with connection.cursor() as cursor:
            cursor.execute(sql, params + totals_params + listed_params)
            result = cursor.fetchall()
        width = len(fields(BoardSummary))
        summary = BoardSummary(*(int(figure or 0) for figure in result[0][:width]))
        listed = [(row[width], row[width + 1]) for row in result if row[width + 1] is not None]
        return summary, listed

    def rows(
        self, filters: BoardFilters | None = None, *, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[AgencyRow]:
        """Every row that `filters` list, in board order, read in chunks through a server-side
        cursor (memory stays flat): the export and the reminders."""
        sql, params = self._order_sql(filters or BoardFilters(), {OBLIGATED: None, OTHERS: None})
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(chunk_size):
                yield from self._rows_of(batch)

    def _rows_of(self, listed: Iterable[tuple[int, int]]) -> list[AgencyRow]:
        """The rows of these (section, agency id) pairs, in that order: three queries (four
        with reminders) whatever their number."""
        listed = list(listed)
        ids = [agency_id for _section, agency_id in listed]
        if not ids:
            return []
        last_reminder = (
            ComplianceReminder.objects.filter(edition=self.edition, agency=OuterRef("pk"))
            .order_by("-sent_at", "-id")
            .values("pk")[:1]
        )
        agencies = (
            Agency.objects.filter(pk__in=ids)
            .select_related("parent")
            .annotate(
                has_operator=Exists(reachable_operators().filter(agency=OuterRef("pk"))),
                last_reminder_id=Subquery(last_reminder),
            )
        )
        by_id = {agency.pk: agency for agency in agencies.order_by()}
        rows = {}
        for section, agency_id in listed:
            agency = by_id.get(agency_id)
            if agency is not None:  # gone since the board was read: left out
                rows[agency_id] = AgencyRow(
                    agency=agency,
                    minimum=self.minimum,
                    is_reachable=agency.has_operator,
                    section=section,
                )

        reminder_ids = [a.last_reminder_id for a in by_id.values() if a.last_reminder_id]
        if reminder_ids:
            for reminder in ComplianceReminder.objects.filter(pk__in=reminder_ids).select_related(
                "sent_by"
            ):
                if reminder.agency_id in rows:
                    rows[reminder.agency_id].last_reminder = reminder

        # The proposals of these agencies and of their units, by agency and status, with the
        # last activity: `Proposal.updated_at`, which the services move on every save of the
        # texts, every upload or removal of a file and every change of status.
        groups = (
            Proposal.objects.filter(
                edition=self.edition,
                agency__in=Agency.objects.filter(Q(pk__in=ids) | Q(parent__in=ids)).values("pk"),
            )
            .values("agency_id", "agency__parent_id")
            .annotate(
                last=Max("updated_at"),
                **{status: Count("pk", filter=Q(status=status)) for status in STATUS_COLUMNS},
            )
            .order_by()
        )
        for group in groups:
            counts = {status: group[status] for status in STATUS_COLUMNS}
            counted = sum(counts[status] for status in COUNTED_STATUSES)
            for pk in (group["agency_id"], group["agency__parent_id"]):
                row = rows.get(pk) if pk is not None else None
                if row is None:
                    continue
                row.add_counts(counts, group["last"])
                if pk != group["agency_id"]:
                    row.from_units += counted
        return list(rows.values())

    # --- Shortcuts (tests, the reminders) ----------------------------------------------------

    @cached_property
    def _summary(self) -> BoardSummary:
        return self.summary()

    @property
    def obligated_count(self) -> int:
        return self._summary.obligated

    @property
    def compliant_count(self) -> int:
        return self._summary.compliant

    @property
    def non_compliant_count(self) -> int:
        return self._summary.non_compliant

    @property
    def percent(self) -> int:
        return self._summary.percent

    @property
    def obligated(self) -> list[AgencyRow]:
        """Every obligated row (non-compliant first, then by name): small editions and tests."""
        return [row for row in self.rows() if row.section == OBLIGATED]

    @property
    def others(self) -> list[AgencyRow]:
        """Every row of the agencies not bound by the obligation: small editions and tests."""
        return [row for row in self.rows() if row.section == OTHERS]

    def non_compliant(self) -> Iterator[AgencyRow]:
        return self.rows(BoardFilters(status=STATUS_MISSING))

    def row_for(self, agency_id: int) -> AgencyRow | None:
        """The agency's row, or None when it is not on the board (inactive, a unit shown in
        its parent's row)."""
        found = list(self.rows(BoardFilters(agency_ids=(agency_id,))))
        return found[0] if found else None


def compliance_board(edition: Edition) -> ComplianceBoard:
    """The board of `edition` (lazy: see `ComplianceBoard`)."""
    return ComplianceBoard(edition)
