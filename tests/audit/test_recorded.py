"""What writes the audit log: score sheets, shortlists and role changes (proposal status changes
are covered in tests/innovations/test_workflow.py). The log cannot be changed from the admin."""

import datetime

import pytest
from django.contrib.auth.models import Group

from agencies.enums import MembershipRole, Role
from agencies.models import Membership
from audit.models import AuditEvent
from judging.models import Assignment
from judging.services import change_shortlist, close_stage, confirm_shortlist, reopen_score_sheet
from tests.factories import make_agency, make_operator, make_organiser, make_user
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db
DECREE_DATE = datetime.date(2021, 6, 14)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_submitting_and_reopening_a_score_sheet_is_logged():
    organiser = make_organiser()
    stage, (judge, _other), (proposal,) = scenario(organiser, judges=2, proposals=1)

    sheet = score(stage, judge, proposal, (7, 8))
    reopen_score_sheet(sheet, by=organiser, reason="Salah ketik nilai")

    (submitted,) = _events("scoresheet.submit")
    assert (submitted.actor, submitted.object_type, submitted.object_id) == (
        judge,
        "judging.scoresheet",
        str(sheet.pk),
    )
    assert submitted.after == {"status": "submitted"}
    (reopened,) = _events("scoresheet.reopen")
    assert (reopened.actor, reopened.object_id, reopened.note) == (
        organiser,
        str(sheet.pk),
        "Salah ketik nilai",
    )
    assert (reopened.before, reopened.after) == ({"status": "submitted"}, {"status": "draft"})


def test_confirming_and_changing_a_shortlist_is_logged():
    organiser = make_organiser()
    stage, judges, (a, b, c) = scenario(organiser, judges=2, proposals=3, shortlist_size=2)
    for proposal, values in zip((a, b, c), [(9, 9), (8, 8), (7, 7)], strict=True):
        make_operator(proposal.agency)
        for judge in judges:
            score(stage, judge, proposal, values)
    close_stage(stage, by=organiser)

    shortlist = confirm_shortlist(
        stage, track=a.track, proposal_ids=[a.pk, b.pk], decree_number="800/117/Org",
        decree_date=DECREE_DATE, by=organiser, notify=False,
    )  # fmt: skip
    change_shortlist(
        shortlist, proposal_ids=[a.pk, c.pk], reason="Keberatan uji publik diterima", by=organiser
    )

    (confirmed,) = _events("shortlist.confirm")
    assert (confirmed.actor, confirmed.object_type, confirmed.object_id) == (
        organiser,
        "judging.shortlist",
        str(shortlist.pk),
    )
    assert confirmed.after == {
        "shortlisted": sorted([a.pk, b.pk]),
        "decree": "800/117/Org (14-06-2021)",
    }
    (changed,) = _events("shortlist.change")
    assert changed.before == {"shortlisted": sorted([a.pk, b.pk])}
    assert changed.after["shortlisted"] == sorted([a.pk, c.pk])
    assert changed.note == "Keberatan uji publik diterima"


def test_a_refused_submit_writes_no_event():
    organiser = make_organiser()
    stage, (judge, _other), (proposal,) = scenario(organiser, judges=2, proposals=1)
    sheet = Assignment.objects.get(stage=stage, judge=judge, proposal=proposal).sheet
    from judging.services import JudgingError, submit_score_sheet

    with pytest.raises(JudgingError):
        submit_score_sheet(sheet, by=judge, scores={})

    assert _events("scoresheet.submit") == []


# --- role changes from the admin ------------------------------------------------------------


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2024-01-01",
        "initial-date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_changing_a_users_groups_in_the_admin_is_logged(client):
    admin_user = make_user("superadmin", is_staff=True, is_superuser=True)
    person = make_user("calon.juri")
    client.force_login(admin_user)
    judge_group = Group.objects.get(name=Role.JUDGE)

    response = client.post(
        f"/admin/auth/user/{person.pk}/change/", _user_form(person, groups=[judge_group.pk])
    )

    assert response.status_code == 302, response.context and response.context.get("errors")
    (event,) = _events("user.roles")
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "auth.user",
        str(person.pk),
    )
    assert (event.before["groups"], event.after["groups"]) == ([], ["judge"])


def test_saving_a_user_without_role_change_logs_nothing(client):
    admin_user = make_user("superadmin", is_staff=True, is_superuser=True)
    person = make_user("tetap")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/auth/user/{person.pk}/change/", _user_form(person, first_name="Nama Baru")
    )

    assert response.status_code == 302
    assert _events("user.roles") == []


def test_adding_changing_and_removing_a_membership_in_the_admin_is_logged(client):
    organiser = make_organiser()
    agency = make_agency("Dinas Peran", slug="dinas-peran")
    person = make_user("operator.baru")
    client.force_login(organiser)

    add = client.post(
        "/admin/agencies/membership/add/",
        {
            "user": person.pk,
            "agency": agency.pk,
            "role": MembershipRole.OPERATOR,
            "is_active": "on",
        },
    )
    membership = Membership.objects.get(user=person)
    change = client.post(
        f"/admin/agencies/membership/{membership.pk}/change/",
        {"user": person.pk, "agency": agency.pk, "role": MembershipRole.OPERATOR},
    )
    delete = client.post(f"/admin/agencies/membership/{membership.pk}/delete/", {"post": "yes"})

    assert [add.status_code, change.status_code, delete.status_code] == [302, 302, 302]
    events = _events("user.roles")
    assert [(e.before.get("memberships"), e.after["memberships"]) for e in events] == [
        ([], ["dinas-peran:operator"]),
        (["dinas-peran:operator"], ["dinas-peran:operator:inactive"]),
        (["dinas-peran:operator:inactive"], []),
    ]
    assert {e.actor for e in events} == {organiser}


def test_membership_added_from_the_agency_inline_is_logged(client):
    organiser = make_organiser()
    agency = make_agency("Dinas Inline", slug="dinas-inline", short_name="DI")
    person = make_user("operator.inline")
    client.force_login(organiser)

    response = client.post(
        f"/admin/agencies/agency/{agency.pk}/change/",
        {
            "name": agency.name, "short_name": agency.short_name, "slug": agency.slug,
            "kind": agency.kind, "is_obligated": "on", "is_active": "on",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": person.pk, "memberships-0-role": MembershipRole.OPERATOR,
            "memberships-0-is_active": "on",
        },
    )  # fmt: skip

    assert response.status_code == 302, response.context and response.context["errors"]
    (event,) = _events("user.roles")
    assert (event.object_id, event.after["memberships"]) == (
        str(person.pk),
        ["dinas-inline:operator"],
    )


# --- the log cannot be edited or deleted ----------------------------------------------------


@pytest.fixture
def an_event():
    return AuditEvent.objects.create(
        action="proposal.status", object_type="innovations.proposal", object_id="1",
        object_repr="Usulan", before={"status": "draft"}, after={"status": "submitted"},
    )  # fmt: skip


def test_superuser_cannot_change_or_delete_an_audit_event_in_the_admin(client, an_event):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    base = f"/admin/audit/auditevent/{an_event.pk}"

    change = client.post(f"{base}/change/", {"action": "nothing.happened", "note": "diubah"})
    delete = client.post(f"{base}/delete/", {"post": "yes"})
    add = client.get("/admin/audit/auditevent/add/")
    bulk = client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [an_event.pk], "post": "yes"},
    )

    assert [change.status_code, delete.status_code, add.status_code] == [403, 403, 403]
    assert bulk.status_code == 200  # no actions: the list is shown again, nothing done
    assert list(AuditEvent.objects.values_list("action", "note")) == [("proposal.status", "")]


def test_organiser_reads_the_log_in_the_admin_read_only(client, an_event):
    client.force_login(make_organiser())

    response = client.get(f"/admin/audit/auditevent/{an_event.pk}/change/")

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False


def test_the_log_refuses_updates_and_deletes_in_code(an_event):
    with pytest.raises(TypeError):
        an_event.save()
    with pytest.raises(TypeError):
        an_event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(note="x")
