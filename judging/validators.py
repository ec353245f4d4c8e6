"""The checks a judging service runs before it acts, each returning every problem in the user's
language (an empty list: nothing stands in the way). Read only."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from judging.models import (
    Score,
)
from judging.selectors.finals import stages_of
from judging.selectors.ranking import cut_of
from judging.selectors.stages import previous_stage

HUNDRED = Decimal(100)


def criteria_are_frozen(stage) -> bool:
    """Criteria freeze when scoring starts: the stage has opened, or any score exists."""
    return (
        stage.opened_at is not None or Score.objects.filter(sheet__assignment__stage=stage).exists()
    )


def criteria_problems(criteria) -> list[str]:
    """What is wrong with a list of criteria (objects or dicts with name, weight, scale)."""

    def get(item, name):
        return item[name] if isinstance(item, dict) else getattr(item, name)

    problems = []
    if not criteria:
        return [_("Add at least one criterion.")]
    names = [str(get(item, "name")).strip().casefold() for item in criteria]
    if any(not name for name in names):
        problems.append(_("Every criterion needs a name."))
    if len(set(names)) != len(names):
        problems.append(_("Two criteria have the same name."))
    for item in criteria:
        weight = get(item, "weight")
        if weight is None or weight <= 0 or weight > HUNDRED:
            problems.append(
                _("The weight of “%(name)s” must be above 0 and at most 100.")
                % {"name": get(item, "name")}
            )
        low, high = get(item, "scale_min"), get(item, "scale_max")
        if low is None or high is None or high <= low:
            problems.append(
                _("The highest score of “%(name)s” must be above its lowest score.")
                % {"name": get(item, "name")}
            )
    total = sum((get(item, "weight") or 0 for item in criteria), Decimal(0))
    if total != HUNDRED:
        problems.append(
            _("The weights add up to %(total)s; they must add up to 100.")
            % {"total": f"{total.normalize():f}"}
        )
    return problems


def opening_problems(stage) -> list[str]:
    """What keeps a stage from opening."""
    problems = []
    if stage.opened_at is not None:
        problems.append(_("This stage has already been opened."))
    problems += criteria_problems(list(stage.criteria.all()))
    if not stage.panel.exists():
        problems.append(_("The stage has no judges yet."))
    previous = previous_stage(stage)
    if previous is not None and not previous.is_closed:
        problems.append(_("The previous stage is not closed yet."))
    return problems


def shortlist_problems(stage, track, proposal_ids, reason, decree_number, decree_date):
    problems = []
    if not stage.is_closed:
        problems.append(_("Close the stage before confirming its shortlist."))
    if track.edition_id != stage.edition_id:
        problems.append(_("This track belongs to another edition."))
    if not (decree_number or "").strip():
        problems.append(_("Enter the number of the mayor's decree letter (Surat Wali Kota)."))
    if not isinstance(decree_date, date):
        problems.append(_("Enter the date of the decree letter."))
    cut = cut_of(stage, track)
    chosen = set(proposal_ids)
    if not chosen:
        problems.append(_("Select at least one entry."))
    if chosen - set(cut.scored):
        problems.append(_("Only scored entries of this track can be shortlisted."))
    if (chosen != set(cut.top) or cut.unresolved_tie) and not (reason or "").strip():
        if cut.unresolved_tie:
            problems.append(
                _(
                    "The cut falls inside a tie that the published rule does not resolve: "
                    "explain the choice in the reason."
                )
            )
        else:
            problems.append(
                _("The selection differs from the computed Top %(n)d: give the reason.")
                % {"n": track.shortlist_size}
            )
    return problems


def weight_problems(stages) -> list[str]:
    """The stages' weights must add up to 100."""
    total = sum((stage.weight for stage in stages), Decimal(0))
    if not stages:
        return [_("The edition has no judging stage.")]
    if total != HUNDRED:
        return [
            _("The stage weights add up to %(total)s; they must add up to 100.")
            % {"total": f"{total.normalize():f}"}
        ]
    return []


def confirmation_problems(edition) -> list[str]:
    stages = stages_of(edition)
    problems = weight_problems(stages)
    if any(not stage.is_closed for stage in stages):
        problems.append(_("Close every stage before confirming the final result."))
    return problems
