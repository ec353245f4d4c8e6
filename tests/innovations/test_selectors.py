"""Who sees which proposals: one selector, every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import Membership
from innovations.selectors import operator_proposals, proposals_visible_to
from tests.factories import (
    make_agency,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals():
    dinsos, dishub = make_agency("Dinas Sosial"), make_agency("Dinas Perhubungan")
    return {
        "dinsos": make_proposal(agency=dinsos),
        "dishub": make_proposal(agency=dishub),
        "dishub-2": make_proposal(agency=dishub),
    }


def _visible(user):
    return set(proposals_visible_to(user).values_list("pk", flat=True))


def test_operator_sees_only_own_agencies(proposals):
    operator = make_operator(proposals["dishub"].agency)

    assert _visible(operator) == {proposals["dishub"].pk, proposals["dishub-2"].pk}


def test_operator_of_two_agencies_sees_both(proposals):
    operator = make_operator(proposals["dishub"].agency)
    Membership.objects.create(user=operator, agency=proposals["dinsos"].agency)

    assert _visible(operator) == {p.pk for p in proposals.values()}


def test_inactive_membership_or_agency_sees_nothing(proposals):
    operator = make_operator(proposals["dishub"].agency)
    operator.memberships.update(is_active=False)
    assert _visible(operator) == set()

    other = make_operator(proposals["dinsos"].agency)
    proposals["dinsos"].agency.__class__.objects.filter(pk=proposals["dinsos"].agency_id).update(
        is_active=False
    )
    assert _visible(other) == set()


@pytest.mark.parametrize("make", [make_organiser, make_leader], ids=["organiser", "leadership"])
def test_organiser_and_leadership_see_all(proposals, make):
    assert _visible(make()) == {p.pk for p in proposals.values()}


@pytest.mark.parametrize(
    "user",
    [lambda: AnonymousUser(), make_judge, make_user],
    ids=["anonymous", "judge", "no role"],
)
def test_others_see_nothing_here(proposals, user):
    assert _visible(user()) == set()


def test_judge_member_of_an_agency_sees_nothing(proposals):
    assert _visible(make_judge(agency=proposals["dishub"].agency)) == set()


def test_operator_pages_list_own_agency_even_for_an_organiser(proposals):
    organiser = make_organiser()
    Membership.objects.create(user=organiser, agency=proposals["dinsos"].agency)

    assert _visible(organiser) == {p.pk for p in proposals.values()}
    assert set(operator_proposals(organiser).values_list("pk", flat=True)) == {
        proposals["dinsos"].pk
    }
