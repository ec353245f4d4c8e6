"""Editions: their default sections, and saving one (publication keeps the registry in step; the
apps above may refuse a change that would contradict what they hold)."""

from collections.abc import Callable

from django.db import transaction

from innovations.models import Edition, SectionTemplate
from innovations.public_year import refresh_public_years
from innovations.sections import KIPP_2023_SECTIONS
from innovations.services.access import WorkflowError


@transaction.atomic
def add_default_sections(edition) -> int:
    """Give an edition the KIPP 2023 section list, unless it has sections already.

    Side effects: creates SectionTemplate rows. Returns how many it created.
    """
    if edition.sections.exists():
        return 0
    SectionTemplate.objects.bulk_create(
        SectionTemplate(
            edition=edition,
            key=key,
            order=order,
            title=title,
            guidance=guidance,
            weight=weight,
            min_words=min_words,
            max_words=max_words,
            evidence_required=evidence,
            is_public=(key == "ringkasan"),
        )
        for order, (key, title, guidance, weight, min_words, max_words, evidence) in enumerate(
            KIPP_2023_SECTIONS, start=1
        )
    )
    return len(KIPP_2023_SECTIONS)


# Checks of an edition's change, from the apps above (judging: its lifecycle), registered in their
# AppConfig.ready(): guard(saved edition, edition as it would be saved) -> the problems, if any.
EditionGuard = Callable[[Edition, Edition], list[str]]
_edition_guards: list[EditionGuard] = []


def register_edition_guard(guard: EditionGuard) -> None:
    if guard not in _edition_guards:
        _edition_guards.append(guard)


def edition_change_problems(edition: Edition) -> list[str]:
    """What keeps `edition` (changed, not saved yet) from being saved: the registered guards'
    problems (e.g. judging: unpublishing an edition whose results are published, moving the
    submission window once judging started). A new edition has none. Read by save_edition and by
    the admin's form, so that both refuse the same changes with the same words."""
    if edition.pk is None:
        return []
    saved = Edition.objects.filter(pk=edition.pk).first()
    if saved is None:
        return []
    return [problem for guard in _edition_guards for problem in guard(saved, edition)]


@transaction.atomic
def save_edition(edition: Edition, *, update_fields=None) -> Edition:
    """Save an edition (the admin's form, the results' publication): the one way an edition's
    dates and publication change.

    Refused (WorkflowError) when a registered guard objects (edition_change_problems). Side
    effects: locks and saves the edition row (`update_fields` as for Model.save); when
    `is_published` changed, recomputes `Innovation.public_year` of the innovations entered in it
    (innovations.public_year, which also renews the cached public pages). A new edition has no
    proposals yet: nothing to recompute.
    """
    was_published = (
        Edition.objects.select_for_update()
        .filter(pk=edition.pk)
        .values_list("is_published", flat=True)
        .first()
        if edition.pk
        else None
    )
    problems = edition_change_problems(edition)
    if problems:
        raise WorkflowError(problems)
    edition.save(update_fields=update_fields)
    if was_published is not None and was_published != edition.is_published:
        refresh_public_years(edition_id=edition.pk)
    return edition
