"""Plain factory functions: every default is visible here, nothing random."""

import datetime
import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from agencies.enums import AgencyKind, MembershipRole, Role
from agencies.models import Agency, Membership
from innovations.enums import (
    AttachmentKind,
    InnovationForm,
    InnovationStage,
    ProposalStatus,
)
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    SectionAnswer,
    SustainableDevelopmentGoal,
    Track,
)
from innovations.public_year import refresh_public_years
from innovations.services import add_default_sections

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_agency(name=None, *, kind=AgencyKind.DINAS, obligated=True, parent=None, **extra):
    n = _n()
    name = name or f"Dinas Contoh {n}"
    return Agency.objects.create(
        name=name,
        short_name=extra.pop("short_name", f"DC{n}"),
        slug=extra.pop("slug", f"agency-{n}"),
        kind=kind,
        parent=parent,
        is_obligated=obligated,
        **extra,
    )


def make_user(username=None, *, roles=(), password="pw-kiks-test-123", **extra):
    username = username or f"user{_n()}"
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=extra.pop("email", f"{username}@example.test"),
        **extra,
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=str(role)))
    return user


def make_operator(agency, username=None, **extra):
    user = make_user(username, roles=[Role.OPERATOR], **extra)
    Membership.objects.create(user=user, agency=agency, role=MembershipRole.OPERATOR)
    return user


def make_organiser(username=None, **extra):
    return make_user(username, roles=[Role.ORGANISER], is_staff=True, **extra)


def make_judge(username=None, *, agency=None, **extra):
    user = make_user(username, roles=[Role.JUDGE], **extra)
    if agency is not None:
        Membership.objects.create(user=user, agency=agency, role=MembershipRole.MEMBER)
    return user


def make_leader(username=None, **extra):
    return make_user(username, roles=[Role.LEADERSHIP], **extra)


def make_edition(*, open_now=True, sections=True, **extra):
    """An edition whose submission window is open now (or closed a month ago)."""
    n = _n()
    now = timezone.now()
    if open_now:
        opens, closes = now - timedelta(days=30), now + timedelta(days=30)
    else:
        opens, closes = now - timedelta(days=90), now - timedelta(days=30)
    fields = {
        "year": now.year,
        "name": f"KIKS Uji {n}",
        "slug": f"kiks-uji-{n}",
        "submission_opens_at": opens,
        "submission_closes_at": closes,
        "verification_closes_at": closes + timedelta(days=14),
    }
    fields.update(extra)
    edition = Edition.objects.create(**fields)
    if sections:
        add_default_sections(edition)
    return edition


def make_track(edition, name="Umum", **extra):
    return Track.objects.create(
        edition=edition, name=name, slug=extra.pop("slug", f"track-{_n()}"), **extra
    )


def make_innovation(agency, *, name=None, acronym=None, started_on=None, sdgs=(3,), **extra):
    n = _n()
    innovation = Innovation.objects.create(
        agency=agency,
        name=name or f"Inovasi Contoh {n}",
        acronym=acronym or f"INO{n}",
        expansion=extra.pop("expansion", f"Inovasi Nomor {n}"),
        slug=extra.pop("slug", f"inovasi-{n}"),
        started_on=started_on or datetime.date(2020, 1, 15),
        form=extra.pop("form", InnovationForm.PUBLIC_SERVICE),
        stage=extra.pop("stage", InnovationStage.IMPLEMENTATION),
        **extra,
    )
    innovation.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=sdgs))
    return innovation


def words(count: int, word: str = "kata") -> str:
    return " ".join([word] * count)


def png_bytes(size=(32, 24), color=(20, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A minimal valid one-page PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def add_attachment(proposal, kind, *, section=None, content=None, name=None):
    if content is None:
        content = png_bytes() if kind == AttachmentKind.PHOTO else pdf_bytes()
    name = name or ("foto.png" if kind == AttachmentKind.PHOTO else "dokumen.pdf")
    attachment = Attachment(
        proposal=proposal,
        section=section,
        kind=kind,
        original_name=name,
        content_type="image/png" if kind == AttachmentKind.PHOTO else "application/pdf",
        size=len(content),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def make_proposal(
    edition=None,
    *,
    agency=None,
    track=None,
    innovation=None,
    complete=True,
    status=ProposalStatus.DRAFT,
    created_by=None,
    **extra,
):
    """A proposal; `complete` fills every section within limits and attaches what submit needs.

    A non-draft `status` is written directly (arrange step only; the workflow has its own tests).
    """
    edition = edition or make_edition()
    agency = agency or (innovation.agency if innovation else make_agency())
    track = track or edition.tracks.first() or make_track(edition)
    innovation = innovation or make_innovation(agency)
    proposal = Proposal.objects.create(
        edition=edition,
        track=track,
        innovation=innovation,
        agency=agency,
        innovation_name=innovation.name,
        innovation_acronym=innovation.acronym,
        innovation_expansion=innovation.expansion,
        video_url=extra.pop("video_url", "https://video.example/kiks" if complete else ""),
        created_by=created_by,
        **extra,
    )
    if complete:
        sections = list(edition.sections.all())
        SectionAnswer.objects.bulk_create(
            SectionAnswer(
                proposal=proposal,
                section=section,
                text=words(max(section.min_words, 1)),
                word_count=max(section.min_words, 1),
            )
            for section in sections
        )
        add_attachment(proposal, AttachmentKind.SK_LETTER)
        add_attachment(proposal, AttachmentKind.PHOTO)
        for section in sections:
            if section.evidence_required:
                add_attachment(proposal, AttachmentKind.DOCUMENT, section=section)
    if status != ProposalStatus.DRAFT:
        Proposal.objects.filter(pk=proposal.pk).update(status=status, submitted_at=timezone.now())
        proposal.refresh_from_db()
        # As the workflow does: the registry's order (Innovation.public_year).
        refresh_public_years(innovation_ids=[innovation.pk])
    return proposal


# --- Uploads and the operator's pages (innovations, issue 3) -------------------------------------


def jpeg_bytes(size=(40, 20), color=(200, 80, 40), *, exif=None) -> bytes:
    buffer = io.BytesIO()
    extra = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buffer, format="JPEG", **extra)
    return buffer.getvalue()


def jpeg_with_gps_bytes(size=(40, 20)) -> bytes:
    """A JPEG as a phone takes it: GPS position, camera make, and orientation 6 (turn 90°)."""
    from PIL import ExifTags

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraHP"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 55.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 55.0, 48.0)
    return jpeg_bytes(size, exif=exif)


def bomb_png_bytes(width=20000, height=20000) -> bytes:
    """A PNG whose header claims width x height pixels in a few hundred bytes (a decompression
    bomb): 20,000 x 20,000 would need 400 megapixels of memory once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress((b"\x00" + b"\x00" * ((width + 7) // 8)) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def uploaded(name: str, content: bytes, content_type="application/octet-stream"):
    """A file as the browser sends it; the name and content type are the uploader's claims."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def make_edition_in_verification(name, *, opened_days_ago=40):
    """An edition whose submission closed two days ago, verification open five more days."""
    now = timezone.now()
    return make_edition(
        name=name,
        submission_opens_at=now - datetime.timedelta(days=opened_days_ago),
        submission_closes_at=now - datetime.timedelta(days=2),
        verification_closes_at=now + datetime.timedelta(days=5),
    )


def make_edition_window(opens, closes, **extra):
    """An edition with an exact submission window (aware datetimes), for the guards' edge cases."""
    return make_edition(
        submission_opens_at=opens,
        submission_closes_at=closes,
        verification_closes_at=extra.pop("verification_closes_at", closes + timedelta(days=14)),
        **extra,
    )


# --- Public portal and favourite vote (public, issue 7) ----------------------------------------


def make_public_entry(edition=None, **extra):
    """A proposal the public sees: verified, in a published edition (published here if needed)."""
    edition = edition or make_edition(open_now=False, is_published=True)
    if not edition.is_published:
        Edition.objects.filter(pk=edition.pk).update(is_published=True)
        edition.is_published = True
    return make_proposal(edition, status=extra.pop("status", ProposalStatus.VERIFIED), **extra)


def make_confirmed_shortlist(track, proposals, *, decree_number="100/Kep.1-Org/2021", order=1):
    """A closed desk stage of the track's edition (created if missing) whose entries are
    `proposals`, all shortlisted under a confirmed Shortlist with the mayor's decree.
    Rows are written directly (arrange step only; judging has its own workflow tests)."""
    from judging.enums import Decision, StageKind
    from judging.models import Shortlist, Stage, StageResult

    now = timezone.now()
    stage, _created = Stage.objects.get_or_create(
        edition=track.edition,
        order=order,
        defaults={
            "kind": StageKind.DESK,
            "opened_at": now - timedelta(days=20),
            "closed_at": now - timedelta(days=10),
            "results_computed_at": now - timedelta(days=10),
        },
    )
    shortlist = Shortlist.objects.create(
        stage=stage,
        track=track,
        decree_number=decree_number,
        decree_date=(now - timedelta(days=5)).date(),
        confirmed_at=now - timedelta(days=5),
    )
    for rank, proposal in enumerate(proposals, start=1):
        StageResult.objects.create(
            stage=stage,
            proposal=proposal,
            judges_counted=2,
            mean=90 - rank,
            median=90 - rank,
            spread=1,
            rank=rank,
            decision=Decision.SHORTLISTED,
            decree_ref=shortlist.decree_ref,
        )
    return shortlist


def make_vote_window(edition, *, open_now=True, enabled=True):
    """The edition's favourite vote, open now (or closed a day ago)."""
    from public.models import FavouriteVoteWindow

    now = timezone.now()
    if open_now:
        opens, closes = now - timedelta(days=1), now + timedelta(days=7)
    else:
        opens, closes = now - timedelta(days=8), now - timedelta(days=1)
    return FavouriteVoteWindow.objects.create(
        edition=edition, enabled=enabled, opens_at=opens, closes_at=closes
    )
