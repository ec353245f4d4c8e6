"""Finals scenarios: a closed desk stage with a confirmed shortlist, then the interview stage."""

import datetime
from decimal import Decimal

from django.utils import timezone

from innovations.enums import ProposalStatus
from judging.models import Stage
from judging.services import (
    assign_manually,
    close_stage,
    confirm_shortlist,
    open_stage,
    set_panel,
)
from tests.factories import make_edition, make_judge, make_proposal, make_track
from tests.judging.helpers import desk_stage, score, sign, two_criteria

D = Decimal


def finals(organiser, *, proposals=2, desk=((8, 6), (6, 8)), interview=((9, 9, 9), (5, 5, 5))):
    """A desk stage scored by one judge (values per proposal: significance 60, novelty 40, 0-10),
    closed and shortlisted (everyone), then the interview stage (three criteria, 1-10) scored by
    one judge and closed. Returns (edition, desk stage, interview stage, proposals, judges)."""
    edition = make_edition(open_now=False, is_published=True)
    track = make_track(edition, shortlist_size=6, winner_count=3)
    entries = [
        make_proposal(edition, track=track, status=ProposalStatus.VERIFIED)
        for _ in range(proposals)
    ]
    judge = make_judge(first_name="Rahasia", last_name="Juri")
    stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())
    open_stage(stage, by=organiser, notify=False)
    sign(stage, judge)
    for proposal, values in zip(entries, desk, strict=False):
        assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
        score(stage, judge, proposal, values, comment="Catatan juri desk")
    close_stage(stage, by=organiser)
    confirm_shortlist(
        stage,
        track=track,
        proposal_ids=[p.pk for p in entries],
        decree_number="1/Kep-Org/2021",
        decree_date=datetime.date(2021, 5, 31),
        by=organiser,
        notify=False,
    )
    second = Stage.objects.get(edition=edition, order=2)
    mayor = make_judge(first_name="Walinama", last_name="Rahasiakota")
    set_panel(second, judges=[mayor], by=organiser)
    for proposal in entries:
        assign_manually(second, judge=mayor, proposal=proposal, by=organiser)
    open_stage(second, by=organiser, notify=False)
    sign(second, mayor)
    for proposal, values in zip(entries, interview, strict=False):
        score(second, mayor, proposal, values, comment="Komentar wawancara")
    close_stage(second, by=organiser, now=timezone.now() + datetime.timedelta(minutes=1))
    return edition, stage, second, entries, [judge, mayor]
