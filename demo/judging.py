"""Demo judging data, loaded by `manage.py load_demo` after agencies and innovations.

- KIKS 2021 (slug "kiks-2021"), in the order of the article of 22 March 2021: a desk stage in
  early March (five judges, juri1..juri5; juri1 works at Dinas Kesehatan, so is in conflict with
  its proposals and its units'), every verified proposal scored by two judges, the real Top Six
  (Cendol, One RooF, Petikemas, Udunan Online, Sicepot, Rijari) on top, confirmed by the mayor's
  decree of 19 March 2021. Only those six present and are interviewed, on 30 March 2021, by the
  whole panel with the mayor; the final result is confirmed on 6 April and published on 8 April;
  the six go on to the West Java competition (KIJB).
- The edition open for submission now, if any: a desk stage ready to open (default criteria and
  the five judges, not opened).

Idempotent (an edition that already has stages is left alone) and quick: the stage, panel,
declarations, assignment, results and shortlists go through the services; only the 2021 score
rows go in with bulk_create, as the judges would have typed them. Nothing is e-mailed.
If KIKS 2021 or the demo accounts do not exist yet, it does nothing.
"""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from innovations.models import Edition, Innovation, Proposal
from judging.enums import AwardKind, SheetStatus, StageKind
from judging.models import (
    ExternalRecognition,
    FinalEntry,
    FinalResult,
    Score,
    ScoreSheet,
    StageResult,
)
from judging.services import (
    PLEDGE_TEXT,
    assign_judges,
    close_stage,
    confirm_final_result,
    confirm_shortlist,
    create_stage,
    declare_conflicts,
    forward_to_kijb,
    give_award,
    open_stage,
    publish_final_result,
    record_consensus_note,
    schedule_slot,
    set_panel,
    update_stage_settings,
)

WIB = ZoneInfo("Asia/Jakarta")
JUDGES = ["juri1", "juri2", "juri3", "juri4", "juri5"]
# The real 2021 Top Six, in the order the demo ranks them.
TOP_SIX = ["Cendol", "One RooF", "Petikemas", "Udunan Online", "Sicepot", "Rijari"]
DECREE_NUMBER = "061/Kep.118-Org/2021"
DECREE_DATE = datetime.date(2021, 3, 19)
# How generous each judge is, in score points on the 1-10 scale.
LENIENCY = {"juri1": 0.0, "juri2": 0.3, "juri3": -0.4, "juri4": 0.6, "juri5": -0.2}
COMMENTS = [
    (8.0, "Inovasi matang dengan dampak yang terukur; layak direplikasi."),
    (6.0, "Cukup baik; perkuat data sebelum dan sesudah serta rencana keberlanjutan."),
    (0.0, "Masih tahap awal; bukti dampak dan dukungan anggaran belum memadai."),
]


def _wib(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


def load(stdout=None):
    """Load the demo judging data; a second run changes nothing."""
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=[*JUDGES, "organisasi"])
    }
    organiser = users.get("organisasi")
    judges = [users[name] for name in JUDGES if name in users]
    edition = Edition.objects.filter(slug="kiks-2021").first()
    if edition is None or organiser is None or len(judges) != len(JUDGES):
        return
    done_2021 = _load_2021(edition, organiser, judges)
    mayor = get_user_model().objects.filter(username="walikota").first()
    done_finals = _load_2021_finals(edition, organiser, judges + ([mayor] if mayor else []))
    _load_recognitions()
    done_now = _load_current(organiser, judges)
    if stdout:
        stdout.write(
            f"  judging: KIKS 2021 desk stage {'created' if done_2021 else 'already there'}; "
            f"finals {'created' if done_finals else 'already there'}; "
            f"current edition stage {'created' if done_now else 'already there or none'}"
        )


def _sign(stage, judges, *, first, every) -> None:
    """Each judge declares no conflict and signs the pledge, one after the other."""
    for number, judge in enumerate(judges):
        declare_conflicts(
            stage,
            judge=judge,
            conflicts={},
            pledge_text=str(PLEDGE_TEXT),
            now=first + number * every,
        )


def _quality(acronym: str) -> float:
    """How good a proposal is on the 1-10 scale: the Top Six clearly above the rest."""
    if acronym in TOP_SIX:
        return 9.1 - 0.12 * TOP_SIX.index(acronym)
    return random.Random(f"kiks-2021-{acronym}").uniform(4.2, 7.0)


def _value(quality: float, judge: str, rng: random.Random) -> Decimal:
    raw = quality + LENIENCY[judge] + rng.uniform(-0.6, 0.6)
    return Decimal(str(min(10.0, max(1.0, round(raw * 2) / 2))))


@transaction.atomic
def _load_2021(edition, organiser, judges) -> bool:
    if edition.stages.exists():
        return False
    opened, deadline, closed = _wib(2021, 3, 8, 8), _wib(2021, 3, 15, 23, 59), _wib(2021, 3, 16, 16)
    stage = create_stage(edition=edition, kind=StageKind.DESK, by=organiser, now=opened)
    update_stage_settings(stage, by=organiser, closes_at=deadline)
    set_panel(stage, judges=judges, by=organiser, now=opened)
    assign_judges(stage, by=organiser, seed=2021, now=opened)
    open_stage(stage, by=organiser, now=opened, notify=False)
    _sign(
        stage, judges, first=opened + datetime.timedelta(hours=2), every=datetime.timedelta(hours=1)
    )

    criteria = list(stage.criteria.order_by("order", "pk"))
    sheets = list(
        ScoreSheet.objects.filter(assignment__stage=stage)
        .select_related("assignment__judge", "assignment__proposal__innovation")
        .order_by("assignment__judge__username", "assignment__position")
    )
    # One entry the judges disagree on (one of its judges is much harsher), to show the flag.
    disputed = sorted(
        {s.assignment.proposal.innovation_acronym for s in sheets} - set(TOP_SIX), key=str.lower
    )[3]
    harsh = next(
        sheet.assignment.judge_id
        for sheet in sheets
        if sheet.assignment.proposal.innovation_acronym == disputed
    )
    scores = []
    for index, sheet in enumerate(sheets):
        judge = sheet.assignment.judge.username
        acronym = sheet.assignment.proposal.innovation_acronym
        rng = random.Random(f"{judge}-{acronym}")
        quality = _quality(acronym)
        if acronym == disputed and sheet.assignment.judge_id == harsh:
            quality -= 3.5
        values = [_value(quality, judge, rng) for _criterion in criteria]
        scores += [
            Score(
                sheet=sheet,
                criterion=criterion,
                value=value,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
            )
            for criterion, value in zip(criteria, values, strict=True)
        ]
        mean = sum(values) / len(values)
        sheet.overall_comment = next(text for floor, text in COMMENTS if mean >= Decimal(floor))
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = opened + datetime.timedelta(days=1 + index % 6, hours=index % 9)
        sheet.saved_at = sheet.submitted_at
    Score.objects.bulk_create(scores)
    ScoreSheet.objects.bulk_update(
        sheets, ["overall_comment", "status", "submitted_at", "saved_at"]
    )
    close_stage(stage, by=organiser, now=closed)

    for track in edition.tracks.order_by("order", "pk"):
        ranked = list(
            StageResult.objects.filter(stage=stage, proposal__track=track, rank__isnull=False)
            .order_by("rank", "proposal_id")
            .values_list("proposal_id", flat=True)[: track.shortlist_size]
        )
        if not ranked:
            continue
        chosen = ranked
        if track.slug == "umum":
            chosen = list(
                Proposal.objects.filter(
                    edition=edition, track=track, innovation__acronym__in=TOP_SIX
                ).values_list("pk", flat=True)
            )
        confirm_shortlist(
            stage,
            track=track,
            proposal_ids=chosen,
            decree_number=DECREE_NUMBER,
            decree_date=DECREE_DATE,
            by=organiser,
            reason="" if set(chosen) == set(ranked) else "Sesuai Surat Wali Kota.",
            now=_wib(2021, 3, 19, 14),
            notify=False,
        )
    return True


@transaction.atomic
def _load_current(organiser, judges) -> bool:
    edition = (
        Edition.objects.open_for_submission(timezone.now())
        .order_by("submission_closes_at", "pk")
        .first()
    )
    if edition is None or edition.stages.exists():
        return False
    stage = create_stage(edition=edition, kind=StageKind.DESK, by=organiser)
    set_panel(stage, judges=judges, by=organiser)
    return True


# --- finals of 2021 -----------------------------------------------------------------------------

# How the Top Six did in front of the panel (1-10 scale): Cendol, Rijari and Sicepot convince.
INTERVIEW_QUALITY = {
    "Cendol": 9.4,
    "Rijari": 9.2,
    "Sicepot": 9.0,
    "One RooF": 7.4,
    "Petikemas": 7.1,
    "Udunan Online": 6.9,
}
FINAL_DECREE_NUMBER = "061/Kep.150-Org/2021"
FINAL_DECREE_DATE = datetime.date(2021, 4, 6)
CONSENSUS = {
    "Cendol": "Panel sepakat: dampak literasi anak terukur, mudah direplikasi, layak ke KIJB.",
    "Rijari": "Panel sepakat: deteksi dini murah yang melibatkan warga; data skrining kuat.",
    "Sicepot": "Panel sepakat: kolaborasi lintas sektor kuat; perlu data keberlanjutan anggaran.",
}
# As the article of 22 March 2021 gives them: Sikalem and Bunut FM in the Top 10 of the West Java
# competition 2020 (among the city's four in its Top 32); Cetek opening the city's run of
# public-service innovation awards from 2017, its award's name and level not given.
RECOGNITIONS = [
    ("Sikalem", "Top 10 Kompetisi Inovasi Jawa Barat 2020", 2020, "province", ""),
    ("Bunut FM", "Top 10 Kompetisi Inovasi Jawa Barat 2020", 2020, "province", ""),
    (
        "Cetek",
        "Penghargaan inovasi pelayanan publik (inovasi kesehatan gratis)",
        2017,
        "unstated",
        "Pemberitaan 22 Maret 2021: awal rangkaian penghargaan inovasi Kota Sukabumi 2017-2020; "
        "nama dan tingkat penghargaan tidak disebutkan.",
    ),
]


INTERVIEW_DAY = _wib(2021, 3, 30, 8)
KIJB_FORWARDED_ON = datetime.date(2021, 4, 15)


@transaction.atomic
def _load_2021_finals(edition, organiser, panel) -> bool:
    """Interviews scheduled and scored by the whole panel (the five judges and the mayor),
    consensus notes, the final result confirmed and published, winners, and the Top Six forwarded
    to KIJB."""
    stage = edition.stages.filter(kind=StageKind.INTERVIEW).first()
    if stage is None or FinalResult.objects.filter(edition=edition).exists():
        return False
    if stage.opened_at is not None:
        return False  # someone is running these interviews by hand: leave them alone
    set_panel(stage, judges=panel, by=organiser, now=INTERVIEW_DAY)
    entries = list(
        StageResult.objects.filter(stage=stage)
        .select_related("proposal__innovation")
        .order_by("proposal__innovation_acronym")
    )
    for number, entry in enumerate(entries):
        schedule_slot(
            stage,
            proposal=entry.proposal,
            starts_at=_wib(2021, 3, 30, 9) + datetime.timedelta(minutes=25 * number),
            place="Ruang Rapat Utama Balai Kota Sukabumi",
            by=organiser,
            now=_wib(2021, 3, 24, 10),
            notify=False,
        )
    open_stage(stage, by=organiser, now=INTERVIEW_DAY, notify=False)
    minute = datetime.timedelta(minutes=1)
    _sign(stage, panel, first=INTERVIEW_DAY + 5 * minute, every=minute)
    _score_the_interviews(stage)
    for entry in entries:
        note = CONSENSUS.get(entry.proposal.innovation_acronym)
        if note:
            record_consensus_note(
                stage, proposal=entry.proposal, text=note, by=organiser, now=_wib(2021, 3, 30, 15)
            )
    close_stage(stage, by=organiser, now=_wib(2021, 3, 30, 16))
    confirm_final_result(
        edition,
        decree_number=FINAL_DECREE_NUMBER,
        decree_date=FINAL_DECREE_DATE,
        by=organiser,
        now=_wib(2021, 4, 6, 10),
    )
    _give_awards(edition, organiser)
    publish_final_result(edition, by=organiser, now=_wib(2021, 4, 8, 14), notify=False)
    for entry in FinalEntry.objects.filter(edition=edition).select_related("proposal"):
        forward_to_kijb(
            entry.proposal,
            forwarded_on=KIJB_FORWARDED_ON,
            note="Diteruskan ke Biro Organisasi Setda Provinsi Jawa Barat.",
            by=organiser,
        )
    return True


def _score_the_interviews(stage) -> None:
    """Every panel member's sheet of every finalist, as they typed it on the day."""
    criteria = list(stage.criteria.order_by("order", "pk"))
    sheets = list(
        ScoreSheet.objects.filter(assignment__stage=stage, excluded=False)
        .select_related("assignment__judge", "assignment__proposal__innovation")
        .order_by("assignment__judge__username", "assignment__position")
    )
    scores = []
    for index, sheet in enumerate(sheets):
        judge = sheet.assignment.judge.username
        acronym = sheet.assignment.proposal.innovation_acronym
        rng = random.Random(f"interview-{judge}-{acronym}")
        quality = INTERVIEW_QUALITY.get(acronym, 7.0)
        values = [
            Decimal(str(min(10.0, max(1.0, round((quality + rng.uniform(-0.4, 0.4)) * 2) / 2))))
            for _criterion in criteria
        ]
        scores += [
            Score(
                sheet=sheet,
                criterion=criterion,
                value=value,
                scale_min=criterion.scale_min,
                scale_max=criterion.scale_max,
                comment="Jawaban lugas dan didukung data." if value >= 9 else "",
            )
            for criterion, value in zip(criteria, values, strict=True)
        ]
        sheet.overall_comment = next(
            text for floor, text in COMMENTS if sum(values) / len(values) >= Decimal(floor)
        )
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = _wib(2021, 3, 30, 12) + datetime.timedelta(minutes=index)
        sheet.saved_at = sheet.submitted_at
    Score.objects.bulk_create(scores)
    ScoreSheet.objects.bulk_update(
        sheets, ["overall_comment", "status", "submitted_at", "saved_at"]
    )


def _give_awards(edition, organiser) -> None:
    """Winners by final rank in each track, the next one an honourable mention, and a special
    award for Udunan Online."""
    for track in edition.tracks.order_by("order", "pk"):
        ranked = list(
            FinalEntry.objects.filter(edition=edition, track=track, rank__isnull=False)
            .select_related("proposal__innovation")
            .order_by("rank", "proposal_id")
        )
        places = [AwardKind.WINNER_1, AwardKind.WINNER_2, AwardKind.WINNER_3]
        for entry, kind in zip(ranked[: track.winner_count], places, strict=False):
            give_award(edition, proposal=entry.proposal, kind=kind, by=organiser)
        for entry in ranked[track.winner_count : track.winner_count + 1]:
            give_award(edition, proposal=entry.proposal, kind=AwardKind.HONOURABLE, by=organiser)
    udunan = FinalEntry.objects.filter(
        edition=edition, proposal__innovation_acronym="Udunan Online"
    ).first()
    if udunan is not None:
        give_award(
            edition,
            proposal=udunan.proposal,
            kind=AwardKind.SPECIAL,
            title="Inovasi Kolaborasi Warga Terbaik",
            by=organiser,
        )


def _load_recognitions() -> None:
    for acronym, title, year, level, note in RECOGNITIONS:
        innovation = Innovation.objects.filter(acronym=acronym).order_by("pk").first()
        if innovation is not None:
            ExternalRecognition.objects.get_or_create(
                innovation=innovation,
                title=title,
                year=year,
                defaults={"level": level, "note": note},
            )
