"""The rows of the ranking page, written in Python.

The page shows 250 rows of eleven cells with five judges each; through the template language
(localised number formatting, nested lookups, a {% url %} per row) those rows cost most of the
page. Here each row becomes its <tr> once, with its figures in the active language's decimal
format (like floatformat:2) and every text escaped.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from common.cache import generation
from common.formats import number_formatter
from judging.enums import Decision, TieBreak

# A safety net only: the key below changes with everything the tables show.
GROUPS_CACHE_SECONDS = 600


def groups_cache_key(stage, *, track_id, page, link: bool) -> str | None:
    """The cache key of a ranking page's tables (templates/judging/_ranking_groups.html), or None
    before the first computation. It changes with every computation of the results (each
    submission, reopening or exclusion recomputes, and the sheets' totals and exclusions change
    only then), with the stage's closing (the shortlist buttons), and with the display
    generation of common.cache, renewed on any write of a stage, track, criterion, result,
    shortlist, innovation, agency or user (names, acronyms, judges' usernames, the cut, the
    decisions)."""
    if stage.results_computed_at is None:
        return None
    closed = stage.closed_at.isoformat() if stage.closed_at else "open"
    return (
        f"judging:ranking:{stage.pk}:{stage.results_computed_at.isoformat()}:{closed}:"
        f"{generation()}:{get_language()}:{track_id or 0}:{page}:{int(link)}"
    )


def prepare_rows(groups, *, stage, link: bool) -> None:
    """Set `html` on every row of the ranking groups: the table row (<tr>) as the page shows it,
    every value escaped. Same cells as the table head in templates/judging/ranking.html."""
    fmt = number_formatter()
    excluded = escape(gettext("excluded"))
    discuss = escape(gettext("discuss"))
    not_scored = escape(gettext("not yet scored"))
    base = reverse("judging:entry_detail", kwargs={"stage_id": stage.pk, "proposal_id": 0})
    prefix, _zero, suffix = base.rpartition("0")
    decision_class = {
        Decision.SHORTLISTED: "badge text-bg-success",
        Decision.NOT_SHORTLISTED: "badge text-bg-light border",
        Decision.RANKED: "badge text-bg-primary",
        Decision.NOT_RANKED: "badge text-bg-light border",
    }
    for group in groups:
        for row in group["rows"]:
            acronym = escape(row.proposal.innovation_acronym)
            if link:
                acronym = f'<a href="{prefix}{row.proposal_id}{suffix}">{acronym}</a>'
            cells = [
                f'<td class="text-end fw-semibold">{row.rank or "—"}</td>',
                f"<td>{acronym}"
                f'<div class="small text-muted text-wrap">{escape(row.proposal.agency.name)}</div>'
                "</td>",
            ]
            judges = []
            for username, total, is_excluded in row.sheets:
                name = escape(username)
                if not row.is_scored:
                    judges.append(
                        '<span class="me-2 text-decoration-line-through text-muted">'
                        f"{name} ({excluded})</span>"
                    )
                elif is_excluded:
                    judges.append(
                        '<span class="me-2 text-nowrap d-inline-block text-decoration-line-'
                        f'through text-muted">{name}: {fmt(total) or "—"} ({excluded})</span>'
                    )
                else:
                    judges.append(
                        '<span class="me-2 text-nowrap d-inline-block">'
                        f"{name}: {fmt(total) or '—'}</span>"
                    )
            if row.is_scored:
                flag = f' <span class="badge text-bg-danger">{discuss}</span>'
                tie = ""
                if row.tie_break:
                    strong = (
                        ' class="text-danger fw-semibold"'
                        if row.tie_break == TieBreak.UNRESOLVED
                        else ""
                    )
                    tie = f"<span{strong}>{escape(row.get_tie_break_display())}</span>"
                cells += [
                    f'<td class="text-end">{row.judges_counted}</td>',
                    f'<td class="small">{"".join(judges)}</td>',
                    f'<td class="text-end text-nowrap fw-semibold">{fmt(row.mean)}</td>',
                    f'<td class="text-end text-nowrap">{fmt(row.median)}</td>',
                    f'<td class="text-end text-nowrap">{fmt(row.spread)}'
                    f"{flag if row.spread_flagged else ''}</td>",
                    f'<td class="text-end text-nowrap">{fmt(row.normalised)}</td>',
                    f'<td class="text-end">{fmt(row.heaviest) or "—"}</td>',
                    f'<td class="small">{tie}</td>',
                ]
            else:
                cells += [
                    '<td class="text-end">0</td>',
                    f'<td class="small">{"".join(judges)}</td>',
                    f'<td colspan="6" class="text-muted fst-italic">{not_scored}</td>',
                ]
            if row.decision in decision_class:
                decision = (
                    f'<span class="{decision_class[row.decision]}">'
                    f"{escape(row.get_decision_display())}</span>"
                )
            else:
                decision = '<span class="text-muted small">—</span>'
            cells.append(f"<td>{decision}</td>")
            above = ' class="table-success"' if getattr(row, "above_cut", False) else ""
            # Every value above is escaped or a number.
            row.html = mark_safe(f"<tr{above}>{''.join(cells)}</tr>")  # noqa: S308
