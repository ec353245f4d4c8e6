from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from judging.models import Score, ScoreSheet, StageEvent
from judging.services import (
    JudgingError,
    assign_manually,
    close_stage,
    reopen_score_sheet,
    save_score_sheet,
    set_panel,
    submit_score_sheet,
)
from tests.factories import make_judge, make_organiser
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def setup():
    organiser = make_organiser()
    stage, (judge, other), (proposal, _second) = scenario(organiser)
    sheet = ScoreSheet.objects.get(assignment__judge=judge, assignment__proposal=proposal)
    criteria = list(stage.criteria.order_by("order"))
    return organiser, stage, judge, other, sheet, criteria


def test_save_draft_keeps_partial_scores_and_comments(setup):
    _organiser, _stage, judge, _other, sheet, (c1, c2) = setup

    save_score_sheet(
        sheet, by=judge, scores={c1.pk: (D("7.5"), "Bagus"), c2.pk: (None, "Belum yakin")},
        overall_comment="Lanjut besok",
    )  # fmt: skip

    sheet.refresh_from_db()
    assert (sheet.status, sheet.overall_comment, sheet.submitted_at) == (
        "draft",
        "Lanjut besok",
        None,
    )
    assert list(sheet.scores.order_by("criterion__order").values_list(
        "value", "comment", "scale_min", "scale_max")) == [
        (D("7.50"), "Bagus", D(0), D(10)),
        (None, "Belum yakin", D(0), D(10)),
    ]  # fmt: skip


def test_submit_locks_the_sheet(setup):
    _organiser, _stage, judge, _other, sheet, (c1, c2) = setup
    submit_score_sheet(sheet, by=judge, scores={c1.pk: (D(8), ""), c2.pk: (D(6), "")})

    with pytest.raises(JudgingError) as error:
        save_score_sheet(sheet, by=judge, scores={c1.pk: (D(1), ""), c2.pk: (D(1), "")})

    assert error.value.code == "already_submitted"
    sheet.refresh_from_db()
    assert (sheet.status, sheet.total) == ("submitted", D("72.0000"))
    assert list(sheet.scores.values_list("value", flat=True).order_by("criterion__order")) == [
        D(8), D(6)
    ]  # fmt: skip


def test_submit_needs_every_criterion(setup):
    _organiser, _stage, judge, _other, sheet, (c1, c2) = setup

    with pytest.raises(JudgingError) as error:
        submit_score_sheet(sheet, by=judge, scores={c1.pk: (D(8), "")})

    assert error.value.messages == ["Score every criterion before submitting. Missing: Kebaruan."]
    sheet.refresh_from_db()
    assert (sheet.status, sheet.scores.count()) == ("draft", 0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (D("10.5"), "“Signifikansi”: the score must be between 0 and 10."),
        (D("-1"), "“Signifikansi”: the score must be between 0 and 10."),
        (D("7.125"), "“Signifikansi”: use at most two decimals."),
    ],
)
def test_score_outside_the_scale_is_refused(setup, value, message):
    _organiser, _stage, judge, _other, sheet, (c1, c2) = setup

    with pytest.raises(JudgingError) as error:
        save_score_sheet(sheet, by=judge, scores={c1.pk: (value, ""), c2.pk: (D(5), "")})

    assert error.value.messages == [message]
    assert Score.objects.filter(sheet=sheet).count() == 0


def test_database_checks_the_scale_and_one_score_per_criterion(setup):
    _organiser, _stage, _judge, _other, sheet, (c1, _c2) = setup
    Score.objects.create(sheet=sheet, criterion=c1, value=D(5), scale_min=D(0), scale_max=D(10))

    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(sheet=sheet, criterion=c1, value=D(6), scale_min=D(0), scale_max=D(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(sheet=sheet).update(value=D(11))
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(sheet=sheet).update(value=D("-0.01"))

    assert list(Score.objects.filter(sheet=sheet).values_list("value", flat=True)) == [D(5)]


def test_only_the_sheets_judge_may_write(setup):
    _organiser, _stage, _judge, other, sheet, (c1, c2) = setup

    with pytest.raises(JudgingError) as error:
        save_score_sheet(sheet, by=other, scores={c1.pk: (D(1), "")})

    assert error.value.messages == ["This is not your score sheet."]


def test_no_scoring_once_the_stage_is_closed(setup):
    organiser, stage, judge, _other, sheet, (c1, c2) = setup
    close_stage(stage, by=organiser)

    with pytest.raises(JudgingError) as error:
        save_score_sheet(sheet, by=judge, scores={c1.pk: (D(1), "")})

    assert error.value.messages == ["The stage is closed."]


def test_reopen_needs_a_reason_and_is_recorded(
    setup, mailoutbox, django_capture_on_commit_callbacks
):
    organiser, stage, judge, _other, sheet, (c1, c2) = setup
    submit_score_sheet(sheet, by=judge, scores={c1.pk: (D(8), ""), c2.pk: (D(6), "")})

    with pytest.raises(JudgingError) as error:
        reopen_score_sheet(sheet, by=organiser, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        reopen_score_sheet(sheet, by=organiser, reason="Nilai kebaruan tertukar")

    assert error.value.messages == ["Give the reason for reopening the sheet."]
    sheet.refresh_from_db()
    assert (sheet.status, sheet.submitted_at, sheet.total) == ("draft", None, None)
    event = StageEvent.objects.get(stage=stage, action="sheet_reopened")
    assert (event.by, event.judge, event.note) == (organiser, judge, "Nilai kebaruan tertukar")
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([judge.email], "[KIKS] Your score sheet was reopened")
    ]
    assert "Nilai kebaruan tertukar" in mailoutbox[0].body


def test_only_the_organiser_reopens(setup):
    _organiser, _stage, judge, other, sheet, (c1, c2) = setup
    submit_score_sheet(sheet, by=judge, scores={c1.pk: (D(8), ""), c2.pk: (D(6), "")})

    with pytest.raises(JudgingError) as error:
        reopen_score_sheet(sheet, by=other, reason="Saya mau")

    assert error.value.messages == ["Only the organiser (Bagian Organisasi) may do this."]
    sheet.refresh_from_db()
    assert sheet.status == "submitted"


def test_unsigned_judge_cannot_score():
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    newcomer = make_judge()
    panel = [member.judge for member in stage.panel.select_related("judge")]
    set_panel(stage, judges=[*panel, newcomer], by=organiser)
    assignment = assign_manually(stage, judge=newcomer, proposal=proposal, by=organiser)

    with pytest.raises(JudgingError) as error:
        save_score_sheet(assignment.sheet, by=newcomer, scores={})

    assert error.value.messages == ["Declare your conflicts and sign the pledge first."]


def test_submitted_total_matches_the_formula(setup):
    _organiser, stage, judge, _other, _sheet, _criteria = setup
    proposal = stage.results.order_by("pk").first().proposal

    sheet = score(stage, judge, proposal, (D("7.25"), D("3.5")))

    # (7.25 - 0) / 10 * 60 + (3.5 - 0) / 10 * 40 = 43.5 + 14
    assert sheet.total == D("57.5000")
