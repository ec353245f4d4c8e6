"""Demo data of the public portal, loaded by `manage.py load_demo` after judging.

- Announcements on the home page: the current call for proposals, and the 2021 Top Six once the
  judging demo has confirmed that shortlist.
- A favourite vote on KIKS 2021, open from now for 30 days: a demonstration only (the real 2021
  competition had none), so that a visitor can vote for a Top Six innovation and confirm it.
  It needs the 2021 shortlist from the judging demo; without one, the vote is skipped.

Idempotent: existing rows are left alone, except that an expired demo vote window is opened
again for 30 days (it is a demonstration, it should always be open).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from innovations.models import Edition
from judging.models import Shortlist
from public.models import Announcement, FavouriteVoteWindow
from public.selectors import ballot

DEMO_EDITION = "kiks-2021"
VOTE_DAYS = 30


@transaction.atomic
def load(stdout=None):
    """Load the demo announcements and the favourite vote; a second run changes nothing."""
    now = timezone.now()
    edition_2021 = Edition.objects.filter(slug=DEMO_EDITION).first()
    current = (
        Edition.objects.open_for_submission(now).order_by("submission_closes_at", "pk").first()
    )
    created = 0
    if current is not None:
        _, made = Announcement.objects.get_or_create(
            title=f"Pendaftaran {current.name} dibuka",
            defaults={
                "edition": current,
                "body": (
                    "Setiap perangkat daerah wajib mengusulkan sekurang-kurangnya satu inovasi "
                    "pelayanan publik (satu SKPD, satu inovasi). Operator SKPD mengisi usulan "
                    "melalui portal ini sebelum batas waktu."
                ),
                "is_published": True,
                "published_at": current.submission_opens_at,
            },
        )
        created += made
    confirmed = (
        Shortlist.objects.filter(stage__edition=edition_2021).order_by("confirmed_at").first()
        if edition_2021 is not None and edition_2021.is_published
        else None
    )
    if confirmed is not None:
        _, made = Announcement.objects.get_or_create(
            title="Top Six KIKS 2021 ditetapkan",
            defaults={
                "edition": edition_2021,
                "body": (
                    "Enam inovasi terbaik KIKS 2021 telah ditetapkan dengan Surat Wali Kota "
                    f"{confirmed.decree_ref} dan mempresentasikan inovasinya di hadapan tim "
                    "penilai."
                ),
                "is_published": True,
                "published_at": confirmed.confirmed_at,
            },
        )
        created += made
    vote = _demo_vote(edition_2021, now)
    if stdout:
        stdout.write(f"  public: {created} announcements created; favourite vote: {vote}")


def _demo_vote(edition, now) -> str:
    if edition is None or not edition.is_published:
        return "skipped (no published KIKS 2021)"
    if not ballot(edition):
        return "skipped (KIKS 2021 has no confirmed shortlist in the judging demo)"
    window, created = FavouriteVoteWindow.objects.get_or_create(
        edition=edition,
        defaults={
            "enabled": True,
            "opens_at": now - datetime.timedelta(hours=1),
            "closes_at": now + datetime.timedelta(days=VOTE_DAYS),
        },
    )
    if not created and window.enabled and window.has_closed(now):
        window.opens_at = now - datetime.timedelta(hours=1)
        window.closes_at = now + datetime.timedelta(days=VOTE_DAYS)
        window.save(update_fields=["opens_at", "closes_at", "updated_at"])
        return f"{edition.name}, reopened until {timezone.localtime(window.closes_at):%Y-%m-%d}"
    return f"{edition.name}, open until {timezone.localtime(window.closes_at):%Y-%m-%d}"
