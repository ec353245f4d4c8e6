"""The charts in a real browser: Chart.js (vendored) draws every canvas of the organiser's
dashboard and of the ranking, under the strict Content-Security-Policy, without a console error,
and without animation for a reader who asked for reduced motion."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.enums import AgencyKind
from innovations.enums import ProposalStatus as S
from innovations.models import Proposal
from tests.factories import (
    make_agency,
    make_edition_in_verification,
    make_organiser,
    make_proposal,
)
from tests.judging.helpers import scenario, score

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Per canvas: a Chart.js instance, its number of data points, and whether any pixel was painted.
DRAWN = """() => Array.from(document.querySelectorAll("canvas[data-kiks-chart]")).map((canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = false;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted = true; break; } }
  return {
    key: canvas.getAttribute("data-kiks-chart"),
    instance: !!chart,
    points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0,
    animation: chart ? chart.options.animation : null,
    painted: painted,
    width: canvas.width,
  };
})"""


def watch(page):
    """The page's console errors, uncaught exceptions and failed loads (a CSP refusal is a
    console error). The browser's own request for /favicon.ico (the site has none) is not the
    page's."""
    errors = []

    def console(message):
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            errors.append(f"{message.text} {url}")

    def response(answer):
        if answer.status >= 400:
            errors.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", response)
    return errors


def an_edition_with_figures():
    now = timezone.now()
    edition = make_edition_in_verification("KIKS Grafik E2E", opened_days_ago=20)
    agencies = [
        make_agency("Dinas Grafik"),
        make_agency("Kecamatan Grafik", kind=AgencyKind.KECAMATAN),
        make_agency("Dinas Tanpa Usulan"),
    ]
    for n, (agency, status) in enumerate(
        [(agencies[0], S.VERIFIED), (agencies[0], S.SUBMITTED), (agencies[1], S.SUBMITTED)]
    ):
        proposal = make_proposal(edition, agency=agency, status=status, complete=False)
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=now - datetime.timedelta(days=10 - 3 * n)
        )
    return edition


def test_the_dashboard_and_the_ranking_draw_their_charts(e2e):
    edition = an_edition_with_figures()
    organiser = make_organiser("penyelenggara.grafik")
    stage, judges, (first, second) = scenario(organiser, judges=3, proposals=2)
    for judge, values in zip(judges, ((5, 6), (8, 8), (10, 10)), strict=True):
        score(stage, judge, first, values)
        score(stage, judge, second, (values[1] - 3, values[0] - 4))

    page = e2e.page()
    errors = watch(page)
    e2e.login(page, "penyelenggara.grafik")
    page.goto(e2e.url + reverse("dashboard"))
    page.wait_for_function("document.querySelectorAll('[data-kiks-chart-drawn]').length >= 3")
    page.wait_for_timeout(600)  # the 400 ms animation ends
    drawn = {chart["key"]: chart for chart in page.evaluate(DRAWN)}
    for kind in ("submissions", "compliance", "backlog"):
        chart = drawn[f"chart-{kind}-{edition.pk}"]
        assert (chart["instance"], chart["painted"]) == (True, True), chart
        assert chart["points"] > 0 and chart["width"] > 100
    page.locator(f"#overview-{edition.pk}").scroll_into_view_if_needed()
    e2e.shot(page, "30-charts-dashboard")

    page.goto(e2e.url + reverse("judging:ranking", args=[stage.pk]))
    page.wait_for_function("document.querySelectorAll('[data-kiks-chart-drawn]').length >= 2")
    page.wait_for_timeout(600)
    drawn = {chart["key"]: chart for chart in page.evaluate(DRAWN)}
    assert set(drawn) == {f"chart-spread-{stage.pk}-{first.track_id}", f"chart-leniency-{stage.pk}"}
    assert all(chart["instance"] and chart["painted"] for chart in drawn.values()), drawn
    # Two entries and three judges, each a range and a mean.
    assert drawn[f"chart-spread-{stage.pk}-{first.track_id}"]["points"] == 4
    assert drawn[f"chart-leniency-{stage.pk}"]["points"] == 6
    e2e.shot(page, "31-charts-ranking")

    assert errors == []


def test_a_reader_who_asked_for_reduced_motion_gets_still_charts(e2e):
    an_edition_with_figures()
    make_organiser("penyelenggara.tenang")
    page = e2e.page()
    page.emulate_media(reduced_motion="reduce")
    errors = watch(page)
    e2e.login(page, "penyelenggara.tenang")
    page.goto(e2e.url + reverse("dashboard"))
    page.wait_for_function("document.querySelectorAll('[data-kiks-chart-drawn]').length >= 3")

    charts = page.evaluate(DRAWN)
    assert [chart["animation"] for chart in charts] == [False, False, False]
    # Drawn at once, with no animation frame to wait for.
    assert all(chart["painted"] for chart in charts)
    assert errors == []
