"""The checks a judging service runs before it acts, each returning every problem in the user's
language (an empty list: nothing stands in the way). Read only."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.formats import moment
from common.links import is_web_url
from innovations.enums import ProposalStatus
from innovations.models import Proposal
from judging.models import Score, StageResult
from judging.selectors.finals import stages_of
from judging.selectors.ranking import cut_of
from judging.selectors.stages import previous_stage

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


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


def desk_opening_problems(edition, *, statuses=None, now=None) -> list[str]:
    """What keeps an edition's desk evaluation from opening: submission still open, proposals
    waiting for verification, proposals sent back and not answered (judging.lifecycle: no
    proposal may miss judging). `statuses`: the edition's proposal counts by status, if known."""
    now = now or timezone.now()
    if statuses is None:
        statuses = dict(
            Proposal.objects.filter(edition=edition)
            .filter(status__in=[ProposalStatus.SUBMITTED, ProposalStatus.CHANGES_REQUESTED])
            .values("status")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("status", "n")
        )
    problems = []
    if now < edition.submission_closes_at:
        problems.append(
            _("Submission is open until %(when)s WIB: the desk evaluation opens after it closes.")
            % {"when": moment(edition.submission_closes_at)}
        )
    waiting = statuses.get(ProposalStatus.SUBMITTED, 0)
    if waiting:
        problems.append(
            ngettext(
                "%(count)d proposal still waits for verification: verify or reject it first.",
                "%(count)d proposals still wait for verification: verify or reject them first.",
                waiting,
            )
            % {"count": waiting}
        )
    sent_back = statuses.get(ProposalStatus.CHANGES_REQUESTED, 0)
    if sent_back:
        problems.append(
            ngettext(
                "%(count)d proposal was sent back for changes and is not answered yet: wait for "
                "the agency, or reject it, before the desk evaluation opens.",
                "%(count)d proposals were sent back for changes and are not answered yet: wait "
                "for the agencies, or reject them, before the desk evaluation opens.",
                sent_back,
            )
            % {"count": sent_back}
        )
    return problems


def opening_problems(stage) -> list[str]:
    """What keeps a stage from opening (the desk evaluation: desk_opening_problems too)."""
    problems = []
    if stage.opened_at is not None:
        problems.append(_("This stage has already been opened."))
    problems += criteria_problems(list(stage.criteria.all()))
    if not stage.panel.exists():
        problems.append(_("The stage has no judges yet."))
    previous = previous_stage(stage)
    if previous is not None and not previous.is_closed:
        problems.append(_("The previous stage is not closed yet."))
    if previous is None and stage.opened_at is None:
        problems += desk_opening_problems(stage.edition)
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


def score_value(criterion, value) -> tuple[Decimal | None, str]:
    """A typed score for `criterion` as a Decimal (None when left empty), and what is wrong with
    it ("" when nothing): not a number, more than two decimals, outside the criterion's scale."""
    if value is None:
        return None, ""
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None, _("“%(name)s”: enter a number.") % {"name": criterion.name}
    if value != value.quantize(CENT):
        return value, _("“%(name)s”: use at most two decimals.") % {"name": criterion.name}
    if not criterion.scale_min <= value <= criterion.scale_max:
        return value, _("“%(name)s”: the score must be between %(min)s and %(max)s.") % {
            "name": criterion.name,
            "min": f"{criterion.scale_min.normalize():f}",
            "max": f"{criterion.scale_max.normalize():f}",
        }
    return value, ""


def slot_problems(stage, *, proposal, place, video_link, presentation_minutes, interview_minutes):
    """What keeps an interview slot from being given (the stage locked by the caller)."""
    problems = []
    if previous_stage(stage) is None:
        problems.append(_("Interviews are scheduled in a stage after the desk evaluation."))
    if stage.is_closed:
        problems.append(_("This stage is closed."))
    if not StageResult.objects.filter(stage=stage, proposal=proposal).exists():
        problems.append(_("This proposal is not an entry of the stage."))
    if not place and not video_link:
        problems.append(_("Give the place or the video-call link."))
    if video_link and not is_web_url(video_link):
        problems.append(_("The video-call link must start with http:// or https://."))
    if presentation_minutes is None or presentation_minutes < 1:
        problems.append(_("The presentation lasts at least one minute."))
    if interview_minutes is None or interview_minutes < 0:
        problems.append(_("The interview cannot last less than zero minutes."))
    return problems
