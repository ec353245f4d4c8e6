"""Parallel submits and verifies of one proposal through the pages, with real threads: the loser
gets the workflow's "changed meanwhile" refusal, never a 500. Used on PostgreSQL by
test_concurrent_moves.py, and on a SQLite file (the `make run` database) by running this module
in a child process: `python -m tests.security.race` prints the outcome as JSON.

The workflow's checks are slowed down, so that every thread reads the proposal before any of
them writes: without the fixes (SQLite's IMMEDIATE transactions, the conditional UPDATE) the
losers fail every time, not by luck."""

import json
import threading
import time

RACERS = 3
CHANGED = "This proposal was changed meanwhile"


def _run_threads(requests) -> list:
    """Run the callables at once; return what each returned (or the exception's repr)."""
    start = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        from django.db import connection

        try:
            start.wait(timeout=20)
            results[index] = request()
        except Exception as error:  # noqa: BLE001 - recorded: the test shows it
            results[index] = repr(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _answer(response) -> str:
    """ "won" for the redirect of a move done, "refused" for the page with the refusal, else the
    code and the start of the body."""
    body = response.content.decode(errors="replace")
    if response.status_code == 302:
        return "won"
    if response.status_code == 200 and CHANGED in body:
        return "refused"
    return f"{response.status_code} {body[:300]}"


def race() -> dict:
    """Build one draft, let RACERS operators submit it at once, then RACERS organisers verify
    it at once; return the answers and the history rows."""
    from django.urls import reverse

    from innovations.enums import ProposalStatus as S
    from innovations.models import ProposalStatusChange
    from innovations.services import workflow
    from tests.factories import (
        make_agency,
        make_edition,
        make_operator,
        make_organiser,
        make_proposal,
    )

    edition = make_edition()
    agency = make_agency("Dinas Balapan", slug="dinas-balapan")
    proposal = make_proposal(edition, agency=agency)
    operators = [make_operator(agency) for _ in range(RACERS)]
    organisers = [make_organiser() for _ in range(RACERS)]

    original = workflow._allowed_move

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    workflow._allowed_move = slow
    try:
        submits = _run_threads([_poster(user, reverse("innovations:proposal_submit",
                                                      args=[proposal.pk]), {})
                                for user in operators])  # fmt: skip
        verify = reverse("innovations:organiser_verify", args=[proposal.pk])
        body = {"verify-note": "", "verify-expected_status": S.SUBMITTED}
        verifies = _run_threads([_poster(user, verify, body) for user in organisers])
    finally:
        workflow._allowed_move = original
    rows = list(
        ProposalStatusChange.objects.filter(proposal=proposal)
        .order_by("at", "pk")
        .values_list("from_status", "to_status")
    )
    return {"submits": sorted(map(str, submits)), "verifies": sorted(map(str, verifies)),
            "history": [list(row) for row in rows]}  # fmt: skip


def _poster(user, url, data):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies["kiks_language"] = "en"

    def post():
        return _answer(client.post(url, data))

    return post


def _main():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(race()))


if __name__ == "__main__":
    _main()
