"""A stage's life: created with default criteria, its settings and criteria, its entries, opened
and closed."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.mail import send_mail
from judging.enums import DEFAULT_STAGE_WEIGHTS, StageKind
from judging.models import Criterion, Stage
from judging.results import compute_stage_results
from judging.services.assignments import assign_judges
from judging.services.base import (
    Action,
    JudgingError,
    lock_stage,
    log_stage_event,
    require_organiser,
)
from judging.services.conflicts import exclude_conflicted_sheets
from judging.services.entries import sync_entries
from judging.validators import criteria_are_frozen, criteria_problems, opening_problems

# Default interview criteria: data the organiser edits, in the organiser's language.
INTERVIEW_CRITERIA = [
    ("Penyajian", "Kejelasan dan keruntutan presentasi dalam waktu yang tersedia.", 30),
    (
        "Penguasaan materi",
        "Pemahaman penyaji atas masalah, inovasi, data, dan dampaknya.",
        40,
    ),
    ("Tanya jawab", "Ketepatan dan kejujuran jawaban atas pertanyaan panel.", 30),
]


DEFAULT_SCALE = (Decimal(1), Decimal(10))


@transaction.atomic
def add_default_criteria(stage) -> int:
    """Give a stage its default criteria unless it has some.

    Desk stage: one criterion per weighted section of the edition's form (SectionTemplate rows with
    weight > 0: the KIPP 2023 weights). Interview stage: presentation, mastery, questions.
    Side effects: creates Criterion rows. Returns how many it created.
    """
    if stage.criteria.exists():
        return 0
    low, high = DEFAULT_SCALE
    if stage.kind == StageKind.DESK:
        rows = [
            Criterion(
                stage=stage,
                order=order,
                name=section.title,
                guidance=section.guidance,
                weight=section.weight,
                scale_min=low,
                scale_max=high,
                section=section,
            )
            for order, section in enumerate(
                stage.edition.sections.filter(weight__gt=0).order_by("order", "pk"), start=1
            )
        ]
    else:
        rows = [
            Criterion(
                stage=stage,
                order=order,
                name=name,
                guidance=guidance,
                weight=weight,
                scale_min=low,
                scale_max=high,
            )
            for order, (name, guidance, weight) in enumerate(INTERVIEW_CRITERIA, start=1)
        ]
    Criterion.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def create_stage(*, edition, kind: str, by, now=None) -> Stage:
    """Add a stage after the edition's last one, with its default weight and criteria; an
    interview stage is a whole-panel stage (every panel member scores every entry).

    Side effects: creates the Stage, its default Criterion rows, its entries when the previous
    stage already has a shortlist, and a StageEvent.
    """
    require_organiser(by)
    now = now or timezone.now()
    last = edition.stages.select_for_update().order_by("-order").first()
    if last is not None and kind == StageKind.DESK:
        raise JudgingError(_("The desk evaluation is the first stage of an edition."))
    stage = Stage.objects.create(
        edition=edition,
        kind=kind,
        order=(last.order + 1) if last else 1,
        weight=DEFAULT_STAGE_WEIGHTS[StageKind(kind)],
        # The interview panel hears every finalist: each of its judges scores each of them.
        whole_panel=kind == StageKind.INTERVIEW,
    )
    add_default_criteria(stage)
    if last is not None:
        sync_entries(stage)
    log_stage_event(stage, Action.CREATED, by=by, at=now)
    return stage


STAGE_SETTINGS = (
    "weight",
    "judges_per_proposal",
    "whole_panel",
    "spread_threshold",
    "score_visibility",
    "show_agency",
    "rank_by",
    "closes_at",
)


@transaction.atomic
def update_stage_settings(stage, *, by, **changes) -> Stage:
    """Change a stage's settings (those in STAGE_SETTINGS).

    The ranking rule cannot change once a shortlist of the stage is confirmed. On a whole-panel
    stage judges_per_proposal follows the panel's size whatever is given. Side effects: saves the
    changed fields; recomputes the results when the rule or the spread threshold changed.
    """
    require_organiser(by)
    unknown = set(changes) - set(STAGE_SETTINGS)
    if unknown:
        raise JudgingError(_("Unknown setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    locked = lock_stage(stage)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    if "rank_by" in changed and locked.shortlists.exists():
        raise JudgingError(
            _("A shortlist of this stage is confirmed: the ranking rule can no longer change.")
        )
    for name in changed:
        setattr(locked, name, changes[name])
    if locked.whole_panel:
        # A whole-panel stage asks as many judges per entry as its panel has.
        locked.judges_per_proposal = max(1, locked.panel.count())
        changed = sorted({*changed, "judges_per_proposal"})
    locked.save(update_fields=changed)
    if {"rank_by", "spread_threshold"} & set(changed) and locked.results_computed_at:
        compute_stage_results(locked)
    stage.__dict__.update({name: getattr(locked, name) for name in changed})
    return locked


@transaction.atomic
def set_criteria(stage, *, criteria: list[dict], by, now=None) -> list[Criterion]:
    """Replace a stage's criteria with `criteria` (dicts: id or None, name, guidance, weight,
    scale_min, scale_max), in that order. Refused once scoring has started or if the weights do
    not add up to 100.

    Side effects: updates, creates and deletes Criterion rows; writes a StageEvent.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    if criteria_are_frozen(locked):
        raise JudgingError(_("Criteria are frozen once scoring starts."))
    problems = criteria_problems(criteria)
    if problems:
        raise JudgingError(problems)
    existing = {criterion.pk: criterion for criterion in locked.criteria.all()}
    kept_ids = {item["id"] for item in criteria if item.get("id") in existing}
    Criterion.objects.filter(stage=locked).exclude(pk__in=kept_ids).delete()
    # Names are unique per stage: park the kept rows under temporary names first, so that a
    # reordering or a swap of names never trips the constraint half-way.
    for pk in kept_ids:
        Criterion.objects.filter(pk=pk).update(name=f"~{pk}")
    saved = []
    for order, item in enumerate(criteria, start=1):
        criterion = existing.get(item.get("id")) or Criterion(stage=locked)
        criterion.order = order
        criterion.name = item["name"].strip()
        criterion.guidance = (item.get("guidance") or "").strip()
        criterion.weight = item["weight"]
        criterion.scale_min = item["scale_min"]
        criterion.scale_max = item["scale_max"]
        criterion.save()
        saved.append(criterion)
    log_stage_event(
        locked,
        Action.CRITERIA_CHANGED,
        by=by,
        at=now,
        note="; ".join(f"{c.name} {c.weight.normalize():f}%" for c in saved),
    )
    return saved


@transaction.atomic
def open_stage(stage, *, by, now=None, notify: bool = True) -> Stage:
    """Open a stage for scoring. Its criteria are frozen from now on.

    Side effects: locks the stage, brings its entries up to date, excludes sheets of conflicted
    assignments, assigns every judge to every entry on a whole-panel stage, sets opened_at /
    opened_by, writes a StageEvent and, with `notify`, e-mails the panel after commit.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    problems = opening_problems(locked)
    sync_entries(locked)
    if not locked.results.exists():
        problems.append(_("The stage has no entries to judge."))
    if problems:
        raise JudgingError(problems)
    locked.opened_at = now
    locked.opened_by = by
    locked.save(update_fields=["opened_at", "opened_by"])
    exclude_conflicted_sheets(locked, by=by, now=now)
    if locked.whole_panel:
        assign_judges(locked, by=by, now=now)
    log_stage_event(locked, Action.OPENED, by=by, at=now)
    recipients = (
        []
        if not notify
        else list(
            locked.panel.filter(judge__is_active=True)
            .exclude(judge__email="")
            .values_list("judge__email", flat=True)
        )
    )
    send_mail(
        to=recipients,
        subject=gettext_lazy("%(stage)s is open for scoring"),
        subject_params={"stage": locked},
        template="judging/email/stage_opened.txt",
        context={"stage": locked},
    )
    stage.opened_at, stage.opened_by = locked.opened_at, locked.opened_by
    return locked


@transaction.atomic
def close_stage(stage, *, by, now=None) -> Stage:
    """Close an open stage: no more scoring; drafts never count.

    Side effects: locks the stage, sets closed_at / closed_by, excludes sheets of conflicted
    assignments, recomputes the results, writes a StageEvent.
    """
    require_organiser(by)
    now = now or timezone.now()
    locked = lock_stage(stage)
    if not locked.is_open:
        raise JudgingError(_("Only an open stage can be closed."))
    locked.closed_at = now
    locked.closed_by = by
    locked.save(update_fields=["closed_at", "closed_by"])
    # A membership that began while the stage was open still excludes its sheets.
    exclude_conflicted_sheets(locked, by=by, now=now)
    compute_stage_results(locked, now=now)
    log_stage_event(locked, Action.CLOSED, by=by, at=now)
    stage.closed_at, stage.closed_by = locked.closed_at, locked.closed_by
    return locked
