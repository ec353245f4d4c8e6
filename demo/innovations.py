"""Demo editions and proposals of Kota Sukabumi, loaded by `manage.py load_demo` after agencies
(the tables are in demo.innovations_data).

- KIKS 2021: closed and published, the 65 proposals of that year (61 from the 31 obligated
  agencies and their units, 4 from the Perumda), the Top Six among them, most verified.
- KIKS <this year>: submissions open (opened 30 days ago, close in 30 days at 23:59 WIB), a few
  drafts and submitted proposals, and a complete draft of Dispusipda that `operator.dispusipda`
  can submit straight away.

Idempotent: what exists (editions by slug, innovations by slug, proposals by edition and
innovation) is left alone, so a second run changes nothing. Quick: rows go in with bulk_create,
and the demo files (PDF letters, PNG photos, WebP thumbnails) are generated once in memory and
written through the storage API.
"""

import datetime
import io
import random
import types
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from agencies.models import Agency
from demo.innovations_data import (
    CURRENT_PROPOSALS,
    NEW_INNOVATIONS,
    OTHERS_2021,
    PERUMDA_2021,
    RECOGNISED,
    REJECTED_2021,
    SECTION_TEXTS,
    SENT_BACK_2021,
    TOP_SIX,
)
from innovations.enums import AttachmentKind, InitiatorKind, InnovationStage, ProposalStatus
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
    attachment_path,
    thumbnail_path,
)
from innovations.seed import add_tracks
from innovations.services import add_default_sections, entry_fields
from innovations.validators import count_words

WIB = ZoneInfo("Asia/Jakarta")
S = ProposalStatus


def _wib(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


def _section_texts(values: dict) -> dict[str, str]:
    return {key: " ".join(s.format(**values) for s in pool) for key, pool in SECTION_TEXTS.items()}


# --- Demo files: generated once per run, small and real -------------------------------------------


def _pdf(lines: list[str]) -> bytes:
    """A one-page A4-shaped PDF with a few lines of text (Pillow draws it, pypdf can read it)."""
    page = Image.new("RGB", (620, 877), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((30, 30, 590, 847), outline=(11, 93, 59), width=3)
    for number, line in enumerate(lines):
        draw.text((60, 70 + number * 28), line, fill=(0, 0, 0))
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def _photo(seed: int) -> tuple[bytes, bytes]:
    """A small PNG "photo" and its WebP thumbnail."""
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 320), (rng.randint(120, 230), rng.randint(160, 230), 200))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 420), rng.randint(0, 260)
        colour = (rng.randint(0, 160), rng.randint(60, 160), rng.randint(40, 120))
        draw.ellipse((x, y, x + rng.randint(30, 90), y + rng.randint(30, 90)), fill=colour)
    draw.rectangle((0, 270, 480, 320), fill=(11, 93, 59))
    draw.text((16, 288), "KIKS - dokumentasi kegiatan inovasi", fill="white")
    png, webp = io.BytesIO(), io.BytesIO()
    image.save(png, "PNG")
    thumb = image.copy()
    thumb.thumbnail((240, 240))
    thumb.save(webp, "WEBP", quality=70)
    return png.getvalue(), webp.getvalue()


class DemoFiles:
    def __init__(self):
        self.sk = _pdf(
            [
                "PEMERINTAH KOTA SUKABUMI",
                "SURAT KEPUTUSAN KEPALA PERANGKAT DAERAH",
                "tentang Penetapan Inisiator Inovasi Pelayanan Publik",
                "",
                "(dokumen contoh untuk demo portal KIKS)",
            ]
        )
        self.evidence = _pdf(
            [
                "DATA PENDUKUNG SIGNIFIKANSI",
                "Jumlah penerima manfaat per triwulan",
                "Hasil survei kepuasan masyarakat",
                "",
                "(dokumen contoh untuk demo portal KIKS)",
            ]
        )
        self.photos = [_photo(seed) for seed in range(6)]

    def attachments_for(self, proposal, evidence_section, index: int, by) -> list[Attachment]:
        """SK letter, a photo with its thumbnail, and the evidence of "Signifikansi"."""
        owner = types.SimpleNamespace(proposal_id=proposal.pk)
        png, webp = self.photos[index % len(self.photos)]
        items = [
            (AttachmentKind.SK_LETTER, None, "SK-inisiator.pdf", "application/pdf", self.sk, None),
            (AttachmentKind.PHOTO, None, "kegiatan.png", "image/png", png, webp),
        ]
        if evidence_section is not None:
            items.append(
                (
                    AttachmentKind.DOCUMENT,
                    evidence_section,
                    "data-pendukung.pdf",
                    "application/pdf",
                    self.evidence,
                    None,
                )
            )
        rows = []
        for kind, section, name, content_type, data, thumb in items:
            stored = default_storage.save(attachment_path(owner, name), ContentFile(data))
            thumb_name = (
                default_storage.save(thumbnail_path(owner, "t.webp"), ContentFile(thumb))
                if thumb
                else None
            )
            rows.append(
                Attachment(
                    proposal=proposal,
                    section=section,
                    kind=kind,
                    file=stored,
                    thumbnail=thumb_name,
                    original_name=name,
                    content_type=content_type,
                    size=len(data),
                    caption="Dokumentasi kegiatan" if kind == AttachmentKind.PHOTO else "",
                    uploaded_by=by,
                )
            )
        return rows


# --- Loading ------------------------------------------------------------------------------------


def _edition(slug, **fields):
    edition, created = Edition.objects.get_or_create(slug=slug, defaults=fields)
    add_default_sections(edition)
    return edition, created


def _innovations(rows, agencies, started_for, *, by=None):
    """Innovations of the rows by slug, creating those missing (with their SDGs)."""
    wanted = {}
    for index, (agency_slug, acronym, expansion, name, purpose, sdgs, digital, form) in enumerate(
        rows
    ):
        slug = f"{agency_slug}-{_slug(acronym)}"
        wanted[slug] = (index, agency_slug, acronym, expansion, name, purpose, sdgs, digital, form)
    existing = {
        i.slug: i for i in Innovation.objects.filter(slug__in=wanted).select_related("agency")
    }
    missing = []
    for slug, (
        index,
        agency_slug,
        acronym,
        expansion,
        name,
        _p,
        _s,
        digital,
        form,
    ) in wanted.items():
        if slug in existing:
            continue
        missing.append(
            Innovation(
                agency=agencies[agency_slug],
                name=name,
                acronym=acronym,
                expansion=expansion,
                slug=slug,
                started_on=started_for(index),
                form=form,
                is_digital=digital,
                stage=InnovationStage.IMPLEMENTATION,
                initiator_kind=InitiatorKind.TEAM,
                initiator_name=f"Tim Inovasi {acronym}",
                created_by=by,
            )
        )
    created = Innovation.objects.bulk_create(missing)
    created = list(
        Innovation.objects.filter(slug__in=[i.slug for i in created]).select_related("agency")
    )
    Through = Innovation.sdgs.through
    Through.objects.bulk_create(
        Through(innovation_id=innovation.pk, sustainabledevelopmentgoal_id=number)
        for innovation in created
        for number in wanted[innovation.slug][6]
    )
    existing.update({innovation.slug: innovation for innovation in created})
    return {slug: (existing[slug], wanted[slug]) for slug in wanted}


def _slug(text: str) -> str:
    return slugify(text)


def _fill(proposals_with_values, sections, files, by_for):
    """Answers, attachments for each new proposal (values: the texts' placeholders)."""
    evidence = next((s for s in sections if s.evidence_required), None)
    answers, attachments = [], []
    for index, (proposal, values, complete) in enumerate(proposals_with_values):
        texts = _section_texts(values)
        for section in sections:
            text = texts.get(section.key, "")
            if not complete and section.order > 3:
                continue  # an unfinished draft: only the first sections are written
            answers.append(
                SectionAnswer(
                    proposal=proposal, section=section, text=text, word_count=count_words(text)
                )
            )
        if complete:
            attachments += files.attachments_for(proposal, evidence, index, by_for(proposal))
    SectionAnswer.objects.bulk_create(answers)
    Attachment.objects.bulk_create(attachments)


def _values(innovation, agency, rng, purpose):
    before = rng.randint(5, 14)
    return {
        "acronym": innovation.acronym,
        "expansion": innovation.expansion or innovation.name,
        "agency": agency.name,
        "purpose": purpose,
        "started": f"{innovation.started_on:%m/%Y}",
        "people": f"{rng.randint(8, 120) * 100:,}".replace(",", "."),
        "before": before,
        "after": max(1, before // rng.randint(3, 5)),
        "satisfaction": rng.randint(82, 95),
        "staff": rng.randint(4, 18),
    }


@transaction.atomic
def load(stdout=None):
    """Load the demo editions and proposals; a second run changes nothing."""
    agencies = {agency.slug: agency for agency in Agency.objects.all()}
    users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    organiser = users.get("organisasi")
    operators = {
        "dispusipda": users.get("operator.dispusipda"),
        "dinsos": users.get("operator.dinsos"),
    }
    files = DemoFiles()
    created_2021 = _load_2021(agencies, organiser, operators, files)
    created_now = _load_current(agencies, organiser, operators, files)
    if stdout:
        stdout.write(
            f"  KIKS 2021: {created_2021} proposals created; "
            f"current edition: {created_now} proposals created"
        )


DRAFTED_2021 = _wib(2021, 1, 18, 9, 0)


def _load_2021(agencies, organiser, operators, files) -> int:
    edition, _ = _edition(
        "kiks-2021",
        year=2021,
        name="KIKS 2021",
        # The article of 22 March 2021 already names the Top Six: submission closed in February.
        submission_opens_at=_wib(2021, 1, 4, 8, 0),
        submission_closes_at=_wib(2021, 2, 26, 23, 59),
        verification_closes_at=_wib(2021, 3, 5, 16, 0),
        min_per_agency=1,
        min_months_in_operation=6,
        is_published=True,
    )
    # One track: the 61 proposals of the SKPD and the 4 of the Perumda compete for one Top Six.
    tracks = add_tracks(
        edition,
        ["umum"],
        descriptions={"umum": "Inovasi perangkat daerah, unit kerjanya dan perumda."},
    )
    rows, perumda = TOP_SIX + RECOGNISED + OTHERS_2021, PERUMDA_2021

    def started(index):
        # Between 2017 and 2019: well over six months before the 2021 window closed.
        return datetime.date(2017 + index % 3, 1 + (index * 5) % 12, 1 + (index * 7) % 28)

    innovations = _innovations(rows + perumda, agencies, started)
    existing = set(Proposal.objects.filter(edition=edition).values_list("innovation_id", flat=True))
    rng = random.Random(2021)
    new, history = [], []
    for number, (innovation, spec) in enumerate(innovations.values()):
        if innovation.pk in existing:
            continue
        acronym = innovation.acronym
        submitted_at = _wib(2021, 2, 1, 9, 0) + datetime.timedelta(hours=number * 7)
        decided_at = _wib(2021, 2, 22, 10, 0) + datetime.timedelta(hours=number * 3)
        status = S.REJECTED if acronym in REJECTED_2021 else S.VERIFIED
        proposal = Proposal(
            edition=edition,
            track=tracks["umum"],
            innovation=innovation,
            agency=innovation.agency,
            **entry_fields(innovation),
            status=status,
            video_url=f"https://www.youtube.com/watch?v=kiks21{number:03d}",
            submitted_at=submitted_at,
            status_changed_at=decided_at,
            created_by=operators.get(innovation.agency.slug),
        )
        new.append((proposal, spec, submitted_at, decided_at))
    Proposal.objects.bulk_create([p for p, *_ in new])
    if not new:
        return 0
    # Written now, but dated as they happened: created before submitted, last touched when decided.
    for proposal, _spec, _submitted_at, decided_at in new:
        proposal.created_at, proposal.updated_at = DRAFTED_2021, decided_at
    Proposal.objects.bulk_update([p for p, *_ in new], ["created_at", "updated_at"])
    sections = list(edition.sections.order_by("order"))
    _fill(
        [(p, _values(p.innovation, p.agency, rng, spec[5]), True) for p, spec, *_ in new],
        sections,
        files,
        lambda proposal: operators.get(proposal.agency.slug),
    )
    for proposal, _spec, submitted_at, decided_at in new:
        by = operators.get(proposal.agency.slug)
        acronym = proposal.innovation_acronym
        history.append(_change(proposal, "", S.DRAFT, by, DRAFTED_2021))
        history.append(_change(proposal, S.DRAFT, S.SUBMITTED, by, submitted_at))
        if acronym in SENT_BACK_2021:
            back = submitted_at + datetime.timedelta(days=3)
            history.append(
                _change(
                    proposal,
                    S.SUBMITTED,
                    S.CHANGES_REQUESTED,
                    organiser,
                    back,
                    SENT_BACK_2021[acronym],
                )
            )
            history.append(
                _change(
                    proposal,
                    S.CHANGES_REQUESTED,
                    S.SUBMITTED,
                    by,
                    back + datetime.timedelta(days=2),
                )
            )
        history.append(
            _change(
                proposal,
                S.SUBMITTED,
                proposal.status,
                organiser,
                decided_at,
                REJECTED_2021.get(acronym, ""),
            )
        )
    ProposalStatusChange.objects.bulk_create(history)
    return len(new)


def _change(proposal, from_status, to_status, by, at, note=""):
    return ProposalStatusChange(
        proposal=proposal, from_status=from_status, to_status=to_status, by=by, at=at, note=note
    )


def _load_current(agencies, organiser, operators, files) -> int:
    today = timezone.localdate()
    year = today.year
    opens = datetime.datetime.combine(
        today - datetime.timedelta(days=30), datetime.time(8, 0), tzinfo=WIB
    )
    closes = datetime.datetime.combine(
        today + datetime.timedelta(days=30), datetime.time(23, 59), tzinfo=WIB
    )
    edition, _ = _edition(
        f"kiks-{year}",
        year=year,
        name=f"KIKS {year}",
        submission_opens_at=opens,
        submission_closes_at=closes,
        verification_closes_at=closes + datetime.timedelta(days=14),
        min_per_agency=1,
        max_per_agency=3,
        min_months_in_operation=6,
        is_published=False,
    )
    tracks = add_tracks(edition, ["umum", "kewilayahan"])

    def started(index):
        # At least a year before today: comfortably past the six months.
        return today.replace(day=1) - datetime.timedelta(days=400 + 40 * index)

    fresh = _innovations(NEW_INNOVATIONS, agencies, started)
    by_acronym = {(inn.agency.slug, inn.acronym): (inn, spec[5]) for inn, spec in fresh.values()}
    purposes = {(r[0], r[1]): r[4] for r in TOP_SIX + RECOGNISED + OTHERS_2021}
    wanted = [row for row in CURRENT_PROPOSALS if (row[0], row[1]) not in by_acronym]
    for innovation in Innovation.objects.filter(
        agency__slug__in=[row[0] for row in wanted], acronym__in=[row[1] for row in wanted]
    ).select_related("agency"):
        key = (innovation.agency.slug, innovation.acronym)
        by_acronym[key] = (innovation, purposes.get(key, "melayani warga"))
    existing = set(Proposal.objects.filter(edition=edition).values_list("innovation_id", flat=True))
    rng = random.Random(year)
    now = timezone.now()
    new = []
    for number, (agency_slug, acronym, track, status, complete, note) in enumerate(
        CURRENT_PROPOSALS
    ):
        innovation, purpose = by_acronym[(agency_slug, acronym)]
        if innovation.pk in existing:
            continue
        submitted_at = None
        if status != S.DRAFT:
            submitted_at = now - datetime.timedelta(days=10 - number, hours=number)
        proposal = Proposal(
            edition=edition,
            track=tracks[track],
            innovation=innovation,
            agency=innovation.agency,
            **entry_fields(innovation),
            status=status,
            video_url=(
                f"https://www.youtube.com/watch?v=kiks{year % 100}{number:03d}" if complete else ""
            ),
            submitted_at=submitted_at,
            status_changed_at=now - datetime.timedelta(days=5 - number % 3),
            created_by=operators.get(agency_slug),
        )
        new.append((proposal, purpose, complete, note))
    Proposal.objects.bulk_create([p for p, *_ in new])
    if not new:
        return 0
    sections = list(edition.sections.order_by("order"))
    _fill(
        [
            (p, _values(p.innovation, p.agency, rng, purpose), complete)
            for p, purpose, complete, _n in new
        ],
        sections,
        files,
        lambda proposal: operators.get(proposal.agency.slug),
    )
    history = []
    for proposal, _purpose, _complete, note in new:
        by = operators.get(proposal.agency.slug)
        created = now - datetime.timedelta(days=20)
        history.append(_change(proposal, "", S.DRAFT, by, created))
        if proposal.status != S.DRAFT:
            history.append(_change(proposal, S.DRAFT, S.SUBMITTED, by, proposal.submitted_at))
        if proposal.status == S.CHANGES_REQUESTED:
            history.append(
                _change(
                    proposal,
                    S.SUBMITTED,
                    S.CHANGES_REQUESTED,
                    organiser,
                    proposal.status_changed_at,
                    note,
                )
            )
    ProposalStatusChange.objects.bulk_create(history)
    return len(new)
