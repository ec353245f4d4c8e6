"""Who reads the judges' scores: one rule, read by every page, export and JSON that shows another
judge's score or total (the ranking, the berita acara, the final result, the selection export,
the KIJB pack, a judge's score sheet).

- The organiser (`agencies.permissions.is_organiser`, run_competition): everything, always.
- A member of a stage's panel, on their own score sheet: the other judges' scores of the same
  entry as the stage's `score_visibility` says (never; after submitting their own sheet; after
  the stage closes): `other_sheets_visible_to`.
- A results reader (leadership, `judging.view_results`) who is not on the stage's panel: the
  stage's results at any time, read only (leadership oversees the competition and judges
  nothing: the existing rule).
- A results reader who sits on the stage's panel is a judge first: while the stage is not closed
  they read no result of it at all (no ranking, no minutes), whatever the visibility setting,
  because a ranking shows every entry's totals, their own draft entries' included. Once the
  stage is closed, the leadership rule applies again. The same for an edition's documents (final
  result, selection export, KIJB pack): hidden while any of the edition's stages they sit on is
  not closed.
"""

from django.db.models import Exists, OuterRef

from agencies.permissions import is_organiser
from judging.enums import ScoreVisibility
from judging.models import PanelMember, ScoreSheet, Stage
from judging.selectors.judges import other_sheets


def _reads_results(user) -> bool:
    return user.is_authenticated and user.has_perm("judging.view_results")


def stage_results_visible_to(user, stage) -> bool:
    """Whether `user` may read the stage's results (every entry's totals, every judge's)."""
    if not user.is_authenticated:
        return False
    if is_organiser(user):
        return True
    if not _reads_results(user):
        return False
    return stage.is_closed or not PanelMember.objects.filter(stage=stage, judge=user).exists()


def edition_results_visible_to(user, edition) -> bool:
    """Whether `user` may read the results of the edition's stages together (the final result and
    the documents built on it)."""
    if not user.is_authenticated:
        return False
    if is_organiser(user):
        return True
    if not _reads_results(user):
        return False
    return not PanelMember.objects.filter(
        stage__edition=edition, stage__closed_at__isnull=True, judge=user
    ).exists()


def result_stages_for(user) -> list[Stage]:
    """The stages whose results the leadership's dashboard lists for `user`: those that have
    opened, but the open ones on whose panel the user sits (stage_results_visible_to would
    refuse them). One query."""
    on_open_panel = PanelMember.objects.filter(
        stage=OuterRef("pk"), judge_id=user.pk, stage__closed_at__isnull=True
    )
    stages = (
        Stage.objects.filter(opened_at__isnull=False)
        .exclude(Exists(on_open_panel))
        .select_related("edition")
        .order_by("-edition__year", "order")
    )
    return list(stages)


def others_visible(stage, sheet) -> bool:
    """Whether the judge of `sheet` may see the other judges' scores of the same entry (the
    stage's `score_visibility`)."""
    if stage.score_visibility == ScoreVisibility.AFTER_OWN:
        return sheet.is_submitted or stage.is_closed
    if stage.score_visibility == ScoreVisibility.AFTER_CLOSE:
        return stage.is_closed
    return False


def other_sheets_visible_to(stage, sheet) -> list[ScoreSheet] | None:
    """What a judge's score sheet shows of the other judges: their submitted, counted sheets of
    the same entry, or None when the stage's rule hides them."""
    return other_sheets(sheet) if others_visible(stage, sheet) else None
