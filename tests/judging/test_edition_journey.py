"""One new edition run from opening to published winners, through HTTP, as each role would: the
organiser creates it in the admin, two agencies submit (one too late), the organiser verifies,
runs the desk evaluation, confirms the shortlist with the mayor's decree, schedules the interviews
and runs them with the mayor on the panel, confirms the final result and publishes it. At each
phase it checks what the organiser, the leadership, the agencies, the judges and an anonymous
visitor see. Time passes between phases by moving the edition's dates (as the calendar would)."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from innovations.enums import ProposalStatus
from innovations.models import Edition, Proposal
from judging.models import Award, FinalResult, Stage, StageResult
from tests.factories import (
    make_agency,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
)
from tests.html_forms import form_with

pytestmark = pytest.mark.django_db
WIB = datetime.timezone(datetime.timedelta(hours=7))


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class People:
    """A signed-in client per person, and an anonymous one."""

    def __init__(self):
        self.organiser = make_organiser("org.journey")
        self.mayor = make_leader("walikota.journey", first_name="Wali", last_name="Kota")
        self.mayor.groups.add(*make_judge().groups.all())  # leadership and on the panel
        self.judges = [make_judge(f"juri.journey{n}") for n in (1, 2)]
        self.agency_a, self.agency_b = make_agency("Dinas Tepat"), make_agency("Dinas Telat")
        self.operator_a = make_operator(self.agency_a, email="a@kota.example")
        self.operator_b = make_operator(self.agency_b, email="b@kota.example")
        self.clients = {}

    def client(self, user) -> Client:
        if user.pk not in self.clients:
            client = Client()
            client.force_login(user)
            self.clients[user.pk] = client
        return self.clients[user.pk]

    @property
    def anonymous(self) -> Client:
        return Client()


def phase_on_the_dashboard(people, user) -> str:
    page = text(people.client(user).get(reverse("dashboard")))
    # The edition's badge, then its timeline (which starts with "Preparation").
    match = re.search(r"KIKS Perjalanan (\w[\w ]*?) Preparation ", page)
    return match.group(1) if match else ""


def create_the_edition(people) -> Edition:
    now = timezone.localtime()
    closes = now + datetime.timedelta(days=3)
    data = {
        "year": now.year,
        "name": "KIKS Perjalanan",
        "slug": "kiks-perjalanan",
        "submission_opens_at_0": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d"),
        "submission_opens_at_1": "08:00:00",
        "submission_closes_at_0": closes.strftime("%Y-%m-%d"),
        "submission_closes_at_1": "16:00:00",
        "verification_closes_at_0": (closes + datetime.timedelta(days=7)).strftime("%Y-%m-%d"),
        "verification_closes_at_1": "16:00:00",
        "min_per_agency": "1",
        "max_per_agency": "",
        "cap_counts_units": "on",
        "min_months_in_operation": "6",
        "tracks-TOTAL_FORMS": "1",
        "tracks-INITIAL_FORMS": "0",
        "tracks-0-name": "Umum",
        "tracks-0-slug": "umum",
        "tracks-0-order": "1",
        "tracks-0-shortlist_size": "1",
        "tracks-0-winner_count": "1",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
    }
    response = people.client(people.organiser).post("/admin/innovations/edition/add/", data)
    assert response.status_code == 302
    return Edition.objects.get(slug="kiks-perjalanan")


def submit_in_the_editor(people, operator, proposal):
    client = people.client(operator)
    url = reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk})
    form = form_with(client.get(url).content.decode(), "innovation-started_on")
    return client.post(url, form.data(press=("action", "submit")), follow=True)


def time_passes(edition, **dates):
    Edition.objects.filter(pk=edition.pk).update(**dates)
    edition.refresh_from_db()


def declare_and_score(people, judge, stage, values):
    client = people.client(judge)
    declare = reverse("judging:declare", kwargs={"stage_id": stage.pk})
    form = form_with(client.get(declare).content.decode(), "sign_pledge")
    data = form.data()
    data.update(confirm_complete=["on"], sign_pledge=["on"])
    assert client.post(declare, data).status_code == 302
    for entry in StageResult.objects.filter(stage=stage):
        url = reverse(
            "judging:sheet", kwargs={"stage_id": stage.pk, "proposal_id": entry.proposal_id}
        )
        form = form_with(client.get(url).content.decode(), "overall_comment")
        data = form.data(press=("submit", "1"))
        for name in list(data):
            if name.startswith("score_"):
                data[name] = [str(values)]
        response = client.post(url, data)
        assert response.status_code == 302, text(response)[:500]


def test_one_edition_from_opening_to_published_winners():
    people = People()
    organiser = people.client(people.organiser)
    edition = create_the_edition(people)
    results_url = reverse("public:results", kwargs={"slug": edition.slug})
    assert phase_on_the_dashboard(people, people.organiser) == "Submission"
    assert people.anonymous.get(results_url).status_code == 404

    on_time, late = agencies_submit(people, edition)
    verification(people, edition, on_time, late)
    desk = desk_evaluation(people, edition, on_time)
    interview = shortlist_and_interviews(people, edition, desk, on_time)
    final_result_published(people, edition, interview, on_time)

    # The finished edition, as an anonymous visitor sees it.
    page = text(people.anonymous.get(results_url))
    assert "Winner (1st)" in page and on_time.innovation_acronym in page
    assert late.innovation_acronym not in page
    assert (
        organiser.get(reverse("judging:final", kwargs={"edition_id": edition.pk})).status_code
        == 200
    )


def agencies_submit(people, edition):
    track = edition.tracks.get()
    on_time = make_proposal(
        edition, agency=people.agency_a, track=track, created_by=people.operator_a
    )
    late = make_proposal(edition, agency=people.agency_b, track=track, created_by=people.operator_b)

    submitted = submit_in_the_editor(people, people.operator_a, on_time)

    assert "Proposal submitted." in " ".join(messages_of(submitted))
    assert Proposal.objects.get(pk=on_time.pk).status == ProposalStatus.SUBMITTED
    # The window closes; Dinas Telat comes too late and is told so.
    time_passes(
        edition,
        submission_closes_at=timezone.now() - datetime.timedelta(minutes=1),
        verification_closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    refused = submit_in_the_editor(people, people.operator_b, late)
    assert f"The submission window of {edition.name} is closed." in text(refused)
    assert Proposal.objects.get(pk=late.pk).status == ProposalStatus.DRAFT
    return on_time, late


def verification(people, edition, on_time, late):
    organiser = people.client(people.organiser)
    assert phase_on_the_dashboard(people, people.organiser) == "Verification"
    assert phase_on_the_dashboard(people, people.mayor) == "Verification"
    board = text(organiser.get(reverse("innovations:compliance_board"), {"edition": edition.slug}))
    assert "1 of 2 obligated agencies have submitted" in board

    response = organiser.post(
        reverse("innovations:organiser_verify", kwargs={"pk": on_time.pk}),
        {"verify-note": "", "verify-expected_status": "submitted"},
        follow=True,
    )

    assert messages_of(response)[0] == f"“{on_time.entry_title}” of Dinas Tepat: Verified."
    assert Proposal.objects.get(pk=on_time.pk).status == ProposalStatus.VERIFIED
    assert phase_on_the_dashboard(people, people.organiser) == "Desk evaluation"
    # The operators see their proposals: verified, and the late one still a draft.
    mine = text(people.client(people.operator_a).get(reverse("innovations:proposal_list")))
    theirs = text(people.client(people.operator_b).get(reverse("innovations:proposal_list")))
    assert f"{on_time.innovation_acronym}" in mine and "Verified" in mine
    assert f"{late.innovation_acronym}" in theirs and "Draft" in theirs


def desk_evaluation(people, edition, on_time) -> Stage:
    organiser = people.client(people.organiser)
    organiser.post(reverse("judging:stage_create"), {"edition": edition.pk, "kind": "desk"})
    desk = Stage.objects.get(edition=edition, order=1)
    panel = [judge.pk for judge in people.judges]
    organiser.post(reverse("judging:panel", kwargs={"stage_id": desk.pk}), {"judges": panel})
    organiser.post(reverse("judging:auto_assign", kwargs={"stage_id": desk.pk}))
    opened = organiser.post(
        reverse("judging:stage_open", kwargs={"stage_id": desk.pk}), follow=True
    )
    assert messages_of(opened)[-1] == "The stage is open. The judges were told by e-mail."
    assert list(desk.results.values_list("proposal_id", flat=True)) == [on_time.pk]

    for judge in people.judges:
        home = text(people.client(judge).get(reverse("judging:judge_home")))
        assert "KIKS Perjalanan · Desk evaluation" in home
        declare_and_score(people, judge, desk, 8)
    organiser.post(reverse("judging:stage_close", kwargs={"stage_id": desk.pk}))
    assert phase_on_the_dashboard(people, people.organiser) == "Shortlist"
    # Leadership reads the ranking, read only.
    ranking = people.client(people.mayor).get(
        reverse("judging:ranking", kwargs={"stage_id": desk.pk})
    )
    assert ranking.status_code == 200 and on_time.innovation_acronym in text(ranking)
    return desk


def shortlist_and_interviews(people, edition, desk, on_time) -> Stage:
    organiser = people.client(people.organiser)
    track = edition.tracks.get()
    url = reverse("judging:shortlist", kwargs={"stage_id": desk.pk, "track_id": track.pk})
    response = organiser.post(
        url,
        {"proposals": [on_time.pk], "decree_number": "061/Kep.1-Org", "decree_date": "2027-03-19",
         "reason": ""},
    )  # fmt: skip
    assert response.status_code == 302
    interview = Stage.objects.get(edition=edition, order=2)
    assert (
        interview.whole_panel,
        list(interview.results.values_list("proposal_id", flat=True)),
    ) == (
        True,
        [on_time.pk],
    )
    panel = [people.mayor.pk, people.judges[0].pk]
    organiser.post(reverse("judging:panel", kwargs={"stage_id": interview.pk}), {"judges": panel})
    day = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    organiser.post(
        reverse("judging:schedule", kwargs={"stage_id": interview.pk}),
        {"proposal": on_time.pk, "day": day, "start": "09:00", "presentation_minutes": "7",
         "interview_minutes": "13", "place": "Balai Kota", "video_link": ""},
    )  # fmt: skip
    organiser.post(reverse("judging:stage_open", kwargs={"stage_id": interview.pk}))
    assert phase_on_the_dashboard(people, people.mayor) == "Presentation and interview"
    # The mayor sits on the panel: sees the slot and scores the finalist.
    mayor_home = text(people.client(people.mayor).get(reverse("judging:judge_home")))
    assert "Balai Kota" in mayor_home
    for judge in (people.mayor, people.judges[0]):
        declare_and_score(people, judge, interview, 9)
    organiser.post(reverse("judging:stage_close", kwargs={"stage_id": interview.pk}))
    # The agency sees that it was shortlisted (the public sees nothing yet: edition not public).
    assert (
        people.anonymous.get(reverse("public:results", kwargs={"slug": edition.slug})).status_code
        == 404
    )
    return interview


def final_result_published(people, edition, interview, on_time):
    organiser = people.client(people.organiser)
    kwargs = {"edition_id": edition.pk}
    assert phase_on_the_dashboard(people, people.organiser) == "Final result"
    organiser.post(
        reverse("judging:final_confirm", kwargs=kwargs),
        {"decree_number": "061/Kep.2-Org", "decree_date": "2027-04-06"},
    )
    organiser.post(
        reverse("judging:award_give", kwargs=kwargs),
        {"proposal": on_time.pk, "kind": "winner_1", "title": ""},
    )
    published = organiser.post(reverse("judging:final_publish", kwargs=kwargs), follow=True)

    assert messages_of(published)[-1] == (
        "Results published: the public pages and the agencies' feedback show them."
    )
    assert FinalResult.objects.get(edition=edition).is_published
    assert Award.objects.get(edition=edition).proposal_id == on_time.pk
    assert not StageResult.objects.filter(stage__edition=edition, decision="pending").exists()
    assert phase_on_the_dashboard(people, people.organiser) == "Published"
    feedback = people.client(people.operator_a).get(
        reverse("judging:feedback", kwargs={"proposal_id": on_time.pk})
    )
    assert feedback.status_code == 200
    home = text(people.anonymous.get(reverse("home")))
    assert f"Winners and shortlist of {edition.name}" in home
