from django.db.models import Count, Q

from agencies.enums import MembershipRole
from agencies.models import Agency


def agencies_with_operator_counts():
    """Every agency with its parent and its number of active operators, in one query."""
    return (
        Agency.objects.select_related("parent")
        .annotate(
            operator_count=Count(
                "memberships",
                filter=Q(
                    memberships__is_active=True,
                    memberships__role=MembershipRole.OPERATOR,
                    memberships__user__is_active=True,
                ),
            )
        )
        .order_by("kind", "name")
    )


def operator_agencies(user):
    """Active agencies in which the user is an active operator."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(
        is_active=True,
        memberships__user=user,
        memberships__is_active=True,
        memberships__role=MembershipRole.OPERATOR,
    ).distinct()
