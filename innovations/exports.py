"""The tables of the organiser's desk exports: the compliance board and an edition's proposals.

Writing them (CSV, Excel, headers in Indonesian, times in WIB, formula escaping) is
common.exports. Rows come from `.values_list(...).iterator(chunk_size=2000)`, so 40,000 proposals
never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import translation
from django.utils.translation import gettext as _

from agencies.enums import AgencyKind
from common.exports import EXPORT_LANGUAGE, Table, wib
from innovations.compliance import ComplianceBoard
from innovations.enums import ProposalStatus
from innovations.models import Proposal, SectionAnswer, agency_only_q

CHUNK_SIZE = 2000


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
        .exclude(agency_only_q())  # drafts are the agency's own (innovations.selectors)
        .order_by("pk")
        .values_list(
            "pk",
            "agency__name",
            "agency__kind",
            "agency__parent__name",
            "innovation_name",
            "innovation_acronym",
            "innovation_expansion",
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
        .exclude(agency_only_q("proposal__"))
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
