"""A new edition, ready to run: the one call the organiser's "new edition" page makes."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import record
from innovations.models import Edition
from innovations.seed import TRACKS, add_tracks
from innovations.services import WorkflowError, add_default_sections, save_edition
from judging.enums import StageKind
from judging.services.base import JudgingError, require_organiser
from judging.services.stages import create_stage


def edition_problems(*, name, year, opens_at, closes_at, verification_closes_at, tracks):
    """Every reason the edition cannot be created as given (empty: it can), in the user's
    language. Read by the form too, so that both refuse with the same words."""
    problems = []
    if not name.strip() or not slugify(name):
        problems.append(_("Give the edition a name."))
    elif (
        Edition.objects.filter(name__iexact=name.strip()).exists()
        or Edition.objects.filter(slug=slugify(name)).exists()
    ):
        problems.append(_("An edition with this name exists already."))
    if opens_at and closes_at and closes_at <= opens_at:
        problems.append(_("Submission must close after it opens."))
    if verification_closes_at and closes_at and verification_closes_at < closes_at:
        problems.append(_("Verification cannot end before submission closes."))
    if not tracks:
        problems.append(_("Choose at least one track."))
    elif set(tracks) - set(TRACKS):
        problems.append(_("Choose the tracks from the list."))
    if opens_at and year and abs(opens_at.year - year) > 1:
        problems.append(_("The submission window is not in the edition's year."))
    return problems


@transaction.atomic
def create_edition(
    *,
    name: str,
    year: int,
    opens_at,
    closes_at,
    verification_closes_at=None,
    tracks=(),
    by,
    now=None,
) -> Edition:
    """Create an edition seeded as every KIKS edition starts: the KIPP 2023 sections
    (innovations.sections), the chosen tracks of innovations.seed.TRACKS (in their order) and the
    desk evaluation stage with its default criteria (one per weighted section); the interview
    stage follows when the shortlist is confirmed. Not published; one proposal per obligated
    agency at least, no cap, six months in operation, as the model's defaults say.

    Refused (JudgingError, every reason) when `by` is not the organiser or edition_problems
    objects. Side effects: creates the Edition, its SectionTemplate and Track rows, the Stage with
    its Criterion rows and StageEvent, and one "edition.create" audit event; all or nothing.
    """
    require_organiser(by)
    ordered = [slug for slug in TRACKS if slug in set(tracks)]
    problems = edition_problems(
        name=name,
        year=year,
        opens_at=opens_at,
        closes_at=closes_at,
        verification_closes_at=verification_closes_at,
        tracks=tracks,
    )
    if problems:
        raise JudgingError(problems)
    edition = Edition(
        name=name.strip(),
        slug=slugify(name),
        year=year,
        submission_opens_at=opens_at,
        submission_closes_at=closes_at,
        verification_closes_at=verification_closes_at,
    )
    try:
        save_edition(edition)
    except WorkflowError as error:
        raise JudgingError(error.messages) from error
    sections = add_default_sections(edition)
    add_tracks(edition, ordered)
    stage = create_stage(edition=edition, kind=StageKind.DESK, by=by, now=now or timezone.now())
    record(
        "edition.create",
        edition,
        by=by,
        after={
            "name": edition.name,
            "year": edition.year,
            "submission_opens_at": opens_at.isoformat(),
            "submission_closes_at": closes_at.isoformat(),
            "verification_closes_at": (
                verification_closes_at.isoformat() if verification_closes_at else None
            ),
            "tracks": ordered,
            "sections": sections,
            "criteria": stage.criteria.count(),
        },
    )
    return edition
