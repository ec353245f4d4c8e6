"""The home page: the current edition and its calendar, announcements, figures, the latest
innovations and the open votes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innovations.models import (
    Edition,
    Innovation,
    Proposal,
    public_proposal_q,
)
from judging.enums import StageKind
from judging.models import Shortlist, Stage
from public.models import Announcement, FavouriteVoteWindow
from public.selectors.registry import mark_rows, registry


def current_edition(now=None) -> Edition | None:
    """The edition the home page is about: the one taking proposals now, else the newest one.

    Only its calendar is shown before it is published; its entries only once it is.
    """
    now = now or timezone.now()
    return (
        Edition.objects.open_for_submission(now).order_by("submission_closes_at", "pk").first()
        or Edition.objects.order_by("-year", "-submission_opens_at", "-pk").first()
    )


DONE, NOW, NEXT = "done", "now", "next"


@dataclass
class TimelineStep:
    key: str
    label: str
    starts: datetime.datetime | datetime.date | None
    ends: datetime.datetime | datetime.date | None
    state: str  # DONE, NOW or NEXT (a step without dates: not announced yet)


def _state(starts, ends, now, *, finished=False) -> str:
    if finished or (ends is not None and ends <= now):
        return DONE
    if starts is not None and starts <= now:
        return NOW
    return NEXT


def timeline(edition: Edition, now=None) -> list[TimelineStep]:
    """Submission window, verification, desk evaluation, interviews, results (two queries)."""
    now = now or timezone.now()
    stages = {}
    for stage in Stage.objects.filter(edition=edition).order_by("order"):
        stages.setdefault(stage.kind, stage)
    desk = stages.get(StageKind.DESK)
    steps = [
        TimelineStep(
            "submission",
            _("Submission window"),
            edition.submission_opens_at,
            edition.submission_closes_at,
            _state(edition.submission_opens_at, edition.submission_closes_at, now),
        ),
        TimelineStep(
            "verification",
            _("Verification"),
            edition.submission_opens_at,
            edition.verification_closes_at,
            _state(
                edition.submission_opens_at,
                edition.verification_closes_at,
                now,
                # Once judging has begun, verification is over even without an end date.
                finished=bool(desk and desk.opened_at and desk.opened_at <= now),
            ),
        ),
    ]
    for kind, key, label in (
        (StageKind.DESK, "desk", _("Desk evaluation")),
        (StageKind.INTERVIEW, "interviews", _("Presentation and interviews")),
    ):
        stage = stages.get(kind)
        starts = stage.opened_at if stage else None
        ends = (stage.closed_at or stage.closes_at) if stage else None
        steps.append(
            TimelineStep(
                key,
                label,
                starts,
                ends,
                _state(starts, ends, now, finished=bool(stage and stage.closed_at)),
            )
        )
    announced = None
    if edition.is_published:
        announced = (
            Shortlist.objects.filter(stage__edition=edition)
            .order_by("confirmed_at")
            .values_list("confirmed_at", flat=True)
            .first()
        )
    steps.append(
        TimelineStep(
            "results",
            _("Results"),
            announced,
            None,
            DONE if announced else NEXT,
        )
    )
    return steps


def announcements(now=None, limit=5) -> list[Announcement]:
    return list(Announcement.objects.visible(now).select_related("edition")[:limit])


@dataclass
class Figures:
    editions: int
    agencies: int
    proposals: int
    innovations: int


def headline_figures() -> Figures:
    """Totals over every published edition (one query)."""
    totals = Proposal.objects.filter(public_proposal_q()).aggregate(
        editions=Count("edition", distinct=True),
        agencies=Count("agency", distinct=True),
        proposals=Count("pk"),
        innovations=Count("innovation", distinct=True),
    )
    return Figures(**totals)


def recent_innovations(limit=6) -> list[Innovation]:
    rows = list(registry()[:limit])
    mark_rows(rows)
    return rows


def open_vote_windows(now=None) -> list[FavouriteVoteWindow]:
    """Favourite votes running now, in published editions."""
    now = now or timezone.now()
    return list(
        FavouriteVoteWindow.objects.filter(
            enabled=True, opens_at__lte=now, closes_at__gt=now, edition__is_published=True
        )
        .select_related("edition")
        .order_by("closes_at")
    )
