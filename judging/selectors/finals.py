"""Reads of the final result: the edition's stages, the final ranking, the published result, the
agencies' finalists, the KIJB date."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from innovations.models import Proposal
from innovations.validators import add_months
from judging.enums import KIJB_MIN_MONTHS
from judging.models import Award, FinalEntry, FinalResult, KijbNomination, Stage
from judging.selectors.schedule import operated_agency_ids


def stages_of(edition) -> list[Stage]:
    return list(Stage.objects.filter(edition=edition).order_by("order"))


def agency_feedback_entries(user) -> list[FinalEntry]:
    """The finalists of the user's agencies whose edition's result is published. One query."""
    return list(
        FinalEntry.objects.filter(
            proposal__agency_id__in=operated_agency_ids(user),
            edition__final_result__results_published_at__isnull=False,
        )
        .select_related("edition", "proposal__innovation")
        .order_by("-edition__year", "proposal__innovation_acronym")
    )


@dataclass
class FinalTrack:
    track: object
    rows: list = field(default_factory=list)


def final_rows(edition) -> list[FinalEntry]:
    """The edition's finalists, ranked within each track (unscored last), each with its awards and
    KIJB nomination. Two queries."""
    return list(
        FinalEntry.objects.filter(edition=edition)
        .select_related(
            "proposal__innovation__agency", "proposal__agency", "proposal__kijb", "track"
        )
        .prefetch_related(
            Prefetch("proposal__awards", Award.objects.order_by("kind", "title", "pk"))
        )
        .order_by("track__order", "track_id", "rank", "proposal__innovation_acronym")
    )


def final_tracks(rows) -> list[FinalTrack]:
    groups: list[FinalTrack] = []
    for row in rows:
        if not groups or groups[-1].track.pk != row.track_id:
            groups.append(FinalTrack(track=row.track))
        groups[-1].rows.append(row)
    return groups


def published_result(edition) -> FinalResult | None:
    result = FinalResult.objects.filter(edition=edition).first()
    return result if result and result.is_published else None


def kijb_eligible_from(innovation) -> datetime.date:
    """The first day the innovation has run KIJB_MIN_MONTHS months."""
    return add_months(innovation.started_on, KIJB_MIN_MONTHS)


def final_result_of(edition) -> FinalResult | None:
    """The edition's final result (confirmed or published) with who confirmed and published it."""
    return (
        FinalResult.objects.filter(edition=edition)
        .select_related("confirmed_by", "published_by")
        .first()
    )


def has_final_result(edition) -> bool:
    return FinalResult.objects.filter(edition=edition).exists()


def finalist_of(edition, proposal_id) -> Proposal:
    """A finalist of the edition (a proposal with a final entry) with its innovation, or a 404."""
    return get_object_or_404(
        Proposal.objects.select_related("innovation"),
        pk=proposal_id,
        final_entry__edition=edition,
    )


def award_of(edition, award_id) -> Award:
    return get_object_or_404(Award, pk=award_id, edition=edition)


def nomination_of(edition, nomination_id) -> KijbNomination:
    return get_object_or_404(KijbNomination, pk=nomination_id, proposal__edition=edition)
