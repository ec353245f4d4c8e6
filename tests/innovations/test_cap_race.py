"""Two operators of one agency submit at the same moment against a cap of one: exactly one wins.

Needs real concurrent transactions and row locks: PostgreSQL only (SQLite has neither)."""

import threading
import time

import pytest
from django.db import connection

from innovations.enums import ProposalStatus as S
from innovations.models import Proposal, ProposalStatusChange
from innovations.services import WorkflowError, submit_proposal, workflow
from tests.factories import make_agency, make_edition, make_operator, make_proposal


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)
def test_cap_holds_when_two_operators_submit_at_the_same_moment(migration_data, monkeypatch):
    edition = make_edition(max_per_agency=1)
    agency = make_agency("Dinas Sosial")
    first_operator, second_operator = make_operator(agency), make_operator(agency)
    proposals = [make_proposal(edition, agency=agency) for _ in range(2)]
    start = threading.Barrier(2)
    # Widen the gap between counting and writing, so that without the agency row lock both
    # submissions would count zero and pass: the test then fails every time, not by luck.
    original_check = workflow._check_cap

    def slow_check(proposal):
        problems = original_check(proposal)
        time.sleep(0.3)
        return problems

    monkeypatch.setattr(workflow, "_check_cap", slow_check)
    outcomes = {}

    def submit(proposal, operator):
        try:
            start.wait(timeout=10)
            submit_proposal(proposal, by=operator)
            outcomes[proposal.pk] = "submitted"
        except WorkflowError as error:
            outcomes[proposal.pk] = error.messages
        finally:
            connection.close()  # each thread has its own connection

    threads = [
        threading.Thread(target=submit, args=(proposals[0], first_operator)),
        threading.Thread(target=submit, args=(proposals[1], second_operator)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(map(str, outcomes.values())) == sorted(
        [
            "submitted",
            str(
                [
                    f"Dinas Sosial has already handed in 1 proposal to {edition.name}, the most "
                    "this edition allows."
                ]
            ),
        ]
    )
    statuses = sorted(Proposal.objects.filter(edition=edition).values_list("status", flat=True))
    assert statuses == [S.DRAFT, S.SUBMITTED]
    assert ProposalStatusChange.objects.filter(to_status=S.SUBMITTED).count() == 1
