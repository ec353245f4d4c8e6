import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from judging.services import confirm_final_result, publish_final_result, schedule_slot
from tests.factories import make_leader, make_operator, make_organiser
from tests.judging.finals.helpers import finals

pytestmark = pytest.mark.django_db
WIB = datetime.timezone(datetime.timedelta(hours=7))
DESK = ((8, 6), (6, 8), (7, 7), (5, 9))
INTERVIEW = ((9, 9, 9), (5, 5, 5), (7, 7, 7), (6, 6, 6))


def _scenario(count):
    organiser = make_organiser()
    edition, desk, interview, entries, judges = finals(
        organiser, proposals=count, desk=DESK[:count], interview=INTERVIEW[:count]
    )
    return organiser, edition, desk, interview, entries


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _published(count):
    organiser, edition, desk, interview, entries = _scenario(count)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    publish_final_result(edition, by=organiser, notify=False)
    return organiser, edition, desk, interview, entries


@pytest.mark.parametrize("count", [1, 4])
def test_final_page_query_count(client, django_assert_num_queries, count):
    organiser, edition, _desk, _interview, _entries = _published(count)
    client.force_login(organiser)
    with django_assert_num_queries(FINAL_QUERIES):
        response = client.get(reverse("judging:final", kwargs={"edition_id": edition.pk}))
    assert response.status_code == 200
    assert len([row for g in response.context["groups"] for row in g.rows]) == count


@pytest.mark.parametrize("count", [1, 4])
def test_feedback_page_query_count(client, django_assert_num_queries, count):
    _organiser, _edition, _desk, _interview, entries = _published(count)
    operator = make_operator(entries[0].agency)
    client.force_login(operator)
    with django_assert_num_queries(FEEDBACK_QUERIES):
        response = client.get(reverse("judging:feedback", kwargs={"proposal_id": entries[0].pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_schedule_page_query_count(client, django_assert_num_queries, count):
    from judging.enums import StageKind
    from judging.models import Stage, StageResult
    from judging.services import create_stage
    from tests.factories import make_edition, make_proposal, make_track

    organiser = make_organiser()
    edition = make_edition(open_now=False)
    track = make_track(edition)
    desk = Stage.objects.create(edition=edition, kind=StageKind.DESK, order=1)
    stage = create_stage(edition=edition, kind=StageKind.INTERVIEW, by=organiser)
    for number in range(count):
        proposal = make_proposal(edition, track=track, status="verified")
        StageResult.objects.create(stage=desk, proposal=proposal, decision="shortlisted")
        StageResult.objects.create(stage=stage, proposal=proposal)
        schedule_slot(
            stage,
            proposal=proposal,
            starts_at=datetime.datetime(2031, 6, 7, 9, 0, tzinfo=WIB)
            + datetime.timedelta(minutes=25 * number),
            place="Aula",
            by=organiser,
            notify=False,
        )
    client.force_login(organiser)
    with django_assert_num_queries(SCHEDULE_QUERIES):
        response = client.get(reverse("judging:schedule", kwargs={"stage_id": stage.pk}))
    assert len(response.context["slots"]) == count
    with django_assert_num_queries(SCHEDULE_PRINT_QUERIES):
        response = client.get(reverse("judging:schedule_print", kwargs={"stage_id": stage.pk}))
    assert response.status_code == 200


def test_documents_render_for_organiser_and_leadership(client):
    organiser, edition, desk, interview, entries = _published(2)
    for user in (organiser, make_leader()):
        client.force_login(user)
        for url in (
            reverse("judging:minutes", kwargs={"stage_id": desk.pk}),
            reverse("judging:minutes", kwargs={"stage_id": interview.pk}),
            reverse("judging:final_minutes", kwargs={"edition_id": edition.pk}),
            reverse("judging:kijb_pack", kwargs={"edition_id": edition.pk}),
            reverse("judging:kijb_json", kwargs={"edition_id": edition.pk}),
        ):
            assert client.get(url).status_code == 200, url
    client.force_login(make_operator(entries[0].agency))
    final_url = reverse("judging:final", kwargs={"edition_id": edition.pk})
    assert client.get(final_url).status_code == 403


def test_public_results_show_final_ranking_only_after_publication(client):
    organiser, edition, _desk, _interview, entries = _scenario(2)
    url = reverse("public:results", kwargs={"slug": edition.slug})
    assert client.get(url).context["final_result"] is None
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 6, 14), by=organiser
    )
    assert client.get(url).context["final_result"] is None
    publish_final_result(edition, by=organiser, notify=False)
    response = client.get(url)
    assert response.context["final_result"].decree_number == "9/Kep"
    finals_shown = [e.proposal_id for item in response.context["tracks"] for e in item.final]
    assert finals_shown == [entries[0].pk, entries[1].pk]


FINAL_QUERIES = 11
FEEDBACK_QUERIES = 14
SCHEDULE_QUERIES = 9
SCHEDULE_PRINT_QUERIES = 10
