"""Writes of the public portal: the favourite vote (inovasi favorit).

A visitor picks one shortlisted innovation of a track and gives an e-mail address; the portal
mails a confirmation link and forgets the address. The vote counts once the link is used. The
voter is known only by a keyed hash of the address (HMAC-SHA256, key derived from SECRET_KEY),
enough to allow one confirmed vote per address and track, not to recover the address.
Favourite votes never touch judging: they are counted apart and rewarded apart.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import DomainError
from common.mail import send_mail
from innovations.models import Proposal
from public.models import FavouriteVote, FavouriteVoteWindow
from public.selectors import is_on_ballot

VOTER_HASH_SALT = "kiks.public.favourite-vote.voter"
TOKEN_SALT = "kiks.public.favourite-vote.confirm"


def confirm_hours() -> int:
    """How long a confirmation link stays valid (hours)."""
    return getattr(settings, "KIKS_VOTE_CONFIRM_HOURS", 48)


class VoteError(DomainError):
    """A vote refused, with a message for the visitor (`message`, the one reason)."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message, code=code)
        self.message = self.messages[0]


# Providers that deliver "a.b.c@" to "abc@" (dots in the local part ignored), and their one name.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalise_email(email: str) -> str:
    """One form per mailbox, so that one person has one vote per track: trimmed and lower-cased
    (providers treat addresses case-blind), without a "+tag" (sub-addressing delivers
    "name+x@" to "name@" at nearly every provider), and without dots in the local part at the
    providers that ignore them (Gmail, under either of its names). docs/security.md."""
    email = (email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return email
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def voter_hash(email: str) -> str:
    """The voter's fingerprint: HMAC-SHA256 of the normalised address, keyed from SECRET_KEY."""
    return salted_hmac(VOTER_HASH_SALT, normalise_email(email), algorithm="sha256").hexdigest()


def make_token(vote: FavouriteVote) -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(vote.pk))


def vote_from_token(token: str) -> FavouriteVote:
    """The vote a confirmation link is for; VoteError when the link is broken or expired."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        pk = int(signer.unsign(token, max_age=datetime.timedelta(hours=confirm_hours())))
    except signing.SignatureExpired as exc:
        raise VoteError(
            _("This confirmation link has expired. Please vote again to get a new link.")
        ) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise VoteError(_("This confirmation link is not valid.")) from exc
    vote = (
        FavouriteVote.objects.select_related(
            "proposal__innovation", "proposal__agency", "proposal__edition", "track"
        )
        .filter(pk=pk)
        .first()
    )
    if vote is None:
        raise VoteError(
            _("This confirmation link is no longer valid. Please vote again to get a new link.")
        )
    return vote


def _open_window(edition, now) -> FavouriteVoteWindow:
    window = FavouriteVoteWindow.objects.filter(edition=edition).first()
    if window is None or not window.enabled or not edition.is_published:
        raise VoteError(_("There is no favourite vote in this edition."))
    if now < window.opens_at:
        raise VoteError(_("The favourite vote has not opened yet."))
    if window.has_closed(now):
        raise VoteError(_("The favourite vote has closed."))
    return window


def _has_confirmed_vote(track_id: int, fingerprint: str) -> bool:
    return FavouriteVote.objects.filter(
        track_id=track_id, voter_hash=fingerprint, confirmed_at__isnull=False
    ).exists()


@transaction.atomic
def request_vote(
    proposal: Proposal, *, email: str, site_url: str, now=None
) -> FavouriteVote | None:
    """Ask the owner of `email` to confirm a favourite vote for `proposal`.

    Refuses (VoteError) when the edition has no open favourite vote or the proposal is not on
    its track's confirmed shortlist.
    Side effects: creates an unconfirmed FavouriteVote (track, proposal, keyed hash of the
    address) and, in the same transaction, queues the mail with the confirmation link (valid
    `confirm_hours()` hours) to the address in the visitor's language (common.mail: the
    e-mail worker sends it after commit; a mail server that is down delays it, never fails the
    request). The vote keeps only the hash; the outbox message, the one place the address is
    written, is deleted as soon as it is sent (common.mail `forget`).
    When the address already has a confirmed vote in this track, no row is created and the mail
    says so instead; the page answers the same either way, so the page never tells anyone
    whether an address has voted.
    Returns the vote or None.
    `site_url` is the portal's address ("https://kiks.example/"), for the link.
    """
    now = now or timezone.now()
    email = (email or "").strip()
    proposal = Proposal.objects.select_related("edition", "track", "innovation").get(pk=proposal.pk)
    window = _open_window(proposal.edition, now)
    if not is_on_ballot(proposal):
        raise VoteError(_("This innovation is not on the favourite vote's list."))
    fingerprint = voter_hash(email)
    context = {
        "proposal": proposal,
        "innovation": proposal.innovation,
        "track": proposal.track,
        "edition": proposal.edition,
        "window": window,
        "hours": confirm_hours(),
    }
    if _has_confirmed_vote(proposal.track_id, fingerprint):
        vote = None
        subject = gettext_lazy("You have already voted in %(track)s")
        subject_params = {"track": proposal.track.name}
        template = "public/email/vote_already_counted.txt"
    else:
        vote = FavouriteVote.objects.create(
            track=proposal.track, proposal=proposal, voter_hash=fingerprint, created_at=now
        )
        context["confirm_url"] = site_url.rstrip("/") + reverse(
            "public:vote_confirm", kwargs={"token": make_token(vote)}
        )
        subject = gettext_lazy("Confirm your favourite vote for %(acronym)s")
        subject_params = {"acronym": proposal.innovation_acronym}
        template = "public/email/vote_confirm.txt"
    # In the visitor's language (the page they voted on), without the site prefix.
    send_mail(
        to=[email],
        subject=subject,
        subject_params=subject_params,
        prefix=False,
        template=template,
        context=context,
        language=translation.get_language(),
        forget=True,  # the address is forgotten once the mail is out
    )
    return vote


@transaction.atomic
def confirm_vote(token: str, *, now=None) -> FavouriteVote:
    """Count the vote a confirmation link stands for.

    Refuses (VoteError) a broken or expired link, a vote outside the voting window, an innovation
    no longer on the shortlist, or an address that has already a confirmed vote in the track.
    Confirming twice is a no-op. Side effects: sets `confirmed_at` (row locked) and deletes the
    address's other unconfirmed requests in that track.
    """
    now = now or timezone.now()
    found = vote_from_token(token)
    vote = FavouriteVote.objects.select_for_update().get(pk=found.pk)
    vote.proposal, vote.track = found.proposal, found.track
    if vote.confirmed_at is not None:
        return vote
    _open_window(vote.proposal.edition, now)
    if not is_on_ballot(vote.proposal):
        raise VoteError(_("This innovation is no longer on the favourite vote's list."))
    if _has_confirmed_vote(vote.track_id, vote.voter_hash):
        raise VoteError(
            _("This e-mail address has already voted in %(track)s. Only the first vote counts.")
            % {"track": vote.track.name}
        )
    vote.confirmed_at = now
    try:
        with transaction.atomic():
            vote.save(update_fields=["confirmed_at"])
    except IntegrityError as exc:  # a second link of the same address confirmed meanwhile
        raise VoteError(
            _("This e-mail address has already voted in %(track)s. Only the first vote counts.")
            % {"track": vote.track.name}
        ) from exc
    FavouriteVote.objects.filter(
        track_id=vote.track_id, voter_hash=vote.voter_hash, confirmed_at__isnull=True
    ).exclude(pk=vote.pk).delete()
    return vote
