"""Two tabs (or a double click) submitting the same sheet at once: one submission, the other told.

Needs real row locks, so it runs on PostgreSQL only (SQLite serialises writers anyway)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from judging.models import Score, ScoreSheet
from judging.services import JudgingError, scoring, submit_score_sheet
from tests.factories import make_organiser
from tests.judging.helpers import scenario


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_leave_exactly_one(migration_data, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    sheet = ScoreSheet.objects.get(assignment__judge=judge, assignment__proposal=proposal)
    c1, c2 = stage.criteria.order_by("order")
    compute = scoring.compute_stage_results

    def slow_compute(*args, **kwargs):
        # Hold the sheet's lock a while: without it the other thread would slip in meanwhile.
        time.sleep(0.5)
        return compute(*args, **kwargs)

    monkeypatch.setattr(scoring, "compute_stage_results", slow_compute)
    start = threading.Barrier(2)
    outcomes = {}

    def submit(tab, value):
        try:
            start.wait()
            submit_score_sheet(
                sheet, by=judge, scores={c1.pk: (Decimal(value), ""), c2.pk: (Decimal(value), "")},
                overall_comment=tab,
            )  # fmt: skip
            outcomes[tab] = "submitted"
        except JudgingError as error:
            outcomes[tab] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(f"tab{n}", n + 5)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["already_submitted", "submitted"]
    winner = next(tab for tab, outcome in outcomes.items() if outcome == "submitted")
    sheets = ScoreSheet.objects.filter(assignment=sheet.assignment)
    assert sheets.count() == 1
    stored = sheets.get()
    assert (stored.status, stored.overall_comment) == ("submitted", winner)
    value = Decimal(int(winner[-1]) + 5)
    assert list(Score.objects.filter(sheet=stored).values_list("value", flat=True)) == [value] * 2


@pytest.mark.django_db(transaction=True)
def test_judges_submitting_at_once_queue_instead_of_deadlocking(migration_data, monkeypatch):
    """Each submission recomputes the stage (updating every sheet): without one lock order two
    judges would wait for each other's sheet."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")
    organiser = make_organiser()
    stage, judges, (proposal, _p2) = scenario(organiser, judges=3)
    c1, c2 = stage.criteria.order_by("order")
    compute = scoring.compute_stage_results

    def slow_compute(*args, **kwargs):
        time.sleep(0.2)
        return compute(*args, **kwargs)

    monkeypatch.setattr(scoring, "compute_stage_results", slow_compute)
    start = threading.Barrier(len(judges))
    outcomes = {}

    def submit(judge):
        sheet = ScoreSheet.objects.get(assignment__judge=judge, assignment__proposal=proposal)
        try:
            start.wait()
            submit_score_sheet(
                sheet, by=judge, scores={c1.pk: (Decimal(5), ""), c2.pk: (Decimal(5), "")}
            )
            outcomes[judge.pk] = "submitted"
        except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
            outcomes[judge.pk] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(judge,)) for judge in judges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == {judge.pk: "submitted" for judge in judges}
    result = stage.results.get(proposal=proposal)
    assert (result.judges_counted, result.mean) == (3, Decimal("50.00"))
