"""A stage's charts (common.charts): the judging progress per judge on the stage's page, and on
the ranking the spread of the totals per entry and per judge (leniency). Built from the rows the
pages' tables show (panel_progress, ranking_rows, judge_statistics): no query of their own.

The ranking's charts show every judge's totals: they are drawn only on the ranking page, which
only those who may read the stage's results reach (judging.selectors.visibility).
"""

from django.utils.translation import gettext as _

from common.charts import POINT, Chart, Series
from common.formats import cents, number

TOTAL_RANGE = (0, 100)  # a judge's total (judging.results): 0 to 100


def _name(judge) -> str:
    return judge.get_full_name() or judge.username


def progress_chart(stage, progress) -> Chart:
    """Each judge's sheets: submitted, in draft, excluded and not started, of those assigned.
    The panel's table on the same page shows these figures."""
    not_started = [
        max(row.assigned - row.submitted - row.drafts - row.excluded, 0) for row in progress
    ]
    submitted = sum(row.submitted for row in progress)
    assigned = sum(row.assigned for row in progress)
    return Chart(
        key=f"chart-progress-{stage.pk}",
        title=_("Judging progress per judge"),
        summary=_("%(submitted)s of %(assigned)s score sheets submitted.")
        % {"submitted": submitted, "assigned": assigned},
        labels=[_name(row.judge) for row in progress],
        series=[
            Series(_("Submitted"), [row.submitted for row in progress]),
            Series(_("Drafts"), [row.drafts for row in progress], colour="blue"),
            Series(_("Excluded"), [row.excluded for row in progress], colour="red"),
            Series(_("Not started"), not_started, colour="grey"),
        ],
        stacked=True,
        horizontal=True,
        y_title=_("Score sheets"),
        whole_numbers=True,
    )


def leniency_chart(stage, judge_stats) -> Chart:
    """Each judge's lowest to highest total as a bar, their mean as a mark: who scores high,
    who low, who uses the whole scale. The judges' table on the ranking shows these figures."""
    shown = list(judge_stats)
    scored = [row for row in shown if row.scored]
    return Chart(
        key=f"chart-leniency-{stage.pk}",
        title=_("Totals per judge: lowest to highest, and the mean"),
        summary=_(
            "%(judges)s judges with submitted sheets; their means run from %(low)s to %(high)s."
        )
        % {
            "judges": len(scored),
            "low": number(min((row.mean for row in scored), default=None)) or "—",
            "high": number(max((row.mean for row in scored), default=None)) or "—",
        },
        labels=[_name(row.judge) for row in shown],
        series=[
            Series(
                _("Lowest to highest total"),
                [_range(row.lowest, row.highest) for row in shown],
                colour="grey",
            ),
            Series(_("Mean total"), [row.mean for row in shown], kind=POINT),
        ],
        horizontal=True,
        y_title=_("Total (0–100)"),
        y_min=TOTAL_RANGE[0],
        y_max=TOTAL_RANGE[1],
    )


def spread_chart(stage, group) -> Chart:
    """A track's entries on this page of the ranking, in ranking order: the lowest to highest
    total of the judges whose sheets count, and the mean. With its own table (the ranking's
    table lists every total but not the lowest and highest)."""
    rows = [row for row in group["rows"] if row.is_scored]
    ranges = [_counted_range(row) for row in rows]
    labels = [row.proposal.innovation_acronym for row in rows]
    flagged = sum(1 for row in rows if row.spread_flagged)
    return Chart(
        key=f"chart-spread-{stage.pk}-{group['track'].pk}",
        title=_("%(track)s: the judges' totals per entry") % {"track": group["track"].name},
        summary=_(
            "%(entries)s scored entries; %(flagged)s with a disagreement above the threshold."
        )
        % {"entries": len(rows), "flagged": flagged},
        labels=labels,
        series=[
            Series(_("Lowest to highest total"), ranges, colour="grey"),
            Series(_("Mean"), [row.mean for row in rows], kind=POINT),
        ],
        y_title=_("Total (0–100)"),
        y_min=TOTAL_RANGE[0],
        y_max=TOTAL_RANGE[1],
        columns=[_("Entry"), _("Lowest"), _("Highest"), _("Mean")],
        rows=[
            [label, low_high[0] if low_high else None, low_high[1] if low_high else None, row.mean]
            for label, low_high, row in zip(labels, ranges, rows, strict=True)
        ],
    )


def _range(low, high):
    return None if low is None or high is None else [low, high]


def _counted_range(row):
    """[lowest, highest] of the totals that count (submitted, not excluded), or None; to two
    decimals as the ranking shows figures (a sheet keeps four)."""
    totals = [
        cents(sheet.total) for sheet in row.sheets if not sheet.excluded and sheet.total is not None
    ]
    return [min(totals), max(totals)] if totals else None
