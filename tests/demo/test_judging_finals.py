import pytest

from demo import agencies as agencies_demo
from demo import innovations as innovations_demo
from demo import judging as demo
from judging.enums import AwardKind
from judging.models import (
    Award,
    ExternalRecognition,
    FinalEntry,
    FinalResult,
    InterviewSlot,
    KijbNomination,
    Score,
)

pytestmark = pytest.mark.django_db


def test_demo_2021_is_a_finished_competition_and_idempotent():
    agencies_demo.load()
    innovations_demo.load()
    demo.load()
    counts = (Score.objects.count(), Award.objects.count(), ExternalRecognition.objects.count())
    demo.load()
    assert (
        Score.objects.count(),
        Award.objects.count(),
        ExternalRecognition.objects.count(),
    ) == counts

    result = FinalResult.objects.get(edition__slug="kiks-2021")
    assert result.is_published
    assert result.decree_number == demo.FINAL_DECREE_NUMBER
    interview = result.edition.stages.get(order=2)
    assert InterviewSlot.objects.filter(stage=interview).count() == interview.results.count()
    assert interview.is_closed
    umum = list(
        FinalEntry.objects.filter(edition=result.edition, track__slug="umum")
        .order_by("rank")
        .values_list("proposal__innovation__acronym", flat=True)
    )
    assert sorted(umum) == sorted(demo.TOP_SIX)
    winners = dict(
        Award.objects.filter(
            edition=result.edition, track__slug="umum", kind__in=AwardKind.values[:3]
        ).values_list("kind", "proposal__innovation__acronym")
    )
    assert winners == {
        AwardKind.WINNER_1: umum[0],
        AwardKind.WINNER_2: umum[1],
        AwardKind.WINNER_3: umum[2],
    }
    # The six go on to the West Java competition.
    assert sorted(
        KijbNomination.objects.values_list("proposal__innovation__acronym", flat=True)
    ) == sorted(demo.TOP_SIX)
    # The whole panel (five judges and the mayor) scored every finalist.
    assert set(interview.assignments.values_list("judge__username", flat=True).distinct()) == {
        *demo.JUDGES,
        "walikota",
    }
    # ... but juri1, of Dinas Kesehatan, never its units' Sicepot (Puskesmas) and Rijari (RSUD).
    assert interview.assignments.count() == 6 * 6 - 2
    assert sorted(
        interview.assignments.filter(judge__username="juri1").values_list(
            "proposal__innovation__acronym", flat=True
        )
    ) == ["Cendol", "One RooF", "Petikemas", "Udunan Online"]
    assert sorted(
        ExternalRecognition.objects.values_list("innovation__acronym", "title", "year")
    ) == [
        ("Bunut FM", "Top 10 Kompetisi Inovasi Jawa Barat 2020", 2020),
        ("Cetek", "Penghargaan inovasi pelayanan publik (inovasi kesehatan gratis)", 2017),
        ("Sikalem", "Top 10 Kompetisi Inovasi Jawa Barat 2020", 2020),
    ]
