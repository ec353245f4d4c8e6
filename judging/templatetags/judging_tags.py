"""What the dashboard cards of the judging app show (templates/judging/_dashboard_cards.html)."""

from django import template
from django.db.models import Count, OuterRef, Q, Subquery

from judging.models import Assignment, ScoreSheet, Stage
from judging.selectors import stages_for_judge

register = template.Library()


@register.simple_tag
def judge_stages(user):
    """The judge's stages that are open or being prepared, with progress (one query)."""
    return list(stages_for_judge(user).filter(closed_at__isnull=True))


@register.simple_tag
def stages_needing_attention():
    """Open or preparing stages, each with how many excluded sheets still wait for another judge
    (the organiser's alert after a late conflict). One query."""
    active = (
        Assignment.objects.filter(
            stage=OuterRef("assignment__stage"),
            proposal=OuterRef("assignment__proposal"),
            sheet__excluded=False,
        )
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    waiting = (
        ScoreSheet.objects.filter(excluded=True, assignment__stage=OuterRef("pk"))
        .annotate(active=Subquery(active))
        .filter(Q(active__isnull=True) | Q(active__lt=OuterRef("judges_per_proposal")))
        .order_by()
        .values("assignment__stage")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return list(
        Stage.objects.filter(closed_at__isnull=True)
        .select_related("edition")
        .annotate(waiting=Subquery(waiting))
        .order_by("-edition__year", "order")
    )


@register.simple_tag
def stages_with_results():
    """Stages that have opened, for the leadership's read-only rankings. One query."""
    return list(
        Stage.objects.filter(opened_at__isnull=False)
        .select_related("edition")
        .order_by("-edition__year", "order")
    )


@register.simple_tag
def agency_finals(user):
    """For an agency operator's dashboard card: its slots ahead (with the slides uploaded so far)
    and its finalists whose feedback is published. Three queries."""
    from judging.selectors import agency_feedback_entries, agency_slots

    return {"slots": agency_slots(user), "feedback": agency_feedback_entries(user)}


@register.simple_tag
def innovation_history(innovation, public=False):
    """Editions, results, awards and external recognitions of an innovation (see
    judging.selectors.innovation_history)."""
    from judging.selectors import innovation_history as history

    return history(innovation, public=public)
