"""Fill the database with a realistic edition at national scale, for benchmarks.

    python manage.py generate_scale --proposals 40000 --agencies 2700 --judges 500

Creates, under the tag "s<N>" (so several sizes can live in one database):
- A agencies (every fifth a unit under the one before it), one operator each, an organiser;
- the edition "KIKS Skala <N>" (slug "skala-<N>"): open for submission, published, five tracks,
  the KIPP 2023 sections;
- N verified proposals (the stage's entries) and N / 10 more submitted, sent back or in draft,
  each with its innovation, every section filled in to its minimum length, a photo and an SK
  letter (every row points to the same two files, written once through the storage API), and
  its status history;
- a desk stage with 8 criteria, J judges with signed pledges, every verified proposal assigned to
  --per-proposal judges (default 5, at least 2) with balanced loads (loads differ by at most one),
  every sheet submitted with a score on every criterion;
- then the judging app's own `compute_stage_results` fills totals, normalised scores and ranks.

Rows go in with COPY on PostgreSQL (bulk INSERTs elsewhere), with ids reserved up front under a
table lock, so 40,000 proposals and 1.6 million scores take a few minutes. The stage, its
criteria and the results go through judging.services. Users share one password hash
(--password, default "kiks-scale-2026"); nothing is e-mailed.
"""

import datetime
import io
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from PIL import Image

from agencies.enums import AgencyKind, MembershipRole, Role
from agencies.models import Agency, Membership
from innovations.enums import (
    AttachmentKind,
    InitiatorKind,
    InnovationForm,
    InnovationStage,
    ProposalStatus,
)
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
    Track,
)
from innovations.public_year import refresh_public_years
from innovations.services import add_default_sections
from judging.enums import SheetStatus, StageKind
from judging.models import (
    Assignment,
    ConflictDeclaration,
    PanelMember,
    Score,
    ScoreSheet,
    Stage,
    StageResult,
)
from judging.services import PLEDGE_TEXT, compute_stage_results, create_stage, set_criteria

S = ProposalStatus
TRACKS = [
    ("Umum", "umum"),
    ("Kewilayahan", "kewilayahan"),
    ("UPTD", "uptd"),
    ("Pendidikan", "pendidikan"),
    ("Perumda", "perumda"),
]
# The desk stage's 8 criteria: the seven weighted KIPP sections and the quality of the evidence.
CRITERIA = [
    ("Latar Belakang dan Tujuan", 10),
    ("Kebaruan / Nilai Tambah", 15),
    ("Implementasi Inovasi", 5),
    ("Signifikansi", 25),
    ("Adaptabilitas", 20),
    ("Sumber Daya", 5),
    ("Strategi Keberlanjutan", 15),
    ("Kualitas Bukti Pendukung", 5),
]
KINDS = [AgencyKind.DINAS, AgencyKind.BADAN, AgencyKind.KECAMATAN, AgencyKind.RSUD]
WORDS = (  # noqa: SIM905
    "pelayanan publik masyarakat warga inovasi daerah kota kabupaten data digital aplikasi "
    "layanan cepat mudah murah terpadu pengaduan kesehatan pendidikan anak ibu lansia desa "
    "kelurahan kecamatan anggaran program kegiatan hasil dampak manfaat peningkatan "
    "penurunan waktu biaya antrian dokumen izin perizinan kependudukan sampah air bersih "
    "jalan pasar petani nelayan umkm ekonomi sosial budaya partisipasi kolaborasi replikasi "
    "keberlanjutan regulasi peraturan wali kota surat keputusan tim pelaksana evaluasi "
    "monitoring capaian target indikator survei kepuasan persen tahun bulan minggu hari "
    "jumlah penerima"
).split()
TEXT_VARIANTS = 48
COPY_ROWS = 50_000


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def reserve(self, model, count: int) -> int:
        """Lock the table and return the first of `count` free ids (the caller inserts them)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
            cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
            return cursor.fetchone()[0] + 1

    def insert(self, model, fields: list[str], rows) -> int:
        """Insert `rows` (tuples in the order of `fields`, attribute names). Returns the count."""
        table = model._meta.db_table
        fields, extra = self._with_defaults(model, fields)
        if extra:
            rows = (tuple(row) + extra for row in rows)
        columns = [model._meta.get_field(name).column for name in fields]
        quoted = ", ".join(f'"{column}"' for column in columns)
        count = 0
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= COPY_ROWS:
                self._flush(table, quoted, len(columns), batch)
                count += len(batch)
                batch = []
        if batch:
            self._flush(table, quoted, len(columns), batch)
            count += len(batch)
        if self.postgres and "id" in fields:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f'(SELECT COALESCE(MAX("id"), 1) FROM "{table}"))',
                    [f'"{table}"'],
                )
        return count

    @staticmethod
    def _with_defaults(model, fields):
        """Add the NOT NULL columns the caller left out, with their model default, so that a field
        added to a model later never breaks the generator."""
        given = set(fields)
        names, values = list(fields), []
        now = timezone.now()
        for field in model._meta.concrete_fields:
            if field.primary_key or field.attname in given or field.name in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                continue
            else:
                value = "" if field.empty_strings_allowed else None
            names.append(field.attname)
            values.append(value)
        return names, tuple(values)

    def _flush(self, table, quoted, width, batch):
        with connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                buffer.writelines(
                    "\t".join([_copy_value(value) for value in row]) + "\n" for row in batch
                )
                buffer.seek(0)
                cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)
            else:
                marks = ", ".join(["%s"] * width)
                cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', batch)


def _text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    sentences = [" ".join(chosen[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def _png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (640, 480), (38, 110, 160))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _webp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), (38, 110, 160)).save(buffer, format="WEBP")
    return buffer.getvalue()


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def balanced_judges(entry_index: int, per_proposal: int, judge_count: int) -> list[int]:
    """Judge positions for the entry-th entry: consecutive blocks over the whole panel, so every
    judge gets the same number of entries, plus or minus one, and no entry a judge twice."""
    start = entry_index * per_proposal
    return [(start + offset) % judge_count for offset in range(per_proposal)]


class Command(BaseCommand):
    help = "Fill the database with an edition at national scale (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--proposals", type=int, required=True)
        parser.add_argument("--agencies", type=int, default=0, help="Default: proposals / 15.")
        parser.add_argument("--judges", type=int, default=0, help="Default: enough for ~400 each.")
        parser.add_argument("--per-proposal", type=int, default=5, help="Judges per proposal.")
        parser.add_argument("--password", default="kiks-scale-2026")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        n = options["proposals"]
        per = options["per_proposal"]
        agencies = options["agencies"] or max(2, -(-n // 15))
        judges = options["judges"] or max(per, -(-n * per // 400))
        if n < 1 or agencies < 1:
            raise CommandError("--proposals and --agencies must be at least 1.")
        if per < 2:
            raise CommandError("Every proposal needs at least 2 judges (--per-proposal).")
        if judges < per:
            raise CommandError("--judges must be at least --per-proposal.")
        tag = f"s{n}"
        if Edition.objects.filter(slug=f"skala-{n}").exists():
            raise CommandError(f"The edition skala-{n} exists already: use a fresh database.")
        self.rng = random.Random(options["seed"])
        self.writer = Writer()
        self.started = time.monotonic()
        with transaction.atomic():
            self.skip_foreign_key_triggers()
            stage = self.build(tag, n, agencies, judges, per, options["password"])
            # Bulk rows bypass the workflow: the registry's order (Innovation.public_year).
            refresh_public_years(edition_id=Edition.objects.get(slug=f"skala-{n}").pk)
        self.step("rows written")
        if connection.vendor == "postgresql":
            # Fresh statistics, so that the planner sees the new rows, and the visibility map
            # autovacuum would write later (index-only scans), as on a server in steady state.
            with connection.cursor() as cursor:
                # (VACUUM cannot run inside a transaction, e.g. a test's: ANALYZE then.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
            self.step("statistics and visibility map updated (VACUUM ANALYZE)")
        compute_stage_results(Stage.objects.get(pk=stage.pk))
        self.step("results computed")
        self.stdout.write(
            self.style.SUCCESS(
                f"Edition skala-{n}: {n} proposals, {agencies} agencies, {judges} judges, "
                f"{per} per proposal; organiser {tag}-organiser, operators {tag}-op-1.., judges "
                f"{tag}-juri-1.. (password {options['password']!r}); stage id {stage.pk}."
            )
        )

    def skip_foreign_key_triggers(self):
        """On PostgreSQL, as a superuser: no per-row foreign-key trigger for this transaction
        (`session_replication_role = replica`), the usual way to bulk-load rows that are
        consistent by construction; it halves the time at 40,000 proposals. Check constraints and
        unique indexes still apply. Without the privilege, the rows are checked as usual."""
        if connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            self.stdout.write("  (foreign keys checked row by row: not a superuser)")

    def step(self, what):
        self.stdout.write(f"  {time.monotonic() - self.started:7.1f} s  {what}")

    def build(self, tag, n, agency_count, judge_count, per, password):
        now = timezone.now()
        rng, writer = self.rng, self.writer
        user_model = get_user_model()
        hashed = make_password(password)

        # Agencies, their operators, the organiser and the judges.
        first_agency = writer.reserve(Agency, agency_count)
        agency_ids = list(range(first_agency, first_agency + agency_count))
        writer.insert(
            Agency,
            ["id", "name", "short_name", "slug", "kind", "parent_id", "is_obligated"]
            + ["is_active", "created_at"],
            (
                (
                    pk,
                    f"Instansi Skala {tag} {i:05d}",
                    f"IS{i}",
                    f"{tag}-instansi-{i}",
                    KINDS[i % len(KINDS)] if i % 5 else AgencyKind.UPTD,
                    pk - 1 if i % 5 == 0 else None,
                    i % 5 != 0,
                    True,
                    now,
                )
                for i, pk in enumerate(agency_ids, start=1)
            ),
        )
        usernames = [f"{tag}-op-{i}" for i in range(1, agency_count + 1)]
        usernames += [f"{tag}-juri-{j}" for j in range(1, judge_count + 1)]
        usernames.append(f"{tag}-organiser")
        first_user = writer.reserve(user_model, len(usernames))
        user_fields = ["id", "password", "is_superuser", "username", "first_name", "last_name"]
        user_fields += ["email", "is_staff", "is_active", "date_joined"]
        writer.insert(
            user_model,
            user_fields,
            (
                (first_user + k, hashed, False, name, name, "", f"{name}@example.test")
                + (name.endswith("organiser"), True, now)
                for k, name in enumerate(usernames)
            ),
        )
        operator_ids = list(range(first_user, first_user + agency_count))
        judge_ids = list(range(first_user + agency_count, first_user + agency_count + judge_count))
        organiser = user_model.objects.get(pk=first_user + len(usernames) - 1)
        groups = dict(Group.objects.values_list("name", "pk"))
        through = user_model.groups.through
        writer.insert(
            through,
            ["user_id", "group_id"],
            [(pk, groups[Role.OPERATOR]) for pk in operator_ids]
            + [(pk, groups[Role.JUDGE]) for pk in judge_ids]
            + [(organiser.pk, groups[Role.ORGANISER])],
        )
        writer.insert(
            Membership,
            ["user_id", "agency_id", "role", "is_active", "created_at"],
            (
                (user, agency, MembershipRole.OPERATOR, True, now)
                for user, agency in zip(operator_ids, agency_ids, strict=True)
            ),
        )
        self.step(f"{agency_count} agencies, {len(usernames)} users")

        # The edition, its tracks and sections.
        edition = Edition.objects.create(
            year=timezone.localdate().year,
            name=f"KIKS Skala {n}",
            slug=f"skala-{n}",
            submission_opens_at=now - datetime.timedelta(days=60),
            submission_closes_at=now + datetime.timedelta(days=30),
            is_published=True,
        )
        tracks = [
            Track.objects.create(edition=edition, name=name, slug=slug, order=order)
            for order, (name, slug) in enumerate(TRACKS, start=1)
        ]
        add_default_sections(edition)
        sections = list(edition.sections.order_by("order", "pk"))
        texts = {
            section.pk: [
                (text, len(text.split()))
                for text in (
                    _text(rng, max(section.min_words, 20) + rng.randrange(0, 20))
                    for _ in range(TEXT_VARIANTS)
                )
            ]
            for section in sections
        }

        # Innovations and proposals.
        first_innovation = writer.reserve(Innovation, n + n // 10)
        first_proposal = writer.reserve(Proposal, n + n // 10)
        opened = edition.submission_opens_at
        # N verified proposals (the stage's entries) and a tenth as many still with the desk:
        # every eleventh one is submitted, sent back or a draft.
        total = n + n // 10
        others = [S.SUBMITTED, S.SUBMITTED, S.CHANGES_REQUESTED, S.DRAFT]
        statuses = [S.VERIFIED if i % 11 != 10 else others[(i // 11) % 4] for i in range(total)]
        n = total
        agency_of = [agency_ids[i % agency_count] for i in range(n)]
        operator_of = [operator_ids[i % agency_count] for i in range(n)]
        submitted_at = [
            None if statuses[i] == S.DRAFT else opened + datetime.timedelta(minutes=2 * i + 1)
            for i in range(n)
        ]
        forms = [InnovationForm.PUBLIC_SERVICE, InnovationForm.GOVERNANCE]
        stages = [InnovationStage.IMPLEMENTATION, InnovationStage.TRIAL]
        writer.insert(
            Innovation,
            ["id", "agency_id", "name", "acronym", "expansion", "slug", "started_on", "form"]
            + ["is_digital", "stage", "initiator_kind", "initiator_name", "created_by_id"]
            + ["created_at", "updated_at"],
            (
                (
                    first_innovation + i,
                    agency_of[i],
                    f"Layanan Inovasi {tag} Nomor {i + 1}",
                    f"SK{i + 1:05d}",
                    f"Sistem Kinerja {i + 1}",
                    f"{tag}-inovasi-{i + 1}",
                    datetime.date(2018 + i % 6, 1 + i % 12, 1),
                    forms[i % 2],
                    i % 3 == 0,
                    stages[i % 2],
                    InitiatorKind.TEAM,
                    f"Tim Inovasi {i + 1}",
                    operator_of[i],
                    now,
                    now,
                )
                for i in range(n)
            ),
        )
        sdg_through = Innovation.sdgs.through
        writer.insert(
            sdg_through,
            ["innovation_id", "sustainabledevelopmentgoal_id"],
            (
                (first_innovation + i, goal)
                for i in range(n)
                for goal in sorted({1 + i % 17, 1 + (i * 7 + 3) % 17})
            ),
        )
        writer.insert(
            Proposal,
            ["id", "edition_id", "track_id", "innovation_id", "agency_id", "status", "video_url"]
            + ["submitted_at", "status_changed_at", "created_by_id", "created_at", "updated_at"],
            (
                (
                    first_proposal + i,
                    edition.pk,
                    tracks[i % len(tracks)].pk,
                    first_innovation + i,
                    agency_of[i],
                    statuses[i],
                    f"https://www.youtube.com/watch?v=skala{i + 1}",
                    submitted_at[i],
                    submitted_at[i] or now,
                    operator_of[i],
                    now,
                    now,
                )
                for i in range(n)
            ),
        )
        self.step(f"{n} innovations and proposals")
        writer.insert(
            SectionAnswer,
            ["proposal_id", "section_id", "text", "word_count", "updated_at"],
            (
                (first_proposal + i, section.pk)
                + texts[section.pk][(i + k) % TEXT_VARIANTS]
                + (now,)
                for i in range(n)
                for k, section in enumerate(sections)
            ),
        )
        changes = []
        for i in range(n):
            if statuses[i] == S.DRAFT:
                continue
            changes.append(
                (first_proposal + i, S.DRAFT, S.SUBMITTED, operator_of[i], submitted_at[i], "")
            )
            if statuses[i] != S.SUBMITTED:
                later = submitted_at[i] + datetime.timedelta(days=1)
                note = "" if statuses[i] == S.VERIFIED else "Lengkapi data dukung signifikansi."
                changes.append(
                    (first_proposal + i, S.SUBMITTED, statuses[i], organiser.pk, later, note)
                )
        writer.insert(
            ProposalStatusChange,
            ["proposal_id", "from_status", "to_status", "by_id", "at", "note"],
            changes,
        )
        photo = default_storage.save(f"proposals/skala-{n}/foto.png", ContentFile(_png()))
        thumb = default_storage.save(f"proposals/skala-{n}/thumbs/foto.webp", ContentFile(_webp()))
        letter = default_storage.save(f"proposals/skala-{n}/sk.pdf", ContentFile(_pdf()))
        photo_size, letter_size = default_storage.size(photo), default_storage.size(letter)
        writer.insert(
            Attachment,
            ["proposal_id", "kind", "file", "thumbnail", "original_name", "content_type", "size"]
            + ["caption", "uploaded_by_id", "uploaded_at"],
            (
                row
                for i in range(n)
                for row in (
                    (first_proposal + i, AttachmentKind.PHOTO, photo, thumb, "foto-layanan.png")
                    + ("image/png", photo_size, "Suasana layanan", operator_of[i], now),
                    (first_proposal + i, AttachmentKind.SK_LETTER, letter, None, "sk-tim.pdf")
                    + ("application/pdf", letter_size, "", operator_of[i], now),
                )
            ),
        )
        self.step("section texts, status history, attachments")

        # The desk stage: criteria, panel, pledges, entries, assignments, sheets, scores.
        stage = create_stage(edition=edition, kind=StageKind.DESK, by=organiser, now=now)
        set_criteria(
            stage,
            criteria=[
                {
                    "id": None,
                    "name": name,
                    "weight": Decimal(weight),
                    "scale_min": Decimal(1),
                    "scale_max": Decimal(10),
                }
                for name, weight in CRITERIA
            ],
            by=organiser,
            now=now,
        )
        criteria = list(stage.criteria.order_by("order", "pk"))
        Stage.objects.filter(pk=stage.pk).update(
            judges_per_proposal=per,
            opened_at=now,
            opened_by=organiser,
            closes_at=now + datetime.timedelta(days=45),
        )
        writer.insert(
            PanelMember,
            ["stage_id", "judge_id", "added_by_id", "added_at"],
            ((stage.pk, judge, organiser.pk, now) for judge in judge_ids),
        )
        writer.insert(
            ConflictDeclaration,
            ["stage_id", "judge_id", "declared_at", "no_conflicts", "pledge_text"]
            + ["pledge_signed_at"],
            ((stage.pk, judge, now, True, str(PLEDGE_TEXT), now) for judge in judge_ids),
        )
        entries = [first_proposal + i for i in range(n) if statuses[i] == S.VERIFIED]
        writer.insert(
            StageResult,
            ["stage_id", "proposal_id", "judges_counted", "tie_break", "spread_flagged"]
            + ["decision", "decree_ref", "added_at"],
            ((stage.pk, pk, 0, "", False, "pending", "", now) for pk in entries),
        )
        pairs = [
            (judge_ids[j], proposal)
            for e, proposal in enumerate(entries)
            for j in balanced_judges(e, per, judge_count)
        ]
        first_assignment = writer.reserve(Assignment, len(pairs))
        writer.insert(
            Assignment,
            ["id", "stage_id", "judge_id", "proposal_id", "position", "is_manual"]
            + ["created_by_id", "created_at"],
            (
                (first_assignment + k, stage.pk, judge, proposal, rng.randrange(1, 2**31 - 1))
                + (False, organiser.pk, now)
                for k, (judge, proposal) in enumerate(pairs)
            ),
        )
        first_sheet = writer.reserve(ScoreSheet, len(pairs))
        submitted = now + datetime.timedelta(hours=1)
        writer.insert(
            ScoreSheet,
            ["id", "assignment_id", "status", "overall_comment", "saved_at", "submitted_at"]
            + ["excluded", "excluded_reason"],
            (
                (first_sheet + k, first_assignment + k, SheetStatus.SUBMITTED)
                + ("Cukup baik; perkuat data dampak.", submitted, submitted, False, "")
                for k in range(len(pairs))
            ),
        )
        self.step(f"stage, {len(entries)} entries, {len(pairs)} assignments and sheets")
        quality = {pk: rng.uniform(3.5, 8.5) for pk in entries}
        leniency = {judge: rng.uniform(-0.8, 0.8) for judge in judge_ids}
        values = [Decimal(x) / 2 for x in range(2, 21)]  # 1.0 .. 10.0 in half points
        low, high = Decimal(1), Decimal(10)

        def scores():
            uniform = rng.uniform
            for k, (judge, proposal) in enumerate(pairs):
                base = quality[proposal] + leniency[judge]
                sheet = first_sheet + k
                for criterion in criteria:
                    raw = base + uniform(-1.0, 1.0)
                    index = min(18, max(0, int(raw * 2 + 0.5) - 2))
                    yield (sheet, criterion.pk, values[index], low, high, "")

        count = writer.insert(
            Score,
            ["sheet_id", "criterion_id", "value", "scale_min", "scale_max", "comment"],
            scores(),
        )
        self.step(f"{count} scores")
        return stage
