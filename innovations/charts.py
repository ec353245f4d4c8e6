"""The edition's charts on the organiser's and the leadership's dashboards (common.charts): the
proposals handed in over time against the submission deadline, the obligation by agency kind,
and the verification backlog by age. Built from innovations.figures and the compliance board,
each with the table of the same numbers."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.enums import AgencyKind
from common.charts import LINE, Chart, Series
from innovations.compliance import compliance_board
from innovations.figures import AgeCount, DayCount, handed_in_by_day, waiting_by_age
from innovations.models import Edition

DAY_LABEL = "j M"


def submissions_chart(edition: Edition, days: list[DayCount]) -> Chart:
    """The proposals handed in per day and in total, the submission deadline marked."""
    closes = timezone.localdate(edition.submission_closes_at)
    labels = [date_format(row.day, DAY_LABEL) for row in days]
    total = days[-1].total if days else 0
    marker = None
    if any(row.day == closes for row in days):
        marker = {
            "label": date_format(closes, DAY_LABEL),
            "text": _("Submission closes"),
        }
    return Chart(
        key=f"chart-submissions-{edition.pk}",
        title=_("Proposals handed in over time"),
        summary=_("%(total)s proposals handed in by %(day)s; submission closes on %(deadline)s.")
        % {
            "total": total,
            "day": date_format(days[-1].day, "j F Y") if days else "—",
            "deadline": date_format(closes, "j F Y"),
        },
        labels=labels,
        series=[
            Series(_("Handed in, in total"), [row.total for row in days], kind=LINE),
            Series(_("Handed in that day"), [row.count for row in days], colour="grey"),
        ],
        y_title=_("Proposals"),
        whole_numbers=True,
        marker=marker,
        columns=[_("Day"), _("That day"), _("In total")],
        rows=[[date_format(row.day, "j F Y"), row.count, row.total] for row in days],
    )


def compliance_chart(edition: Edition, by_kind: list[tuple[str, int, int]]) -> Chart:
    """The obligated agencies of each kind that meet the obligation and that do not yet."""
    labels = [_kind_label(kind) for kind, _met, _missing in by_kind]
    met = sum(row[1] for row in by_kind)
    obligated = met + sum(row[2] for row in by_kind)
    return Chart(
        key=f"chart-compliance-{edition.pk}",
        title=_("Satu SKPD, satu inovasi: by kind of agency"),
        summary=_("%(met)s of %(obligated)s agencies meet the obligation.")
        % {"met": met, "obligated": obligated},
        labels=labels,
        series=[
            Series(_("Met"), [row[1] for row in by_kind]),
            Series(_("Not met yet"), [row[2] for row in by_kind], colour="amber"),
        ],
        stacked=True,
        horizontal=True,
        y_title=_("Agencies"),
        whole_numbers=True,
        columns=[_("Kind of agency"), _("Met"), _("Not met yet"), _("Obligated")],
        rows=[
            [label, row[1], row[2], row[1] + row[2]]
            for label, row in zip(labels, by_kind, strict=True)
        ],
    )


def backlog_chart(edition: Edition, ages: list[AgeCount]) -> Chart:
    """The proposals waiting for verification by how long they have waited."""
    labels = [_age_label(age) for age in ages]
    waiting = sum(age.count for age in ages)
    over_a_week = sum(age.count for age in ages if age.lowest > 7)
    return Chart(
        key=f"chart-backlog-{edition.pk}",
        title=_("Verification backlog: how long proposals have waited"),
        summary=ngettext(
            "%(count)s proposal waits for verification; %(old)s for more than a week.",
            "%(count)s proposals wait for verification; %(old)s for more than a week.",
            waiting,
        )
        % {"count": waiting, "old": over_a_week},
        labels=labels,
        series=[
            Series(
                _("Waiting for verification"),
                [age.count for age in ages],
                colour="amber",
            )
        ],
        x_title=_("Waiting since handed in"),
        y_title=_("Proposals"),
        whole_numbers=True,
        columns=[_("Waiting since handed in"), _("Proposals")],
        rows=[[label, age.count] for label, age in zip(labels, ages, strict=True)],
    )


def _kind_label(kind: str) -> str:
    return str(AgencyKind(kind).label) if kind in AgencyKind.values else kind


def _age_label(age: AgeCount) -> str:
    if age.highest is None:
        return _("%(days)s days or more") % {"days": age.lowest}
    return _("%(lowest)s–%(highest)s days") % {"lowest": age.lowest, "highest": age.highest}


def edition_charts(edition: Edition, *, handed_in: int, waiting: int, obligated: int, now=None):
    """The dashboard's charts of `edition`, each only when it has something to show: one query
    per chart drawn (the figures given are the dashboard's own, already read)."""
    charts = []
    if handed_in:
        until = timezone.localdate(edition.submission_closes_at)
        charts.append(submissions_chart(edition, handed_in_by_day(edition, until=until)))
    if obligated:
        charts.append(compliance_chart(edition, compliance_board(edition).by_kind()))
    if waiting:
        charts.append(backlog_chart(edition, waiting_by_age(edition, now)))
    return charts
