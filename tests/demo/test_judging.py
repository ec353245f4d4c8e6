import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from demo import agencies as agencies_demo
from demo import innovations as innovations_demo
from demo import judging as demo
from judging.enums import Decision
from judging.models import Assignment, Score, Shortlist, Stage, StageResult

pytestmark = pytest.mark.django_db


def test_without_kiks_2021_nothing_happens():
    agencies_demo.load()

    demo.load()

    assert Stage.objects.exists() is False


def test_demo_2021_desk_stage_and_current_stage_idempotent():
    agencies_demo.load()
    innovations_demo.load()

    demo.load()
    counts = (Stage.objects.count(), Assignment.objects.count(), Score.objects.count())
    demo.load()

    assert (Stage.objects.count(), Assignment.objects.count(), Score.objects.count()) == counts
    desk = Stage.objects.get(edition__slug="kiks-2021", order=1)
    assert desk.is_closed
    umum = (
        StageResult.objects.filter(stage=desk, proposal__track__slug="umum")
        .order_by("rank")
        .values_list("proposal__innovation__acronym", "decision")
    )
    top = list(umum[:6])
    assert sorted(acronym for acronym, _decision in top) == sorted(demo.TOP_SIX)
    assert {decision for _acronym, decision in top} == {Decision.SHORTLISTED}
    assert umum[6][1] == Decision.NOT_SHORTLISTED
    shortlist = Shortlist.objects.get(stage=desk, track__slug="umum")
    assert (shortlist.decree_number, shortlist.changes.count()) == (demo.DECREE_NUMBER, 1)
    # juri1 works at Dinas Kesehatan: never its proposals nor its units' (RSUD, Puskesmas...).
    juri1 = Assignment.objects.filter(stage=desk, judge__username="juri1")
    assert juri1.filter(proposal__agency__slug="dinkes").exists() is False
    assert juri1.filter(proposal__agency__parent__slug="dinkes").exists() is False
    loads = {
        Assignment.objects.filter(stage=desk, judge__username=name).count() for name in demo.JUDGES
    }
    assert max(loads) - min(loads) <= 1
    assert StageResult.objects.filter(stage=desk, spread_flagged=True).count() == 1
    # Only the Top Six present and are interviewed (the article's six, not a track's more).
    interview = Stage.objects.get(edition__slug="kiks-2021", order=2)
    assert sorted(interview.results.values_list("proposal__innovation__acronym", flat=True)) == (
        sorted(demo.TOP_SIX)
    )
    # In the order of the article of 22 March 2021: the Top Six known by then.
    assert desk.closed_at.date() < shortlist.confirmed_at.date() == datetime.date(2021, 3, 19)
    assert shortlist.decree_date <= datetime.date(2021, 3, 22)
    current = Stage.objects.exclude(edition__slug="kiks-2021").get()
    assert (current.opened_at, current.panel.count()) == (None, 5)
    assert current.criteria.aggregate(total=Sum("weight"))["total"] == Decimal(100)
