"""Who is in conflict with what: the one rule, as a filter (conflict_q), as pairs for a stage
(conflict_pairs), and as one small query for a judge's pages (judge_conflicts)."""

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet

from agencies.models import Membership
from innovations.models import Proposal
from judging.models import Conflict, Stage, StageResult


def _agency_tree_q(prefix: str, agencies) -> Q:
    """Proposals of the agencies, their units, and the units' units."""
    return (
        Q(**{f"{prefix}agency_id__in": agencies})
        | Q(**{f"{prefix}agency__parent_id__in": agencies})
        | Q(**{f"{prefix}agency__parent__parent_id__in": agencies})
    )


def conflict_q(judge, *, prefix: str = "") -> Q:
    """A filter on proposals (or, with `prefix="proposal__"`, on rows pointing at one) matching the
    proposals the judge is in conflict with.

    Automatic: the judge is an active member of the proposal's agency or of an agency above it.
    Declared: a Conflict row for the proposal, or for its agency (or one above) in its edition.
    (The judge's own pages read the same rule once per request: see judge_conflicts.)
    """
    member_of = Membership.objects.filter(user=judge, is_active=True).values("agency_id")
    declared_proposals = Conflict.objects.filter(judge=judge, proposal__isnull=False).values(
        "proposal_id"
    )
    declared_agencies = Conflict.objects.filter(
        judge=judge, agency__isnull=False, edition_id=OuterRef(f"{prefix}edition_id")
    ).values("agency_id")
    pk = f"{prefix}pk" if prefix else "pk"
    return (
        Q(**{f"{pk}__in": declared_proposals})
        | _agency_tree_q(prefix, member_of)
        | _agency_tree_q(prefix, declared_agencies)
    )


def conflicted_proposals(judge, edition) -> QuerySet:
    """The edition's proposals the judge must not judge."""
    return Proposal.objects.filter(edition=edition).filter(conflict_q(judge))


def conflict_pairs(stage: Stage, judge_ids=None, proposal_ids=None) -> set[tuple[int, int]]:
    """Every (judge id, proposal id) in conflict among the stage's panel and entries.

    A few small queries (memberships, declared conflicts, the entries' agency chains), then the
    pairs are matched in memory: the sizes are panel x entries.
    """
    if judge_ids is None:
        judge_ids = list(stage.panel.values_list("judge_id", flat=True))
    entries = StageResult.objects.filter(stage=stage)
    if proposal_ids is not None:
        entries = entries.filter(proposal_id__in=proposal_ids)
    chains = {
        proposal_id: {agency, parent, grandparent} - {None}
        for proposal_id, agency, parent, grandparent in entries.values_list(
            "proposal_id",
            "proposal__agency_id",
            "proposal__agency__parent_id",
            "proposal__agency__parent__parent_id",
        )
    }
    agencies_of: dict[int, set[int]] = {judge: set() for judge in judge_ids}
    for user_id, agency_id in Membership.objects.filter(
        user_id__in=judge_ids, is_active=True
    ).values_list("user_id", "agency_id"):
        agencies_of[user_id].add(agency_id)
    pairs: set[tuple[int, int]] = set()
    for judge_id, agency_id, proposal_id in (
        Conflict.objects.filter(judge_id__in=judge_ids)
        .filter(Q(edition_id=stage.edition_id) | Q(proposal_id__in=list(chains)))
        .values_list("judge_id", "agency_id", "proposal_id")
    ):
        if proposal_id is not None:
            if proposal_id in chains:
                pairs.add((judge_id, proposal_id))
        else:
            agencies_of[judge_id].add(agency_id)
    for judge_id, agencies in agencies_of.items():
        if not agencies:
            continue
        for proposal_id, chain in chains.items():
            if chain & agencies:
                pairs.add((judge_id, proposal_id))
    return pairs


def is_in_conflict(judge, proposal) -> bool:
    return Proposal.objects.filter(pk=proposal.pk).filter(conflict_q(judge)).exists()


CONFLICTS_SQL = """
SELECT 'agency', a.id
  FROM agencies_agency a
  LEFT JOIN agencies_agency up ON up.id = a.parent_id
 WHERE a.id IN (SELECT agency_id FROM roots)
    OR a.parent_id IN (SELECT agency_id FROM roots)
    OR up.parent_id IN (SELECT agency_id FROM roots)
UNION ALL
SELECT 'proposal', proposal_id
  FROM judging_conflict
 WHERE judge_id = %s AND proposal_id IS NOT NULL
"""


ROOTS_SQL = """
WITH roots AS (
    SELECT agency_id FROM agencies_membership WHERE user_id = %s AND is_active
    UNION
    SELECT agency_id FROM judging_conflict
     WHERE judge_id = %s AND edition_id = %s AND agency_id IS NOT NULL
)
"""


def judge_conflicts(user, edition_id) -> tuple[frozenset[int], frozenset[int]]:
    """(agencies, proposals) the judge is in conflict with in an edition: the agencies the judge
    is an active member of or declared, with their units and the units' units (automatic and
    declared conflicts, as conflict_q defines them), and the proposals declared one by one.

    One small query, remembered on the user object for the request: the judge's pages filter
    with the (usually empty) lists instead of building and planning the conflict subqueries."""
    memo = user.__dict__.setdefault("_kiks_conflicts", {})
    if edition_id not in memo:
        agencies, proposals = set(), set()
        with connection.cursor() as cursor:
            cursor.execute(ROOTS_SQL + CONFLICTS_SQL, [user.pk, user.pk, edition_id, user.pk])
            for kind, pk in cursor.fetchall():
                (agencies if kind == "agency" else proposals).add(pk)
        memo[edition_id] = (frozenset(agencies), frozenset(proposals))
    return memo[edition_id]
