"""Demo data of the public portal, loaded by `manage.py load_demo` after judging.

- Announcements on the home page: the current call for proposals, and the 2021 Top Six once the
  judging demo has confirmed that shortlist.

No favourite vote: the real 2021 competition had none, and a finished edition opens nothing now
(the organiser opens a vote for an edition with a confirmed shortlist in the admin, "Favourite
vote windows"). Idempotent: existing rows are left alone.
"""

from django.db import transaction
from django.utils import timezone

from innovations.models import Edition
from judging.models import Shortlist
from public.models import Announcement

DEMO_EDITION = "kiks-2021"


@transaction.atomic
def load(stdout=None):
    """Load the demo announcements; a second run changes nothing."""
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
    if stdout:
        stdout.write(f"  public: {created} announcements created")
