"""The edition's journey of tests/judging/test_edition_journey.py in Chromium, with screenshots of
each phase: the organiser reads the timeline and acts in the browser (verification, opening the
stages, the shortlist with its decree, the schedule, the final result, publication), the mayor
sees his slot and scores on his phone-sized page, and a visitor reads the published winners.
Judges' scoring of the desk evaluation goes through the services (the score sheet has its own
browser test)."""

import datetime

import pytest
from django.utils import timezone

from innovations.enums import ProposalStatus
from innovations.models import Proposal
from judging.models import Criterion, FinalResult, Stage
from judging.services import declare_conflicts, submit_score_sheet
from tests.factories import (
    make_agency,
    make_edition,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_track,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def submit_form(page, selector):
    with page.expect_navigation():
        page.click(selector)


def world():
    organiser = make_organiser("panitia.perjalanan")
    mayor = make_leader("walikota.perjalanan", first_name="Wali", last_name="Kota")
    mayor.groups.add(*make_judge().groups.all())
    judge = make_judge("juri.perjalanan")
    now = timezone.now()
    edition = make_edition(
        name="KIKS Perjalanan",
        slug="kiks-perjalanan",
        submission_opens_at=now - datetime.timedelta(days=10),
        submission_closes_at=now - datetime.timedelta(minutes=5),
        verification_closes_at=now + datetime.timedelta(days=5),
    )
    track = make_track(edition, "Umum", shortlist_size=1, winner_count=1)
    agency = make_agency("Dinas Tepat")
    make_operator(agency, "operator.tepat")
    entry = make_proposal(edition, agency=agency, track=track, status=ProposalStatus.SUBMITTED)
    make_proposal(edition, agency=make_agency("Dinas Telat"), track=track)  # never handed in
    return organiser, mayor, judge, edition, track, entry


def score_through_the_services(stage, judges, value):
    for judge in judges:
        declare_conflicts(stage, judge=judge, conflicts={}, pledge_text="Janji")
    criteria = list(Criterion.objects.filter(stage=stage))
    for sheet in [a.sheet for a in stage.assignments.select_related("sheet", "judge")]:
        submit_score_sheet(
            sheet,
            by=sheet.assignment.judge,
            scores={c.pk: (value, "") for c in criteria},
        )


def test_an_edition_from_verification_to_published_winners_in_the_browser(e2e):
    organiser, mayor, judge, edition, track, entry = world()
    org = e2e.page()
    e2e.login(org, organiser.username)

    org.goto(e2e.url + "/dasbor/")
    assert org.locator(f"#overview-{edition.pk}").inner_text() == "KIKS Perjalanan"
    assert "1 proposal still waits for verification" in org.content()
    e2e.shot(org, "journey-01-dashboard-verification")

    org.goto(e2e.url + f"/penyelenggara/usulan/{entry.pk}/")
    submit_form(org, "form:has(textarea[name=verify-note]) button[type=submit]")
    assert Proposal.objects.get(pk=entry.pk).status == ProposalStatus.VERIFIED

    desk = desk_stage_in_the_browser(e2e, org, edition, judge)
    score_through_the_services(desk, [judge], 8)
    org.goto(e2e.url + f"/penyelenggara/penilaian/{desk.pk}/")
    submit_form(org, f"form[action='/penyelenggara/penilaian/{desk.pk}/tutup/'] button")
    shortlist_in_the_browser(e2e, org, desk, track, entry)
    interview = interviews_in_the_browser(e2e, org, edition, mayor, judge, entry)
    score_through_the_services(interview, [mayor, judge], 9)
    org.goto(e2e.url + f"/penyelenggara/penilaian/{interview.pk}/")
    submit_form(org, f"form[action='/penyelenggara/penilaian/{interview.pk}/tutup/'] button")
    final_result_in_the_browser(e2e, org, edition, entry)

    visitor = e2e.page()
    visitor.goto(e2e.url + f"/hasil/{edition.slug}/")
    assert "Winner (1st)" in visitor.content()
    e2e.shot(visitor, "journey-06-public-winners")


def desk_stage_in_the_browser(e2e, org, edition, judge) -> Stage:
    org.goto(e2e.url + "/penyelenggara/penilaian/")
    org.select_option("select[name=edition]", str(edition.pk))
    org.select_option("select[name=kind]", "desk")
    submit_form(org, "form:has(select[name=kind]) button[type=submit]")
    desk = Stage.objects.get(edition=edition, order=1)
    org.goto(e2e.url + f"/penyelenggara/penilaian/{desk.pk}/panel/")
    org.check(f"input[name=judges][value='{judge.pk}']")
    submit_form(org, "form:has(input[name=judges]) button[type=submit]")
    org.goto(e2e.url + f"/penyelenggara/penilaian/{desk.pk}/penugasan/")
    submit_form(
        org, f"form[action='/penyelenggara/penilaian/{desk.pk}/penugasan/otomatis/'] button"
    )
    org.goto(e2e.url + f"/penyelenggara/penilaian/{desk.pk}/")
    submit_form(org, f"form[action='/penyelenggara/penilaian/{desk.pk}/buka/'] button")
    assert Stage.objects.get(pk=desk.pk).is_open
    e2e.shot(org, "journey-02-desk-stage-open")
    return desk


def shortlist_in_the_browser(e2e, org, desk, track, entry):
    org.goto(e2e.url + f"/penyelenggara/penilaian/{desk.pk}/daftar-pendek/{track.pk}/")
    org.fill("input[name=decree_number]", "061/Kep.1-Org/2027")
    org.fill("input[name=decree_date]", "2027-03-19")
    submit_form(org, "form:has(input[name=decree_number]) button[type=submit]")
    assert desk.shortlists.get().decree_number == "061/Kep.1-Org/2027"
    e2e.shot(org, "journey-03-shortlist-confirmed")


def interviews_in_the_browser(e2e, org, edition, mayor, judge, entry) -> Stage:
    interview = Stage.objects.get(edition=edition, order=2)
    org.goto(e2e.url + f"/penyelenggara/penilaian/{interview.pk}/panel/")
    for member in (mayor, judge):
        org.check(f"input[name=judges][value='{member.pk}']")
    submit_form(org, "form:has(input[name=judges]) button[type=submit]")
    org.goto(e2e.url + f"/penyelenggara/penilaian/{interview.pk}/jadwal/")
    day = timezone.localdate() + datetime.timedelta(days=2)
    org.select_option("select[name=proposal]", str(entry.pk))
    org.fill("input[name=day]", day.isoformat())
    org.fill("input[name=start]", "09:00")
    org.fill("input[name=place]", "Balai Kota Sukabumi")
    submit_form(org, "form:has(input[name=place]) button[type=submit]")
    org.goto(e2e.url + f"/penyelenggara/penilaian/{interview.pk}/")
    submit_form(org, f"form[action='/penyelenggara/penilaian/{interview.pk}/buka/'] button")
    phone = e2e.page(viewport={"width": 390, "height": 844})
    e2e.login(phone, mayor.username)
    phone.goto(e2e.url + "/penilaian/")
    assert "Balai Kota Sukabumi" in phone.content()
    e2e.shot(phone, "journey-04-mayor-slot-on-a-phone")
    return interview


def final_result_in_the_browser(e2e, org, edition, entry):
    org.goto(e2e.url + f"/penyelenggara/penilaian/edisi/{edition.pk}/hasil-akhir/")
    org.fill("input[name=decree_number]", "061/Kep.2-Org/2027")
    org.fill("form:has(input[name=decree_number]) input[name=decree_date]", "2027-04-06")
    submit_form(org, "form:has(input[name=decree_number]) button[type=submit]")
    org.select_option("form:has(select[name=kind]) select[name=proposal]", str(entry.pk))
    org.select_option("select[name=kind]", "winner_1")
    submit_form(org, "form:has(select[name=kind]) button[type=submit]")
    submit_form(org, f"form[action='/penyelenggara/penilaian/edisi/{edition.pk}/umumkan/'] button")
    assert FinalResult.objects.get(edition=edition).is_published
    e2e.shot(org, "journey-05-final-result-published")
