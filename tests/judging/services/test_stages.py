from decimal import Decimal

import pytest

from innovations.models import Edition
from judging.enums import StageKind
from judging.models import Criterion, StageEvent
from judging.services import (
    JudgingError,
    close_stage,
    create_stage,
    open_stage,
    set_criteria,
    update_stage_settings,
)
from tests.factories import make_edition, make_judge, make_organiser
from tests.judging.helpers import desk_stage, two_criteria, verified

pytestmark = pytest.mark.django_db
D = Decimal


def test_desk_stage_defaults_to_the_weighted_sections():
    organiser = make_organiser()
    edition = make_edition(open_now=False)

    stage = create_stage(edition=edition, kind=StageKind.DESK, by=organiser)

    assert (stage.order, stage.weight, stage.judges_per_proposal) == (1, D(70), 2)
    assert list(stage.criteria.values_list("name", "weight", "scale_min", "scale_max")) == [
        ("Latar Belakang dan Tujuan", D(10), D(1), D(10)),
        ("Kebaruan / Nilai Tambah", D(15), D(1), D(10)),
        ("Implementasi Inovasi", D(5), D(1), D(10)),
        ("Signifikansi", D(30), D(1), D(10)),
        ("Adaptabilitas", D(20), D(1), D(10)),
        ("Sumber Daya", D(5), D(1), D(10)),
        ("Strategi Keberlanjutan", D(15), D(1), D(10)),
    ]
    assert StageEvent.objects.get(stage=stage).action == "created"


def test_interview_stage_comes_second_with_weight_30():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    create_stage(edition=edition, kind=StageKind.DESK, by=organiser)

    interview = create_stage(edition=edition, kind=StageKind.INTERVIEW, by=organiser)
    with pytest.raises(JudgingError) as error:
        create_stage(edition=edition, kind=StageKind.DESK, by=organiser)

    assert (interview.order, interview.weight) == (2, D(30))
    assert error.value.messages == ["The desk evaluation is the first stage of an edition."]


def test_weights_must_add_up_to_100():
    organiser = make_organiser()
    stage = desk_stage(organiser)
    criteria = two_criteria()
    criteria[1]["weight"] = D("39.5")

    with pytest.raises(JudgingError) as error:
        set_criteria(stage, criteria=criteria, by=organiser)

    assert error.value.messages == ["The weights add up to 99.5; they must add up to 100."]
    assert stage.criteria.count() == 7


def test_criteria_frozen_once_the_stage_opens():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    verified(edition)
    stage = desk_stage(organiser, edition=edition, judges=[make_judge()], criteria=two_criteria())
    open_stage(stage, by=organiser)

    with pytest.raises(JudgingError) as error:
        set_criteria(stage, criteria=two_criteria(), by=organiser)

    assert error.value.messages == ["Criteria are frozen once scoring starts."]


def test_open_lists_every_problem():
    organiser = make_organiser()
    stage = desk_stage(organiser)
    Criterion.objects.filter(stage=stage, name="Signifikansi").delete()

    with pytest.raises(JudgingError) as error:
        open_stage(stage, by=organiser)

    assert error.value.messages == [
        "The weights add up to 70; they must add up to 100.",
        "The stage has no judges yet.",
        "The stage has no entries to judge.",
    ]
    stage.refresh_from_db()
    assert stage.opened_at is None


def test_open_and_close(mailoutbox, django_capture_on_commit_callbacks):
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    verified(edition, 2)
    judge = make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())

    with django_capture_on_commit_callbacks(execute=True):
        open_stage(stage, by=organiser)
    close_stage(stage, by=organiser)

    stage.refresh_from_db()
    assert (stage.state, stage.opened_by, stage.closed_by) == ("closed", organiser, organiser)
    assert stage.results.count() == 2
    assert [m.to for m in mailoutbox] == [[judge.email]]
    actions = StageEvent.objects.filter(stage=stage).order_by("at", "id")
    assert list(actions.values_list("action", flat=True)) == [
        "created",
        "criteria_changed",
        "panel_changed",
        "opened",
        "closed",
    ]
    # The innovations workflow sees that judging has started.
    from innovations.services import judging_has_started

    assert judging_has_started(Edition.objects.get(pk=edition.pk)) is True


def test_settings_change_only_through_the_organiser():
    organiser = make_organiser()
    stage = desk_stage(organiser)

    with pytest.raises(JudgingError):
        update_stage_settings(stage, by=make_judge(), judges_per_proposal=3)
    update_stage_settings(stage, by=organiser, judges_per_proposal=3, show_agency=False)

    stage.refresh_from_db()
    assert (stage.judges_per_proposal, stage.show_agency) == (3, False)
