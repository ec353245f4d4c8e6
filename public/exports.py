"""The organiser's view of the favourite vote: confirmed votes per track and innovation."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.exports import EXPORT_LANGUAGE, Table
from innovations.models import Proposal
from public.models import FavouriteVote
from public.selectors import ballot


@dataclass
class VoteCount:
    proposal: Proposal
    confirmed: int
    pending: int


def vote_counts(edition) -> list[VoteCount]:
    """Every innovation on the edition's ballot, and any other that received a vote request, with
    its confirmed votes (what counts) and unconfirmed requests, by track then most votes first."""
    on_ballot = [entry.pk for item in ballot(edition) for entry in item.entries]
    voted = FavouriteVote.objects.filter(proposal_id=OuterRef("pk"))
    proposals = (
        Proposal.objects.filter(edition=edition)
        .filter(Q(pk__in=on_ballot) | Q(Exists(voted)))
        .select_related("innovation", "agency", "track")
        .annotate(
            confirmed=Count(
                "favourite_votes", filter=Q(favourite_votes__confirmed_at__isnull=False)
            ),
            pending=Count("favourite_votes", filter=Q(favourite_votes__confirmed_at__isnull=True)),
        )
        .order_by("track__order", "track__name", "-confirmed", "innovation_acronym", "pk")
    )
    return [VoteCount(p, p.confirmed, p.pending) for p in proposals]


def vote_counts_table(edition) -> Table:
    """The counts as a CSV/Excel table, headers in Indonesian like the other exports."""
    with translation.override(EXPORT_LANGUAGE):
        headers = [
            _("Edition"),
            _("Track"),
            _("Acronym"),
            _("Innovation"),
            _("Agency"),
            _("Confirmed votes"),
            _("Unconfirmed requests"),
        ]
        title = _("Favourite vote")
    rows = [
        [
            edition.name,
            row.proposal.track.name,
            row.proposal.innovation_acronym,
            row.proposal.innovation_name,
            row.proposal.agency.name,
            row.confirmed,
            row.pending,
        ]
        for row in vote_counts(edition)
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return Table(
        filename=f"suara-favorit-{edition.slug}-{stamp}", title=title, headers=headers, rows=rows
    )
