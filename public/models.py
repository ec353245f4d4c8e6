"""The public portal's own data: announcements and the favourite vote (inovasi favorit).

Everything else the portal shows is read from innovations and judging through public.selectors.
The favourite vote is kept apart from judging on purpose: it is never mixed into a jury score.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.links import WebURLField, validate_web_url
from innovations.models import Edition, Proposal, Track


class AnnouncementQuerySet(models.QuerySet):
    def visible(self, now=None):
        """What the home page shows: published and due."""
        now = now or timezone.now()
        return self.filter(is_published=True, published_at__lte=now)


class Announcement(models.Model):
    """A short news item of the organiser on the home page (call for proposals, results...)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcements",
    )
    link = WebURLField(_("link"), max_length=500, blank=True, validators=[validate_web_url])
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(
        _("shown from"),
        default=timezone.now,
        help_text=_("The announcement appears on the home page from this time."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["is_published", "published_at"], name="announcement_visible_idx")
        ]

    def __str__(self):
        return self.title


class FavouriteVoteWindow(models.Model):
    """An edition's favourite vote: whether it runs, and when (set by the organiser)."""

    edition = models.OneToOneField(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="favourite_vote_window",
    )
    enabled = models.BooleanField(
        _("favourite vote enabled"),
        default=False,
        help_text=_(
            "Anyone may vote for one shortlisted innovation per track between the opening and "
            "closing times, once the edition is published."
        ),
    )
    opens_at = models.DateTimeField(_("voting opens at"))
    closes_at = models.DateTimeField(_("voting closes at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("favourite vote window")
        verbose_name_plural = _("favourite vote windows")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="vote_window_closes_after_it_opens"
            ),
        ]

    def __str__(self):
        return str(self.edition)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.enabled and self.opens_at <= now < self.closes_at

    def has_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class FavouriteVote(models.Model):
    """One vote for a shortlisted innovation of a track; it counts once `confirmed_at` is set.

    The voter is known only by `voter_hash`, a keyed hash of the e-mail address
    (public.services.voter_hash): the address itself is never stored. Unconfirmed rows are
    requests waiting for the owner of the address to click the link.
    """

    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.CASCADE, related_name="favourite_votes"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("innovation voted for"),
        on_delete=models.CASCADE,
        related_name="favourite_votes",
    )
    voter_hash = models.CharField(_("voter fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("favourite vote")
        verbose_name_plural = _("favourite votes")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One vote per verified address and track: what "one vote each" means.
            models.UniqueConstraint(
                fields=["track", "voter_hash"],
                condition=Q(confirmed_at__isnull=False),
                name="favourite_vote_once_per_track",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_at__gte=F("created_at")),
                name="favourite_vote_confirmed_after_request",
            ),
        ]
        indexes = [
            models.Index(fields=["proposal", "confirmed_at"], name="favourite_vote_count_idx"),
            models.Index(fields=["track", "voter_hash"], name="favourite_vote_voter_idx"),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
