"""Fill the current database with a realistic edition at national scale, for benchmarks.

    python bench/generate_scale.py --proposals 40000 --agencies 2700 --judges 500

(DATABASE_URL and the other settings from the environment, as for manage.py), or from Python with
Django set up: `bench.generate_scale.generate(proposals=40000, agencies=2700, judges=500)`.

Creates, under the tag "s<N>" (so several sizes can live in one database):
- A agencies (every fifth a unit under the one before it), one operator each, an organiser;
- the edition "KIKS Skala <N>" (slug "skala-<N>"): published, submission closed yesterday and
  being judged, five tracks, the KIPP 2023 sections; and "KIKS Skala <N> Kini" ("skala-<N>-kini"),
  open for submission, where operators start new proposals (the rush, the scale-out check);
- N verified proposals (the stage's entries) and N / 10 more submitted, sent back or in draft,
  each with its innovation, every section filled in to its minimum length, a photo and an SK
  letter (every row points to the same two files, written once through the storage API), and
  its status history;
- a desk stage with 8 criteria, J judges with signed pledges, every verified proposal assigned to
  --per-proposal judges (default 5, at least 2) with balanced loads (loads differ by at most one),
  every sheet submitted with a score on every criterion;
- then the judging app's own `compute_stage_results` fills totals, normalised scores and ranks.

Rows go in with COPY on PostgreSQL (bulk INSERTs elsewhere, bench/bulk_writer.py), with ids
reserved up front under a table lock, so 40,000 proposals and 1.6 million scores take a few
minutes. The stage, its criteria and the results go through judging.services; the registry's
order through innovations.public_year. Users share one password hash (--password, default
"kiks-scale-2026"); nothing is e-mailed.
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

if __name__ == "__main__":
    # Run as a script: Django first, set up from the environment (as bench/prepare.py does).
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiks.settings")
    import django

    django.setup()

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agencies.enums import AgencyKind, MembershipRole, Role
from agencies.models import Agency, Membership
from bench.bulk_writer import Writer
from bench.scale_content import pdf, png, text, webp
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
TEXT_VARIANTS = 48


class ScaleError(ValueError):
    """The options cannot make an edition, or the edition of that size exists already."""


def generate(
    *,
    proposals: int,
    agencies: int = 0,
    judges: int = 0,
    per_proposal: int = 5,
    password: str = "kiks-scale-2026",
    seed: int = 2026,
    stdout=None,
) -> Stage:
    """Write the edition "skala-<proposals>" as the module's docstring says, in one transaction,
    with the registry's public years refreshed; then update the planner's statistics (PostgreSQL)
    and compute the desk stage's results. `agencies` defaults to proposals / 15 and `judges` to
    enough for about 400 entries each. Prints its progress to `stdout` (default sys.stdout).
    Returns the desk stage. Raises ScaleError for impossible sizes or an existing edition."""
    n = proposals
    agencies = agencies or max(2, -(-n // 15))
    judges = judges or max(per_proposal, -(-n * per_proposal // 400))
    _check_sizes(n, agencies, judges, per_proposal)
    out = stdout or sys.stdout
    rows = ScaleRows(
        n, agencies, judges, per_proposal, password=password, rng=random.Random(seed), out=out
    )
    with transaction.atomic():
        rows.skip_foreign_key_triggers()
        stage = rows.build()
        # Bulk rows bypass the workflow: the registry's order (Innovation.public_year).
        refresh_public_years(edition_id=Edition.objects.get(slug=f"skala-{n}").pk)
    rows.step("rows written")
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the planner sees the new rows, and the visibility map
        # autovacuum would write later (index-only scans), as on a server in steady state.
        with connection.cursor() as cursor:
            # (VACUUM cannot run inside a transaction, e.g. a test's: ANALYZE then.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        rows.step("statistics and visibility map updated (VACUUM ANALYZE)")
    stage = Stage.objects.get(pk=stage.pk)
    compute_stage_results(stage)
    rows.step("results computed")
    tag = rows.tag
    print(
        f"Edition skala-{n}: {n} proposals, {agencies} agencies, {judges} judges, "
        f"{per_proposal} per proposal; organiser {tag}-organiser, operators {tag}-op-1.., judges "
        f"{tag}-juri-1.. (password {password!r}); stage id {stage.pk}.",
        file=out,
        flush=True,
    )
    return stage


def _check_sizes(n: int, agencies: int, judges: int, per_proposal: int) -> None:
    if n < 1 or agencies < 1:
        raise ScaleError("--proposals and --agencies must be at least 1.")
    if per_proposal < 2:
        raise ScaleError("Every proposal needs at least 2 judges (--per-proposal).")
    if judges < per_proposal:
        raise ScaleError("--judges must be at least --per-proposal.")
    if Edition.objects.filter(slug=f"skala-{n}").exists():
        raise ScaleError(f"The edition skala-{n} exists already: use a fresh database.")


def balanced_judges(entry_index: int, per_proposal: int, judge_count: int) -> list[int]:
    """Judge positions for the entry-th entry: consecutive blocks over the whole panel, so every
    judge gets the same number of entries, plus or minus one, and no entry a judge twice."""
    start = entry_index * per_proposal
    return [(start + offset) % judge_count for offset in range(per_proposal)]


class ScaleRows:
    """The rows of one scale edition, written step by step (build() runs the steps in order).
    Each step keeps the ids the later ones need; all draw from one random generator, in the same
    order every time, so a seed gives the same data."""

    def __init__(self, n, agency_count, judge_count, per, *, password, rng, out):
        self.n, self.tag = n, f"s{n}"
        self.agency_count, self.judge_count, self.per = agency_count, judge_count, per
        self.password, self.rng, self.out = password, rng, out
        self.writer = Writer()
        self.started = time.monotonic()

    def step(self, what):
        print(f"  {time.monotonic() - self.started:7.1f} s  {what}", file=self.out, flush=True)

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
            print("  (foreign keys checked row by row: not a superuser)", file=self.out)

    def build(self) -> Stage:
        self.now = timezone.now()
        self.add_people()
        self.add_edition()
        self.add_proposals()
        self.add_proposal_details()
        stage = self.add_desk_stage()
        self.add_sheets(stage)
        self.add_scores()
        return stage

    def add_people(self):
        """Agencies, their operators, the organiser and the judges, with groups and memberships."""
        writer, tag, now = self.writer, self.tag, self.now
        agency_count, judge_count = self.agency_count, self.judge_count
        user_model = get_user_model()
        hashed = make_password(self.password)
        first_agency = writer.reserve(Agency, agency_count)
        self.agency_ids = list(range(first_agency, first_agency + agency_count))
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
                for i, pk in enumerate(self.agency_ids, start=1)
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
        self.operator_ids = list(range(first_user, first_user + agency_count))
        first_judge = first_user + agency_count
        self.judge_ids = list(range(first_judge, first_judge + judge_count))
        self.organiser = user_model.objects.get(pk=first_user + len(usernames) - 1)
        groups = dict(Group.objects.values_list("name", "pk"))
        writer.insert(
            user_model.groups.through,
            ["user_id", "group_id"],
            [(pk, groups[Role.OPERATOR]) for pk in self.operator_ids]
            + [(pk, groups[Role.JUDGE]) for pk in self.judge_ids]
            + [(self.organiser.pk, groups[Role.ORGANISER])],
        )
        writer.insert(
            Membership,
            ["user_id", "agency_id", "role", "is_active", "created_at"],
            (
                (user, agency, MembershipRole.OPERATOR, True, now)
                for user, agency in zip(self.operator_ids, self.agency_ids, strict=True)
            ),
        )
        self.step(f"{agency_count} agencies, {len(usernames)} users")

    def add_edition(self):
        """The edition, its tracks and sections, and the section texts the proposals share."""
        now, rng = self.now, self.rng
        # Being judged: submission closed yesterday (the desk evaluation opens only after it);
        # the verification period runs on for the proposals still with the desk.
        self.edition = edition = Edition.objects.create(
            year=timezone.localdate().year,
            name=f"KIKS Skala {self.n}",
            slug=f"skala-{self.n}",
            submission_opens_at=now - datetime.timedelta(days=60),
            submission_closes_at=now - datetime.timedelta(days=1),
            verification_closes_at=now + datetime.timedelta(days=30),
            is_published=True,
        )
        # Open for submission now: where operators start and hand in new proposals.
        current = Edition.objects.create(
            year=timezone.localdate().year,
            name=f"KIKS Skala {self.n} Kini",
            slug=f"skala-{self.n}-kini",
            submission_opens_at=now - datetime.timedelta(days=1),
            submission_closes_at=now + datetime.timedelta(days=30),
        )
        for each in (edition, current):
            Track.objects.bulk_create(
                Track(edition=each, name=name, slug=slug, order=order)
                for order, (name, slug) in enumerate(TRACKS, start=1)
            )
            add_default_sections(each)
        self.tracks = list(edition.tracks.order_by("order"))
        self.sections = list(edition.sections.order_by("order", "pk"))
        self.texts = {
            section.pk: [
                (text, len(text.split()))
                for text in (
                    text(rng, max(section.min_words, 20) + rng.randrange(0, 20))
                    for _ in range(TEXT_VARIANTS)
                )
            ]
            for section in self.sections
        }

    def add_proposals(self):
        """Innovations (with their SDGs) and proposals: N verified (the stage's entries) and a
        tenth as many still with the desk: every eleventh one is submitted, sent back or a draft."""
        writer, tag, now, n = self.writer, self.tag, self.now, self.n
        first_innovation = writer.reserve(Innovation, n + n // 10)
        self.first_proposal = first_proposal = writer.reserve(Proposal, n + n // 10)
        opened = self.edition.submission_opens_at
        self.total = total = n + n // 10
        others = [S.SUBMITTED, S.SUBMITTED, S.CHANGES_REQUESTED, S.DRAFT]
        statuses = [S.VERIFIED if i % 11 != 10 else others[(i // 11) % 4] for i in range(total)]
        agency_of = [self.agency_ids[i % self.agency_count] for i in range(total)]
        operator_of = [self.operator_ids[i % self.agency_count] for i in range(total)]
        submitted_at = [
            None if statuses[i] == S.DRAFT else opened + datetime.timedelta(minutes=2 * i + 1)
            for i in range(total)
        ]
        self.statuses, self.operator_of, self.submitted_at = statuses, operator_of, submitted_at
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
                for i in range(total)
            ),
        )
        writer.insert(
            Innovation.sdgs.through,
            ["innovation_id", "sustainabledevelopmentgoal_id"],
            (
                (first_innovation + i, goal)
                for i in range(total)
                for goal in sorted({1 + i % 17, 1 + (i * 7 + 3) % 17})
            ),
        )
        tracks = self.tracks
        writer.insert(
            Proposal,
            ["id", "edition_id", "track_id", "innovation_id", "agency_id", "status", "video_url"]
            + ["submitted_at", "status_changed_at", "created_by_id", "created_at", "updated_at"]
            + ["innovation_name", "innovation_acronym", "innovation_expansion"],
            (
                (
                    first_proposal + i,
                    self.edition.pk,
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
                    # The same identity as the innovation's row above.
                    f"Layanan Inovasi {tag} Nomor {i + 1}",
                    f"SK{i + 1:05d}",
                    f"Sistem Kinerja {i + 1}",
                )
                for i in range(total)
            ),
        )
        self.step(f"{total} innovations and proposals")

    def add_proposal_details(self):
        """Every proposal's section texts, status history, photo and SK letter."""
        writer, now, total = self.writer, self.now, self.total
        first_proposal, texts = self.first_proposal, self.texts
        writer.insert(
            SectionAnswer,
            ["proposal_id", "section_id", "text", "word_count", "updated_at"],
            (
                (first_proposal + i, section.pk)
                + texts[section.pk][(i + k) % TEXT_VARIANTS]
                + (now,)
                for i in range(total)
                for k, section in enumerate(self.sections)
            ),
        )
        writer.insert(
            ProposalStatusChange,
            ["proposal_id", "from_status", "to_status", "by_id", "at", "note"],
            self._status_changes(),
        )
        # The files' folder is named after all the proposals, N + N / 10.
        folder = f"proposals/skala-{total}"
        photo = default_storage.save(f"{folder}/foto.png", ContentFile(png()))
        thumb = default_storage.save(f"{folder}/thumbs/foto.webp", ContentFile(webp()))
        letter = default_storage.save(f"{folder}/sk.pdf", ContentFile(pdf()))
        photo_size, letter_size = default_storage.size(photo), default_storage.size(letter)
        operator_of = self.operator_of
        writer.insert(
            Attachment,
            ["proposal_id", "kind", "file", "thumbnail", "original_name", "content_type", "size"]
            + ["caption", "uploaded_by_id", "uploaded_at"],
            (
                row
                for i in range(total)
                for row in (
                    (first_proposal + i, AttachmentKind.PHOTO, photo, thumb, "foto-layanan.png")
                    + ("image/png", photo_size, "Suasana layanan", operator_of[i], now),
                    (first_proposal + i, AttachmentKind.SK_LETTER, letter, None, "sk-tim.pdf")
                    + ("application/pdf", letter_size, "", operator_of[i], now),
                )
            ),
        )
        self.step("section texts, status history, attachments")

    def _status_changes(self) -> list[tuple]:
        """Submitted by the operator; then verified or sent back by the organiser."""
        changes = []
        statuses, submitted_at = self.statuses, self.submitted_at
        for i in range(self.total):
            if statuses[i] == S.DRAFT:
                continue
            pk = self.first_proposal + i
            changes.append((pk, S.DRAFT, S.SUBMITTED, self.operator_of[i], submitted_at[i], ""))
            if statuses[i] != S.SUBMITTED:
                later = submitted_at[i] + datetime.timedelta(days=1)
                note = "" if statuses[i] == S.VERIFIED else "Lengkapi data dukung signifikansi."
                changes.append((pk, S.SUBMITTED, statuses[i], self.organiser.pk, later, note))
        return changes

    def add_desk_stage(self) -> Stage:
        """The desk stage (through judging.services), its panel with signed pledges, and a pending
        result row for every verified proposal (the stage's entries)."""
        writer, now, organiser = self.writer, self.now, self.organiser
        stage = create_stage(edition=self.edition, kind=StageKind.DESK, by=organiser, now=now)
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
        self.criteria = list(stage.criteria.order_by("order", "pk"))
        Stage.objects.filter(pk=stage.pk).update(
            judges_per_proposal=self.per,
            opened_at=now,
            opened_by=organiser,
            closes_at=now + datetime.timedelta(days=45),
        )
        writer.insert(
            PanelMember,
            ["stage_id", "judge_id", "added_by_id", "added_at"],
            ((stage.pk, judge, organiser.pk, now) for judge in self.judge_ids),
        )
        writer.insert(
            ConflictDeclaration,
            ["stage_id", "judge_id", "declared_at", "no_conflicts", "pledge_text"]
            + ["pledge_signed_at"],
            ((stage.pk, judge, now, True, str(PLEDGE_TEXT), now) for judge in self.judge_ids),
        )
        self.entries = [
            self.first_proposal + i for i in range(self.total) if self.statuses[i] == S.VERIFIED
        ]
        writer.insert(
            StageResult,
            ["stage_id", "proposal_id", "judges_counted", "tie_break", "spread_flagged"]
            + ["decision", "decree_ref", "added_at"],
            ((stage.pk, pk, 0, "", False, "pending", "", now) for pk in self.entries),
        )
        return stage

    def add_sheets(self, stage):
        """Every entry assigned to `per` judges with balanced loads, every sheet submitted."""
        writer, now, rng, organiser = self.writer, self.now, self.rng, self.organiser
        self.pairs = pairs = [
            (self.judge_ids[j], proposal)
            for e, proposal in enumerate(self.entries)
            for j in balanced_judges(e, self.per, self.judge_count)
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
        self.first_sheet = first_sheet = writer.reserve(ScoreSheet, len(pairs))
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
        self.step(f"stage, {len(self.entries)} entries, {len(pairs)} assignments and sheets")

    def add_scores(self):
        """A score on every criterion of every sheet: the entry's quality, the judge's leniency
        and some noise, in half points from 1 to 10."""
        rng, pairs, criteria, first_sheet = self.rng, self.pairs, self.criteria, self.first_sheet
        quality = {pk: rng.uniform(3.5, 8.5) for pk in self.entries}
        leniency = {judge: rng.uniform(-0.8, 0.8) for judge in self.judge_ids}
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

        count = self.writer.insert(
            Score,
            ["sheet_id", "criterion_id", "value", "scale_min", "scale_max", "comment"],
            scores(),
        )
        self.step(f"{count} scores")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Fill the current database with an edition at national scale (benchmarks)."
    )
    parser.add_argument("--proposals", type=int, required=True)
    parser.add_argument("--agencies", type=int, default=0, help="Default: proposals / 15.")
    parser.add_argument("--judges", type=int, default=0, help="Default: enough for ~400 each.")
    parser.add_argument("--per-proposal", type=int, default=5, help="Judges per proposal.")
    parser.add_argument("--password", default="kiks-scale-2026")
    parser.add_argument("--seed", type=int, default=2026)
    try:
        generate(**vars(parser.parse_args(argv)))
    except ScaleError as error:
        print(f"generate_scale: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
