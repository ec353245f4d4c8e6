"""One "publish results" action makes public everything publication means, with one record of it
that the admin shows and cannot contradict; and once judging has started the edition's window and
its proposals' states stay as judging found them."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from innovations.enums import ProposalStatus
from innovations.models import Edition, Innovation
from innovations.services import WorkflowError, save_edition, submit_proposal, verify_proposal
from judging.models import FinalResult
from judging.services import confirm_final_result, give_award, publish_final_result
from tests.factories import make_operator, make_organiser, make_proposal
from tests.html_forms import form_with
from tests.judging.finals.helpers import finals
from tests.judging.helpers import scenario

pytestmark = pytest.mark.django_db


def published_finals(organiser, *, edition_public: bool):
    edition, desk, interview, (first, second), judges = finals(organiser)
    Edition.objects.filter(pk=edition.pk).update(
        is_published=edition_public,
        # As typed in the admin, to the second.
        submission_opens_at=edition.submission_opens_at.replace(microsecond=0),
        submission_closes_at=edition.submission_closes_at.replace(microsecond=0),
        verification_closes_at=edition.verification_closes_at.replace(microsecond=0),
    )
    edition.refresh_from_db()
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 4, 6), by=organiser
    )
    give_award(edition, proposal=first, kind="winner_1", by=organiser)
    return edition, first, second


def test_publishing_the_results_publishes_all_that_publication_means(client):
    organiser = make_organiser()
    edition, winner, _second = published_finals(organiser, edition_public=False)
    results_url = reverse("public:results", kwargs={"slug": edition.slug})
    innovation_url = reverse("public:innovation", kwargs={"slug": winner.innovation.slug})
    assert client.get(results_url).status_code == 404  # not public yet

    publish_final_result(edition, by=organiser, notify=False)

    assert Edition.objects.get(pk=edition.pk).is_published is True
    results = client.get(results_url)
    assert results.status_code == 200
    assert winner.innovation.acronym in results.content.decode()
    assert client.get(innovation_url).status_code == 200
    assert Innovation.objects.get(pk=winner.innovation_id).public_year == edition.year
    client.force_login(make_operator(winner.agency))
    assert client.get(
        reverse("judging:feedback", kwargs={"proposal_id": winner.pk})
    ).status_code == (200)
    event = AuditEvent.objects.get(action="final.publish")
    assert event.after["edition_made_public"] is True


def test_the_admin_cannot_hide_an_edition_whose_results_are_published(client):
    organiser = make_organiser()
    edition, _winner, _second = published_finals(organiser, edition_public=True)
    publish_final_result(edition, by=organiser, notify=False)
    client.force_login(organiser)
    url = reverse("admin:innovations_edition_change", args=[edition.pk])
    form = form_with(client.get(url).content.decode(), "name")
    data = form.data()
    data.pop("is_published")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"The results of {edition.name} are published: the edition stays public."
    ]
    assert Edition.objects.get(pk=edition.pk).is_published is True
    assert FinalResult.objects.get(edition=edition).is_published


def test_the_admin_saves_an_edition_unchanged(client):
    organiser = make_organiser()
    edition, _winner, _second = published_finals(organiser, edition_public=True)
    before = Edition.objects.filter(pk=edition.pk).values().get()
    client.force_login(organiser)
    url = reverse("admin:innovations_edition_change", args=[edition.pk])

    response = client.post(url, form_with(client.get(url).content.decode(), "name").data())

    assert response.status_code == 302
    assert Edition.objects.filter(pk=edition.pk).values().get() == before


def test_once_judging_started_the_window_stays_and_no_proposal_joins_or_leaves():
    organiser = make_organiser()
    stage, _judges, (entry,) = scenario(organiser, judges=1, proposals=1)
    edition = stage.edition
    late = make_proposal(edition, status=ProposalStatus.SUBMITTED)
    draft = make_proposal(edition)
    operator = make_operator(draft.agency)
    # Still in its verification period: only the start of judging stands in the way.
    Edition.objects.filter(pk=edition.pk).update(
        verification_closes_at=edition.submission_closes_at + datetime.timedelta(days=90)
    )
    edition.refresh_from_db()
    edition.submission_closes_at += datetime.timedelta(days=60)

    with pytest.raises(WorkflowError) as window:
        save_edition(edition)
    with pytest.raises(WorkflowError) as verify:
        verify_proposal(late, by=organiser)
    with pytest.raises(WorkflowError) as submit:
        submit_proposal(draft, by=operator)

    assert window.value.messages == [
        f"Judging of {edition.name} has started: the submission window and the verification "
        "period can no longer change."
    ]
    assert verify.value.messages == [
        "Judging has started: a proposal verified now would miss the desk evaluation."
    ]
    assert "Judging has started: a proposal handed in now would miss the desk evaluation." in (
        submit.value.messages
    )
    assert Edition.objects.get(pk=edition.pk).submission_closes_at < edition.submission_closes_at
    assert list(stage.results.values_list("proposal_id", flat=True)) == [entry.pk]
