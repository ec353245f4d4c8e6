"""The series the charts draw (innovations.figures, the compliance board by kind, common.charts):
exact numbers on a small edition, and their totals equal to the figures the tables show."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from agencies.enums import AgencyKind
from common.charts import LINE, POINT, Chart, Series
from innovations.compliance import compliance_board
from innovations.enums import ProposalStatus as S
from innovations.figures import AgeCount, DayCount, handed_in_by_day, waiting_by_age
from innovations.models import Proposal
from tests.factories import make_agency, make_edition, make_proposal

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=WIB)


def handed_in(edition, when, status=S.SUBMITTED, **extra):
    proposal = make_proposal(edition, status=status, complete=False, **extra)
    Proposal.objects.filter(pk=proposal.pk).update(submitted_at=when)
    return proposal


@pytest.fixture
def edition():
    return make_edition(
        submission_opens_at=wib(2021, 2, 1, 8),
        submission_closes_at=wib(2021, 3, 10, 16),
        verification_closes_at=wib(2021, 3, 24, 16),
    )


def test_handed_in_by_day_counts_each_wib_day_and_runs_to_the_deadline(edition):
    handed_in(edition, wib(2021, 3, 8, 10), S.VERIFIED)
    # 06:00 WIB on the 9th is 23:00 UTC on the 8th: the day is the one in Sukabumi.
    handed_in(edition, wib(2021, 3, 9, 6), S.CHANGES_REQUESTED)
    handed_in(edition, wib(2021, 3, 9, 23, 30))
    handed_in(edition, wib(2021, 3, 9, 12), S.REJECTED)  # rejected: not counted
    make_proposal(edition, complete=False)  # a draft: not counted

    days = handed_in_by_day(edition, until=datetime.date(2021, 3, 10))

    assert days == [
        DayCount(datetime.date(2021, 3, 8), 1, 1),
        DayCount(datetime.date(2021, 3, 9), 2, 3),
        DayCount(datetime.date(2021, 3, 10), 0, 3),
    ]
    assert days[-1].total == Proposal.objects.counted().filter(edition=edition).count()


def test_handed_in_by_day_fills_the_quiet_days_and_is_empty_without_proposals(edition):
    assert handed_in_by_day(edition, until=datetime.date(2021, 3, 10)) == []

    handed_in(edition, wib(2021, 3, 1, 9))
    handed_in(edition, wib(2021, 3, 4, 9))

    assert [(d.day.day, d.count, d.total) for d in handed_in_by_day(edition)] == [
        (1, 1, 1), (2, 0, 1), (3, 0, 1), (4, 1, 2),
    ]  # fmt: skip


def test_waiting_by_age_puts_each_waiting_proposal_in_one_bucket(edition):
    now = wib(2021, 3, 20, 12)
    handed_in(edition, wib(2021, 3, 19, 12))  # 1 day
    handed_in(edition, wib(2021, 3, 20, 11))  # an hour
    handed_in(edition, wib(2021, 3, 17, 12))  # exactly 3 days
    handed_in(edition, wib(2021, 3, 6, 12))  # exactly 14 days
    handed_in(edition, wib(2021, 3, 5, 12))  # 15 days
    handed_in(edition, wib(2021, 3, 1, 12), S.VERIFIED)  # verified: not waiting

    ages = waiting_by_age(edition, now)

    assert ages == [AgeCount(0, 2, 2), AgeCount(3, 7, 1), AgeCount(8, 14, 1), AgeCount(15, None, 1)]
    assert (
        sum(age.count for age in ages)
        == Proposal.objects.submitted().filter(edition=edition).count()
    )


def test_compliance_by_kind_splits_the_summary(edition):
    met, missing = make_agency("Dinas A"), make_agency("Dinas B")
    district = make_agency("Kecamatan C", kind=AgencyKind.KECAMATAN)
    unit = make_agency("Puskesmas D", kind=AgencyKind.PUSKESMAS, obligated=False, parent=missing)
    make_agency("Perumda E", kind=AgencyKind.PERUMDA, obligated=False)
    handed_in(edition, wib(2021, 3, 8, 10), agency=met)
    handed_in(edition, wib(2021, 3, 8, 10), S.REJECTED, agency=district)  # does not count
    make_proposal(edition, agency=unit, complete=False)  # a draft of a unit: does not count

    board = compliance_board(edition)
    by_kind = board.by_kind()

    assert by_kind == [(AgencyKind.DINAS, 1, 1), (AgencyKind.KECAMATAN, 0, 1)]
    summary = board.summary()
    assert (sum(r[1] for r in by_kind), sum(r[1] + r[2] for r in by_kind)) == (
        summary.compliant,
        summary.obligated,
    )


def test_a_unit_credits_its_parent_by_kind(edition):
    parent = make_agency("Dinas Kesehatan")
    unit = make_agency("Puskesmas F", kind=AgencyKind.PUSKESMAS, obligated=False, parent=parent)
    handed_in(edition, wib(2021, 3, 8, 10), agency=unit)

    assert compliance_board(edition).by_kind() == [(AgencyKind.DINAS, 1, 0)]


def test_a_chart_spec_is_plain_json_with_ranges_and_marker():
    chart = Chart(
        key="chart-x",
        title="Judul",
        summary="Ringkas",
        labels=["a", "b"],
        series=[
            Series("Rentang", [[Decimal("10.50"), Decimal("90")], None]),
            Series("Rata-rata", [Decimal("50.25"), None], kind=POINT),
            Series("Jumlah", [1, 2], kind=LINE, colour="amber"),
        ],
        marker={"label": "b", "text": "Batas"},
        y_max=100,
    )

    assert chart.spec == {
        "labels": ["a", "b"],
        "series": [
            {"label": "Rentang", "kind": "bar", "colour": "green", "data": [[10.5, 90.0], None]},
            {"label": "Rata-rata", "kind": "point", "colour": "green", "data": [50.25, None]},
            {"label": "Jumlah", "kind": "line", "colour": "amber", "data": [1, 2]},
        ],
        "stacked": False,
        "horizontal": False,
        "xTitle": "",
        "yTitle": "",
        "yMin": None,
        "yMax": 100,
        "wholeNumbers": False,
        "marker": {"label": "b", "text": "Batas"},
        "title": "Judul",
    }
