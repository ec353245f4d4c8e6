"""Innovation.public_year (the registry's newest-first order) agrees with the definition of public
(public.selectors.public_proposals) through every way a proposal or an edition changes."""

import pytest

from innovations.enums import ProposalStatus
from innovations.models import Innovation
from innovations.services import save_edition, transition_proposal
from public.selectors import public_proposals, registry
from tests.factories import (
    make_agency,
    make_edition,
    make_innovation,
    make_organiser,
    make_proposal,
)

pytestmark = pytest.mark.django_db


def expected_years():
    """The newest public edition of each innovation, from the definition of public."""
    years = {}
    for innovation_id, year in public_proposals().values_list("innovation_id", "edition__year"):
        years[innovation_id] = max(year, years.get(innovation_id, 0))
    return years


def stored_years():
    return dict(
        Innovation.objects.filter(public_year__isnull=False).values_list("pk", "public_year")
    )


def test_public_year_follows_verification_publication_and_survives_edits():
    organiser = make_organiser()
    old = make_edition(open_now=False, is_published=True, year=2021)
    new = make_edition(is_published=True, year=2023)
    innovation = make_innovation(make_agency())
    make_proposal(old, innovation=innovation, status=ProposalStatus.VERIFIED)
    waiting = make_proposal(new, innovation=innovation, status=ProposalStatus.SUBMITTED)
    assert stored_years() == expected_years() == {innovation.pk: 2021}

    # Verified through the workflow: the newer edition becomes its public year.
    transition_proposal(waiting, ProposalStatus.VERIFIED, by=organiser)
    assert stored_years() == expected_years() == {innovation.pk: 2023}
    assert [row.pk for row in registry()] == [innovation.pk]

    # An edition taken off the public portal (the admin saves the edition).
    new.is_published = False
    save_edition(new)
    assert stored_years() == expected_years() == {innovation.pk: 2021}

    # Saving an innovation loaded before the change does not write back its old year.
    stale = Innovation.objects.get(pk=innovation.pk)
    old.is_published = False
    save_edition(old)
    assert stored_years() == expected_years() == {}
    stale.name = "Nama baru"
    stale.save()
    assert stored_years() == {}
    assert list(registry()) == []

    old.is_published = True
    save_edition(old)
    assert stored_years() == expected_years() == {innovation.pk: 2021}
    assert Innovation.objects.get(pk=innovation.pk).name == "Nama baru"


def test_the_admin_saves_an_edition_through_the_service(rf):
    from django.contrib import admin

    from innovations.admin import EditionAdmin
    from innovations.models import Edition

    edition = make_edition(open_now=False, is_published=True, year=2022)
    innovation = make_innovation(make_agency())
    make_proposal(edition, innovation=innovation, status=ProposalStatus.VERIFIED)
    assert stored_years() == {innovation.pk: 2022}

    edition.is_published = False
    EditionAdmin(Edition, admin.site).save_model(rf.post("/"), edition, form=None, change=True)

    assert stored_years() == expected_years() == {}
