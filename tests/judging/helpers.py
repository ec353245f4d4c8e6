"""Scenario builders for the judging tests: plain functions, every default visible here."""

from decimal import Decimal

from innovations.enums import ProposalStatus
from judging.enums import StageKind
from judging.models import Assignment, Criterion, Stage
from judging.services import (
    assign_manually,
    create_stage,
    declare_conflicts,
    open_stage,
    set_criteria,
    set_panel,
    submit_score_sheet,
)
from tests.factories import make_edition, make_judge, make_proposal, make_track

D = Decimal


def verified(edition, count=1, **extra):
    return [make_proposal(edition, status=ProposalStatus.VERIFIED, **extra) for _ in range(count)]


def two_criteria():
    """Significance 60 (the heaviest) and novelty 40, both scored 0-10: total = 6 a + 4 b."""
    return [
        {"name": "Signifikansi", "guidance": "Dampak", "weight": D(60), "scale_min": D(0),
         "scale_max": D(10)},
        {"name": "Kebaruan", "guidance": "Apa yang baru", "weight": D(40), "scale_min": D(0),
         "scale_max": D(10)},
    ]  # fmt: skip


def desk_stage(organiser, *, edition=None, judges=(), criteria=None, **settings) -> Stage:
    """A desk stage of `edition` with `judges` on its panel; criteria default to the edition's
    weighted sections, or `criteria` (dicts) when given."""
    edition = edition or make_edition(open_now=False)
    stage = create_stage(edition=edition, kind=StageKind.DESK, by=organiser)
    if criteria is not None:
        set_criteria(stage, criteria=criteria, by=organiser)
    if judges:
        set_panel(stage, judges=list(judges), by=organiser)
    if settings:
        Stage.objects.filter(pk=stage.pk).update(**settings)
        stage.refresh_from_db()
    return stage


def sign(stage, *judges, conflicts=None):
    for judge in judges:
        declare_conflicts(stage, judge=judge, conflicts=conflicts or {}, pledge_text="Janji")


def score(stage, judge, proposal, values, *, comment=""):
    """Submit `judge`'s sheet of `proposal` with one value per criterion, in criterion order."""
    sheet = Assignment.objects.get(stage=stage, judge=judge, proposal=proposal).sheet
    criteria = list(Criterion.objects.filter(stage=stage).order_by("order", "pk"))
    scores = {
        criterion.pk: (D(str(value)), comment)
        for criterion, value in zip(criteria, values, strict=True)
    }
    return submit_score_sheet(sheet, by=judge, scores=scores, overall_comment=comment)


def scenario(organiser, *, judges=2, proposals=2, shortlist_size=6, open_it=True, **settings):
    """An open desk stage with two criteria, `judges` judges (signed) assigned by hand to every
    one of `proposals` verified proposals of one track."""
    edition = make_edition(open_now=False)
    track = make_track(edition, shortlist_size=shortlist_size, winner_count=1)
    entries = verified(edition, proposals, track=track)
    panel = [make_judge() for _ in range(judges)]
    stage = desk_stage(organiser, edition=edition, judges=panel, criteria=two_criteria(),
                       **settings)  # fmt: skip
    if open_it:
        open_stage(stage, by=organiser)
        sign(stage, *panel)
    for judge in panel:
        for proposal in entries:
            assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
    return stage, panel, entries
