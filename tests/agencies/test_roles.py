import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def _codenames(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migrate_creates_the_four_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "operator",
        "organiser",
        "judge",
        "leadership",
    }


def test_organiser_group_runs_the_competition_and_manages_agencies_and_people():
    assert {
        "agencies.run_competition",
        "agencies.change_agency",
        "agencies.add_membership",
        "auth.change_user",
        "innovations.verify_proposal",
        "innovations.export_proposals",
    } <= _codenames("organiser")


def test_leadership_reads_dashboards_but_cannot_run_the_competition():
    codenames = _codenames("leadership")
    assert "agencies.view_dashboards" in codenames
    assert "agencies.run_competition" not in codenames
    assert not any(
        name.split(".")[1].startswith(("add_", "change_", "delete_")) for name in codenames
    )


def test_operator_group_holds_no_site_wide_permission():
    # Operators act through their agency membership, never through a global permission.
    assert _codenames("operator") == set()
