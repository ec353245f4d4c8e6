"""What the dashboard cards of the judging app show (templates/judging/_dashboard_cards.html)."""

from django import template

from judging import lifecycle, selectors

register = template.Library()


@register.simple_tag
def judge_stages(user):
    """The judge's stages that are open or being prepared, with progress (one query)."""
    return list(selectors.stages_for_judge(user).filter(closed_at__isnull=True))


@register.simple_tag
def stages_needing_attention():
    return selectors.stages_needing_attention()


@register.simple_tag
def stages_with_results(user):
    """The stages whose ranking the leadership card links to (judging.selectors.visibility)."""
    return selectors.result_stages_for(user)


@register.simple_tag
def agency_finals(user):
    """For an agency operator's dashboard card: its slots ahead (with the slides uploaded so far)
    and its finalists whose feedback is published. Three queries."""
    return {
        "slots": selectors.agency_slots(user),
        "feedback": selectors.agency_feedback_entries(user),
    }


@register.simple_tag
def innovation_history(innovation, public=False):
    """Editions, results, awards and external recognitions of an innovation (see
    judging.selectors.innovation_history)."""
    return selectors.innovation_history(innovation, public=public)


@register.simple_tag
def edition_overviews():
    """The editions in progress with their phase, figures and next step (judging.lifecycle), for
    the organiser's and the leadership's dashboards."""
    return lifecycle.overviews()
