"""The chart pages: each embeds its chart's data with json_script (exact figures, translated
labels), keeps the table with the same numbers, loads the vendored Chart.js and only shows scores
to those who may read them."""

import datetime
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from agencies.enums import AgencyKind
from innovations.enums import ProposalStatus as S
from innovations.models import Proposal
from judging.models import PanelMember
from judging.services import close_stage
from tests.factories import (
    make_agency,
    make_edition,
    make_edition_in_verification,
    make_leader,
    make_organiser,
    make_proposal,
)
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db

CHART_JS = "/static/vendor/chartjs/chart.umd.min.js"


def chart_data(html: str, key: str):
    """The JSON of the json_script element `key`, or None when the page has none."""
    found = re.search(rf'<script id="{key}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


def text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def english(client):
    client.cookies["kiks_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def edition_with_proposals():
    """Handed in five and four days ago; submission closed two days ago; an obligated Dinas
    without a proposal."""
    now = timezone.now()
    edition = make_edition_in_verification("KIKS Grafik")
    first = make_agency("Dinas Satu")
    district = make_agency("Kecamatan Dua", kind=AgencyKind.KECAMATAN)
    make_agency("Dinas Tiga")
    for agency, status, days in (
        (first, S.SUBMITTED, 5),
        (first, S.VERIFIED, 5),
        (district, S.SUBMITTED, 4),
    ):
        proposal = make_proposal(edition, agency=agency, status=status, complete=False)
        Proposal.objects.filter(pk=proposal.pk).update(
            submitted_at=now - datetime.timedelta(days=days)
        )
    return edition


def test_the_organiser_dashboard_draws_the_editions_figures(
    client, english, edition_with_proposals
):
    edition = edition_with_proposals
    client.force_login(make_organiser())

    html = client.get(reverse("dashboard")).content.decode()

    today = timezone.localdate()
    days = [date_format(today - datetime.timedelta(days=n), "j M") for n in (5, 4, 3, 2)]
    submissions = chart_data(html, f"chart-submissions-{edition.pk}")
    assert submissions["labels"] == days
    assert [(s["label"], s["kind"], s["data"]) for s in submissions["series"]] == [
        ("Handed in, in total", "line", [2, 3, 3, 3]),
        ("Handed in that day", "bar", [2, 1, 0, 0]),
    ]
    assert submissions["marker"] == {"label": days[-1], "text": "Submission closes"}

    compliance = chart_data(html, f"chart-compliance-{edition.pk}")
    assert compliance["labels"] == ["Service (dinas)", "District (kecamatan)"]
    assert [(s["label"], s["data"]) for s in compliance["series"]] == [
        ("Met", [1, 1]),
        ("Not met yet", [1, 0]),
    ]
    assert (compliance["stacked"], compliance["horizontal"]) == (True, True)

    backlog = chart_data(html, f"chart-backlog-{edition.pk}")
    assert backlog["labels"] == ["0–2 days", "3–7 days", "8–14 days", "15 days or more"]
    assert backlog["series"][0]["data"] == [0, 2, 0, 0]

    # The tables with the same numbers, and the canvases that name their data.
    page = text(html)
    assert (
        "Kind of agency Met Not met yet Obligated Service (dinas) 1 1 2 District (kecamatan) 1 0 1"
        in page
    )
    assert "Waiting since handed in Proposals 0–2 days 0 3–7 days 2 8–14 days 0" in page
    first_day = date_format(today - datetime.timedelta(days=5), "j F Y")
    assert f"Day That day In total {first_day} 2 2" in page
    assert f'<canvas data-kiks-chart="chart-backlog-{edition.pk}" role="img"' in html
    assert html.count(f'<script src="{CHART_JS}"></script>') == 1


def test_leadership_reads_the_same_charts(client, english, edition_with_proposals):
    edition = edition_with_proposals
    client.force_login(make_leader())

    html = client.get(reverse("dashboard")).content.decode()

    assert chart_data(html, f"chart-compliance-{edition.pk}")["series"][0]["data"] == [1, 1]
    assert chart_data(html, f"chart-backlog-{edition.pk}")["series"][0]["data"] == [0, 2, 0, 0]


def test_an_operator_dashboard_loads_no_chart(client, edition_with_proposals):
    from tests.factories import make_operator

    client.force_login(make_operator(make_agency("Dinas Empat")))

    html = client.get(reverse("dashboard")).content.decode()

    assert ("data-kiks-chart" in html, CHART_JS in html) == (False, False)


def test_an_empty_edition_draws_no_chart(client):
    edition = make_edition(name="KIKS Kosong")
    client.force_login(make_organiser())

    html = client.get(reverse("dashboard")).content.decode()

    assert "KIKS Kosong" in html
    assert [chart_data(html, f"chart-{kind}-{edition.pk}") for kind in
            ("submissions", "compliance", "backlog")] == [None, None, None]  # fmt: skip


@pytest.mark.parametrize("editions", [1, 3])
def test_dashboard_query_count_does_not_grow_with_proposals(
    client, django_assert_num_queries, editions
):
    organiser = make_organiser()
    for n in range(editions):
        edition = make_edition(name=f"KIKS Hitung {n}")
        for _ in range(1 if editions == 1 else 4):
            make_proposal(edition, status=S.SUBMITTED, complete=False)
    client.force_login(organiser)

    # Seven for the page (session, user, memberships, roles, the editions in progress, the
    # organiser's cards); then per edition: statuses, stages, final result, newer edition,
    # compliance summary, next interview, and one per chart drawn (three).
    with django_assert_num_queries(7 + 9 * editions):
        response = client.get(reverse("dashboard"))

    assert response.content.decode().count("data-kiks-chart=") == 3 * editions


# --- Judging ---------------------------------------------------------------------------------


def scored_stage():
    """Three judges on two entries: totals 54, 80, 100 on the first, 20 and 40 on the second
    (the third judge's sheet of it not submitted)."""
    organiser = make_organiser()
    stage, judges, (first, second) = scenario(organiser, judges=3, proposals=2)
    for judge, values in zip(judges, ((5, 6), (8, 8), (10, 10)), strict=True):
        score(stage, judge, first, values)
    for judge, values in zip(judges[:2], ((2, 2), (4, 4)), strict=True):
        score(stage, judge, second, values)
    return organiser, stage, judges, (first, second)


def test_stage_detail_draws_the_progress_per_judge(client, english):
    organiser, stage, judges, _entries = scored_stage()
    client.force_login(organiser)

    html = client.get(reverse("judging:stage_detail", args=[stage.pk])).content.decode()

    progress = chart_data(html, f"chart-progress-{stage.pk}")
    assert progress["labels"] == sorted(judge.username for judge in judges)
    assert [(s["label"], s["data"]) for s in progress["series"]] == [
        ("Submitted", [2, 2, 1]),
        ("Drafts", [0, 0, 1]),  # a sheet is a draft from its assignment on
        ("Excluded", [0, 0, 0]),
        ("Not started", [0, 0, 0]),
    ]
    # The panel's table beside it: "2 of 2", "1 of 2".
    assert text(html).count(" 2 of 2 ") == 2 and " 1 of 2 " in text(html)
    assert f'<script src="{CHART_JS}"></script>' in html


def test_ranking_draws_the_spread_per_entry_and_per_judge(client, english):
    organiser, stage, judges, (first, second) = scored_stage()
    client.force_login(organiser)
    url = reverse("judging:ranking", args=[stage.pk])

    for _fresh_then_cached in range(2):
        html = client.get(url).content.decode()
        spread = chart_data(html, f"chart-spread-{stage.pk}-{first.track_id}")
        assert spread["labels"] == [first.innovation_acronym, second.innovation_acronym]
        assert [(s["kind"], s["data"]) for s in spread["series"]] == [
            ("bar", [[54.0, 100.0], [20.0, 40.0]]),
            ("point", [78.0, 30.0]),
        ]
        assert (spread["yMin"], spread["yMax"]) == (0, 100)

    # The judges furthest from the panel first: +22, -17, +6.
    leniency = chart_data(html, f"chart-leniency-{stage.pk}")
    assert leniency["labels"] == [judges[2].username, judges[0].username, judges[1].username]
    assert [s["data"] for s in leniency["series"]] == [
        [[100.0, 100.0], [20.0, 54.0], [40.0, 80.0]],
        [100.0, 37.0, 60.0],
    ]
    page = text(html)
    assert f"Entry Lowest Highest Mean {first.innovation_acronym} 54.00 100.00 78.00" in page
    assert f"{judges[0].username} 2 37.00 20.00 54.00" in page  # judge, scored, mean, low, high


def test_the_ranking_charts_follow_who_may_read_the_scores(client):
    organiser, stage, judges, (first, second) = scored_stage()
    key = f"chart-spread-{stage.pk}-{first.track_id}"
    url = reverse("judging:ranking", args=[stage.pk])
    leader_on_panel = make_leader()
    PanelMember.objects.create(stage=stage, judge=leader_on_panel, added_by=organiser)

    client.force_login(make_leader())
    assert chart_data(client.get(url).content.decode(), key)["series"][1]["data"] == [78.0, 30.0]
    for reader in (judges[0], leader_on_panel):  # a judge; a leader judging this open stage
        client.force_login(reader)
        refused = client.get(url)
        assert (refused.status_code, chart_data(refused.content.decode(), key)) == (403, None)

    close_stage(stage, by=organiser)
    assert chart_data(client.get(url).content.decode(), key)["labels"] == [
        first.innovation_acronym,
        second.innovation_acronym,
    ]


def test_ranking_query_count_is_unchanged_by_the_charts(client, django_assert_num_queries):
    organiser, stage, _judges, _entries = scored_stage()
    client.force_login(organiser)

    # As tests/judging/views/test_views.py pins it: the charts read nothing of their own.
    with django_assert_num_queries(14):
        client.get(reverse("judging:ranking", args=[stage.pk]))
