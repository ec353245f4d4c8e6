"""Who may grant what, tried through the admin: an organiser (not a superuser) tries to make
itself a superuser, to hand out raw permissions and the organiser group, to set a superuser's
password and to touch other organisers' accounts and memberships. Every refused attempt leaves
the account rows exactly as they were; every allowed change is in the audit log."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from agencies.enums import MembershipRole, Role
from agencies.models import Membership
from audit.models import AuditEvent
from tests.factories import (
    make_agency,
    make_edition,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_track,
    make_user,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "sandi-rahasia-123"  # one of the published test values (test_hardening)


@pytest.fixture
def world():
    agency = make_agency("Dinas Uji Peran", slug="dinas-uji-peran", short_name="DUP")
    other = make_agency("Dinas Lain", slug="dinas-lain", short_name="DL")
    people = {
        "root": make_user("root", is_staff=True, is_superuser=True),
        "org": make_organiser("organisasi"),
        "org2": make_organiser("organisasi2"),
        "op": make_operator(agency, "op.peran"),
        "judge": make_judge("juri.peran"),
        "leader": make_leader("pimpinan.peran"),
    }
    Membership.objects.create(user=people["org2"], agency=agency, role=MembershipRole.MEMBER)
    edition = make_edition()
    track = make_track(edition)
    proposal = make_proposal(edition, agency=other, track=track)
    return {**people, "agency": agency, "other": other, "proposal": proposal}


def _perm(name="agencies.run_competition"):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _group(role):
    return Group.objects.get(name=role)


def _rows():
    """Every account's rights and password hash, as the database holds them."""
    return {
        user.username: (
            user.is_superuser,
            user.is_staff,
            user.is_active,
            user.password,
            sorted(user.groups.values_list("name", flat=True)),
            sorted(user.user_permissions.values_list("codename", flat=True)),
            sorted(f"{m.agency.slug}:{m.role}:{m.is_active}" for m in user.memberships.all()),
        )  # fmt: skip
        for user in User.objects.order_by("username")
    }


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _user_form(user, **changes):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    data.update(changes)
    return data


def _escalation(**extra):
    """The fields the organiser's form does not show, set as a forged POST would."""
    return {
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [_perm().pk, _perm("auth.change_group").pk],
        **extra,
    }


def _change(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def _password(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def _password_form():
    return {"usable_password": "true", "password1": PASSWORD, "password2": PASSWORD}


# --- the organiser's own account ------------------------------------------------------------


def test_organiser_form_shows_no_superuser_staff_group_or_permission_field(world):
    client = _client(world["org"])

    own = client.get(_change(world["org"]))
    operator = client.get(_change(world["op"]))

    assert sorted(own.context["adminform"].form.fields) == [
        "email", "first_name", "last_name", "password", "username",
    ]  # fmt: skip
    fields = operator.context["adminform"].form.fields
    assert sorted(fields) == [
        "email", "first_name", "groups", "is_active", "last_name", "password", "username",
    ]  # fmt: skip
    assert sorted(g.name for g in fields["groups"].queryset) == ["judge", "leadership", "operator"]


def test_organiser_cannot_make_itself_superuser_or_grant_itself_rights(world):
    before = _rows()
    client = _client(world["org"])

    response = client.post(
        _change(world["org"]),
        _user_form(
            world["org"], first_name="Nama Baru", **_escalation(groups=[_group("judge").pk])
        ),
    )

    assert response.status_code == 302
    after = _rows()
    assert after == before | {"organisasi": before["organisasi"]}
    assert User.objects.get(pk=world["org"].pk).first_name == "Nama Baru"
    assert not User.objects.get(pk=world["org"].pk).has_perm("auth.change_group")
    assert _events("user.roles") == []


@pytest.mark.parametrize("target", ["root", "org2"])
def test_organiser_cannot_edit_deactivate_or_set_the_password_of_superuser_or_organiser(
    world, target
):
    before = _rows()
    client = _client(world["org"])
    person = world[target]

    page = client.get(_change(person))
    edit = client.post(_change(person), _user_form(person, first_name="X", is_active=""))
    password_page = client.get(_password(person))
    password = client.post(_password(person), _password_form())
    delete = client.post(reverse("admin:auth_user_delete", args=[person.pk]), {"post": "yes"})

    assert page.status_code == 200 and b'name="_save"' not in page.content  # read-only
    assert [edit.status_code, password_page.status_code, password.status_code] == [403] * 3
    assert delete.status_code == 403
    assert _rows() == before
    assert User.objects.get(pk=person.pk).check_password(PASSWORD) is False
    assert AuditEvent.objects.count() == 0


# --- what an organiser may grant: member roles, activity, memberships, passwords ------------


def test_organiser_grants_a_member_role_but_no_superuser_staff_or_permission(world):
    client = _client(world["org"])
    operator = world["op"]
    groups = [_group("operator").pk, _group("judge").pk]

    response = client.post(_change(operator), _user_form(operator, **_escalation(groups=groups)))

    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.is_superuser, operator.is_staff) == (False, False)
    assert list(operator.user_permissions.all()) == []
    assert sorted(operator.groups.values_list("name", flat=True)) == ["judge", "operator"]
    (event,) = _events("user.roles")
    assert (event.actor, event.object_id) == (world["org"], str(operator.pk))
    assert (event.before["groups"], event.after["groups"]) == (["operator"], ["judge", "operator"])
    assert event.after["is_superuser"] is False and event.after["user_permissions"] == []


def test_organiser_cannot_hand_out_the_organiser_group(world):
    before = _rows()
    client = _client(world["org"])
    operator = world["op"]

    response = client.post(
        _change(operator), _user_form(operator, groups=[_group(Role.ORGANISER).pk])
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["groups"]
    assert _rows() == before


def test_after_the_organisers_attempts_the_operator_cannot_open_the_organiser_desk(world):
    organiser, operator = _client(world["org"]), world["op"]
    organiser.post(_change(operator), _user_form(operator, **_escalation()))
    organiser.post(_change(operator), _user_form(operator, groups=[_group(Role.ORGANISER).pk]))
    organiser.post(_change(world["org"]), _user_form(world["org"], **_escalation()))
    organiser.post(_password(world["root"]), _password_form())

    client = _client(operator)
    desk = client.get(reverse("innovations:organiser_queue"))
    review = client.get(
        reverse("innovations:organiser_review", kwargs={"pk": world["proposal"].pk})
    )
    admin_index = client.get("/admin/")

    assert [desk.status_code, review.status_code] == [403, 403]
    assert admin_index.status_code == 302
    assert not User.objects.get(pk=operator.pk).has_perm("agencies.run_competition")
    assert not User.objects.get(pk=world["root"].pk).check_password(PASSWORD)


def test_organiser_sets_an_operators_password_and_the_log_holds_no_password(world):
    operator = world["op"]
    before = _rows()
    forged = _escalation(groups=[_group(Role.ORGANISER).pk], username="root")
    response = _client(world["org"]).post(_password(operator), _password_form() | forged)

    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)
    # Only the password changed: the forged fields of the POST did nothing.
    assert _rows() == before | {"op.peran": (*before["op.peran"][:3], operator.password,
                                             *before["op.peran"][4:])}  # fmt: skip
    (event,) = _events("user.password")
    assert (event.actor, event.object_id, event.note) == (
        world["org"],
        str(operator.pk),
        "password set",
    )
    assert (event.before, event.after) == ({}, {})
    everything = str(list(AuditEvent.objects.values()))
    assert PASSWORD not in everything and operator.password not in everything


def test_organiser_deactivates_an_operator_and_it_is_logged(world):
    operator = world["op"]
    response = _client(world["org"]).post(
        _change(operator), _user_form(operator, is_active="", groups=[_group("operator").pk])
    )

    assert response.status_code == 302
    assert User.objects.get(pk=operator.pk).is_active is False
    (event,) = _events("user.roles")
    assert (event.before["is_active"], event.after["is_active"]) == (True, False)


def test_superuser_grants_superuser_and_a_raw_permission_and_it_is_logged(world):
    operator = world["op"]
    response = _client(world["root"]).post(
        _change(operator),
        _user_form(operator, is_superuser="on", is_staff="on", user_permissions=[_perm().pk],
                   groups=[_group("operator").pk]),
    )  # fmt: skip

    assert response.status_code == 302
    (event,) = _events("user.roles")
    assert event.actor == world["root"]
    changed = {
        k: (event.before[k], event.after[k])
        for k in event.after
        if event.before[k] != event.after[k]
    }
    assert changed == {
        "is_staff": (False, True),
        "is_superuser": (False, True),
        "user_permissions": ([], ["agencies.run_competition"]),
    }


# --- memberships ----------------------------------------------------------------------------


def test_organiser_cannot_give_a_superuser_or_organiser_a_membership(world):
    before = _rows()
    client = _client(world["org"])
    agency = world["other"]
    add = client.post(
        reverse("admin:agencies_membership_add"),
        {"user": world["root"].pk, "agency": agency.pk, "role": "operator", "is_active": "on"},
    )
    inline = client.post(
        reverse("admin:agencies_agency_change", args=[agency.pk]),
        {
            "name": agency.name, "short_name": agency.short_name, "slug": agency.slug,
            "kind": agency.kind, "is_obligated": "on", "is_active": "on",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": world["org"].pk, "memberships-0-role": "operator",
            "memberships-0-is_active": "on",
        },
    )  # fmt: skip
    membership = Membership.objects.get(user=world["org2"])
    change = client.post(
        reverse("admin:agencies_membership_change", args=[membership.pk]),
        {"user": world["org2"].pk, "agency": world["agency"].pk, "role": "operator"},
    )
    delete = client.post(
        reverse("admin:agencies_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert [add.status_code, inline.status_code] == [200, 200]
    assert list(add.context["adminform"].form.errors) == ["user"]
    assert [change.status_code, delete.status_code] == [403, 403]
    assert _rows() == before
    assert _events("user.roles") == []


def test_organiser_is_offered_only_the_people_it_manages_for_a_membership(world):
    response = _client(world["org"]).get(
        reverse("admin:autocomplete"),
        {"app_label": "agencies", "model_name": "membership", "field_name": "user", "term": ""},
    )

    assert sorted(r["text"] for r in response.json()["results"]) == [
        "juri.peran",
        "op.peran",
        "pimpinan.peran",
    ]


# --- groups ---------------------------------------------------------------------------------


def test_organiser_reads_but_cannot_change_a_role_groups_permissions(world):
    group = _group(Role.OPERATOR)
    url = reverse("admin:auth_group_change", args=[group.pk])
    client = _client(world["org"])

    page = client.get(url)
    post = client.post(url, {"name": group.name, "permissions": [_perm().pk]})
    add = client.post(reverse("admin:auth_group_add"), {"name": "x", "permissions": [_perm().pk]})

    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert [post.status_code, add.status_code] == [403, 403]
    assert list(group.permissions.all()) == []
    assert not Group.objects.filter(name="x").exists()


def test_superuser_changes_a_groups_permissions_and_it_is_logged(world):
    group = _group(Role.OPERATOR)
    response = _client(world["root"]).post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [_perm().pk]},
    )

    assert response.status_code == 302
    (event,) = _events("group.permissions")
    assert (event.actor, event.object_type, event.object_id) == (
        world["root"],
        "auth.group",
        str(group.pk),
    )
    assert (event.before["permissions"], event.after["permissions"]) == (
        [],
        ["agencies.run_competition"],
    )


def test_organiser_cannot_change_an_organisers_row_on_the_agency_page(world):
    before = _rows()
    agency = world["agency"]
    rows = {m.user.username: m for m in Membership.objects.filter(agency=agency)}
    data = {
        "name": agency.name, "short_name": agency.short_name, "slug": agency.slug,
        "kind": agency.kind, "is_obligated": "on", "is_active": "on",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "2",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, name in enumerate(["op.peran", "organisasi2"]):
        row = rows[name]
        data |= {
            f"memberships-{i}-id": row.pk, f"memberships-{i}-agency": agency.pk,
            f"memberships-{i}-user": row.user_id, f"memberships-{i}-role": "operator",
            f"memberships-{i}-is_active": "on",
        }  # fmt: skip
    client = _client(world["org"])

    refused = client.post(reverse("admin:agencies_agency_change", args=[agency.pk]), data)
    data["memberships-1-role"] = rows["organisasi2"].role  # leave the organiser's row as it is
    data["memberships-0-role"] = "head"  # and make the operator head of the agency
    allowed = client.post(reverse("admin:agencies_agency_change", args=[agency.pk]), data)

    assert refused.status_code == 200
    errors = [formset.non_form_errors() for formset in refused.context["inline_admin_formsets"]]
    form_errors = [e for formset in refused.context["inline_admin_formsets"]
                   for e in formset.formset.errors if e]  # fmt: skip
    assert errors == [[]] and len(form_errors) == 1
    assert "organisasi2" in str(form_errors[0])
    assert allowed.status_code == 302
    after = _rows()
    assert after["op.peran"][-1] == ["dinas-uji-peran:head:True"]
    assert after | {"op.peran": before["op.peran"]} == before
    (event,) = _events("user.roles")
    assert (event.object_id, event.after["memberships"]) == (
        str(world["op"].pk),
        ["dinas-uji-peran:head"],
    )


def test_organiser_creates_an_account_that_gets_no_forged_rights_and_it_is_logged(world):
    response = _client(world["org"]).post(
        reverse("admin:auth_user_add"),
        {"username": "akun.baru", "usable_password": "true", "password1": PASSWORD,
         "password2": PASSWORD, "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
         **_escalation(groups=[_group(Role.ORGANISER).pk])},
    )  # fmt: skip

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(username="akun.baru")
    assert (created.is_superuser, created.is_staff, created.is_active) == (False, False, True)
    assert list(created.groups.all()) == [] and list(created.user_permissions.all()) == []
    (event,) = _events("user.roles")
    assert (event.actor, event.object_id, event.before) == (world["org"], str(created.pk), {})
    assert event.after == {
        "groups": [], "memberships": [], "is_active": True, "is_staff": False,
        "is_superuser": False, "user_permissions": [],
    }  # fmt: skip
    assert _events("user.password") == []
