"""The one table of who may grant what (agencies.accounts.WHO_MAY_GRANT) and the service that
checks every account change against it, whatever made the change."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import Client
from django.urls import reverse

from agencies import accounts
from agencies.enums import MembershipRole, Role
from agencies.models import Membership
from audit.models import AuditEvent
from tests.factories import make_agency, make_leader, make_operator, make_organiser, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_only_superusers_grant_superuser_staff_the_organiser_group_and_raw_permissions():
    superuser_only = {
        what for what, tiers in accounts.WHO_MAY_GRANT.items() if set(tiers) == {"superuser"}
    }
    assert superuser_only == {
        "is_superuser", "is_staff", "user_permissions", "group:organiser", "group:other",
        "group_permissions", "delete",
    }  # fmt: skip
    organiser = {
        what: sorted(tiers["organiser"])
        for what, tiers in accounts.WHO_MAY_GRANT.items()
        if "organiser" in tiers
    }
    assert organiser == {
        "profile": ["member", "own"],
        "password": ["member", "own"],
        "is_active": ["member"],
        "memberships": ["member"],
        "group:operator": ["member"],
        "group:judge": ["member"],
        "group:leadership": ["member"],
    }
    assert all(tiers["superuser"] == accounts.ANY for tiers in accounts.WHO_MAY_GRANT.values())


def test_the_kind_of_an_account():
    agency = make_agency()
    raw = make_user("raw")
    raw.user_permissions.add(Permission.objects.get(codename="run_competition"))
    kinds = {
        user.username: accounts.kind_of(accounts.account_state(user))
        for user in [
            make_operator(agency, "op"),
            make_leader("pimpinan"),
            make_user("nobody"),
            make_organiser("org"),
            make_user("staff", is_staff=True),
            raw,
            make_user("root", is_superuser=True),
        ]
    }
    assert kinds == {
        "op": "member", "pimpinan": "member", "nobody": "member", "org": "staff",
        "staff": "staff", "raw": "staff", "root": "superuser",
    }  # fmt: skip
    assert accounts.kind_of(None) == "member"


def test_the_service_refuses_a_write_the_table_does_not_allow_and_it_rolls_back():
    organiser, operator = make_organiser(), make_operator(make_agency(), "op")

    with pytest.raises(accounts.AccountChangeRefused) as refused, transaction.atomic():
        changes = accounts.AccountChanges(organiser, {operator.pk})
        User.objects.filter(pk=operator.pk).update(is_staff=True)
        operator.groups.add(Group.objects.get(name=Role.ORGANISER))
        changes.commit()

    assert refused.value.refused == [(operator.pk, "group:organiser"), (operator.pk, "is_staff")]
    operator.refresh_from_db()
    assert operator.is_staff is False
    assert list(operator.groups.values_list("name", flat=True)) == ["operator"]
    assert AuditEvent.objects.count() == 0


def test_the_service_records_an_allowed_write_once():
    organiser, operator = make_organiser(), make_operator(make_agency(slug="dinas-x"), "op")

    with transaction.atomic():
        changes = accounts.AccountChanges(organiser, {operator.pk})
        operator.groups.add(Group.objects.get(name=Role.JUDGE))
        Membership.objects.filter(user=operator).update(role=MembershipRole.HEAD)
        changes.commit()

    (event,) = AuditEvent.objects.filter(action="user.roles")
    assert event.actor == organiser
    assert (event.before["groups"], event.after["groups"]) == (["operator"], ["judge", "operator"])
    assert event.after["memberships"] == ["dinas-x:head"]
    assert "password" not in event.after and "profile" not in event.after


def test_someone_with_raw_user_permissions_but_no_role_may_change_no_account():
    clerk = make_user("clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user", "add_user"])
    )
    operator = make_operator(make_agency(), "op")
    client = Client()
    client.force_login(clerk)
    url = reverse("admin:auth_user_change", args=[operator.pk])

    page = client.get(url)
    post = client.post(url, {"username": "op", "is_superuser": "on"})

    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert post.status_code == 403
    assert User.objects.get(pk=operator.pk).username == "op"
    assert accounts.grantable_groups(clerk).count() == 0
    assert accounts.manageable_users(clerk).count() == 0


def test_bulk_deleting_a_superusers_membership_as_organiser_is_refused():
    agency = make_agency()
    root = make_user("root", is_staff=True, is_superuser=True)
    membership = Membership.objects.create(user=root, agency=agency, role=MembershipRole.MEMBER)
    client = Client()
    client.force_login(make_organiser())

    response = client.post(
        reverse("admin:agencies_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
