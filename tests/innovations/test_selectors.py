"""Who sees which proposals: one selector, every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from agencies.models import Membership
from innovations.enums import ProposalStatus
from innovations.models import Proposal
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
def test_organiser_and_leadership_see_all_handed_in(proposals, make):
    """Every proposal handed in, never a draft (nor a draft withdrawn unsubmitted): the agency's."""
    Proposal.objects.filter(pk=proposals["dishub-2"].pk).update(
        status=ProposalStatus.SUBMITTED, submitted_at=timezone.now()
    )
    withdrawn = make_proposal(agency=proposals["dinsos"].agency, status=ProposalStatus.WITHDRAWN)
    Proposal.objects.filter(pk=withdrawn.pk).update(submitted_at=None)
    sent_back = make_proposal(
        agency=proposals["dinsos"].agency, status=ProposalStatus.CHANGES_REQUESTED
    )
    assert _visible(make()) == {proposals["dishub-2"].pk, sent_back.pk}


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

    # Its own agency's draft as an operator; the other agencies' drafts are theirs.
    assert _visible(organiser) == {proposals["dinsos"].pk}
    assert set(operator_proposals(organiser).values_list("pk", flat=True)) == {
        proposals["dinsos"].pk
    }
