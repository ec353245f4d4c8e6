"""Reads of the innovations app: who sees which proposal and file, and what the pages show.

Every proposal page starts from `proposals_visible_to(user)`: outside it is a 404; visible but not
allowed to act (an organiser on the agency's editor) is a 403, decided by the service.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from agencies.permissions import can_view_dashboards, is_organiser
from agencies.selectors import operator_agencies
from innovations.checklist import submission_checklist
from innovations.enums import COUNTED_STATUSES, AttachmentKind, ProposalStatus
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
    SectionTemplate,
    agency_only_q,
)

# Moves the organiser makes: their notes are "the organiser's notes" for the agency.
ORGANISER_DECISIONS = (
    ProposalStatus.CHANGES_REQUESTED,
    ProposalStatus.VERIFIED,
    ProposalStatus.REJECTED,
)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """The proposals `user` may see.

    - anonymous visitor: none (the public portal has its own selector, published entries only);
    - agency operator: the proposals of every agency where the user is an active operator;
    - organiser (`agencies.permissions.is_organiser`) and leadership (`can_view_dashboards`):
      every proposal handed in; never another agency's draft (`agency_only_q`: the agency's own);
    - judge: none here; the judging app shows judges their assigned entries through its own
      selector, and widens the files with `register_attachment_scope`.
    Roles add up (an organiser who is also an operator sees every proposal handed in and their own
    agency's drafts). Joins edition, track, innovation and agency.
    """
    base = Proposal.objects.select_related("edition", "track", "innovation", "agency")
    if not user.is_authenticated:
        return base.none()
    own = Q(agency__in=operator_agencies(user).values("pk"))
    if is_organiser(user) or can_view_dashboards(user):
        return base.filter(own | ~agency_only_q())
    return base.filter(own)


def operator_proposals(user) -> QuerySet[Proposal]:
    """The proposals of the user's own agencies (as an operator), even for an organiser who is
    also an operator: what the operator pages list."""
    return proposals_visible_to(user).filter(agency__in=operator_agencies(user).values("pk"))


def operator_editions(user) -> QuerySet[Edition]:
    """The editions in which the user's own agencies have proposals (the list's filter)."""
    return Edition.objects.filter(proposals__in=operator_proposals(user)).distinct()


# --- Attachments -----------------------------------------------------------------------------

AttachmentScope = Callable[[object], Q | None]
_attachment_scopes: list[AttachmentScope] = []


def register_attachment_scope(scope: AttachmentScope) -> None:
    """Let another app widen who may open attachments, from its AppConfig.ready().

    `scope(user)` returns a Q over Attachment (e.g. the judging app:
    `Q(proposal__assignments__judge=user)`) or None when it adds nothing for that user.
    """
    if scope not in _attachment_scopes:
        _attachment_scopes.append(scope)


# The page where the organiser creates an edition: offered by an app above (judging, whose service
# seeds the edition's stages), registered in its AppConfig.ready(), so that the innovations pages
# can point to it when there is no edition yet.
_new_edition_pages: list[str] = []


def register_new_edition_page(url_name: str) -> None:
    if url_name not in _new_edition_pages:
        _new_edition_pages.append(url_name)


def first_edition_url() -> str | None:
    """The registered "new edition" page's address while there is no edition at all (the call to
    action of an empty installation), else None. One query."""
    if not _new_edition_pages or Edition.objects.exists():
        return None
    return reverse(_new_edition_pages[0])


def attachments_visible_to(user) -> QuerySet[Attachment]:
    """The files `user` may open: those of the proposals in `proposals_visible_to(user)`, plus
    what registered scopes add. A draft's files (`agency_only_q`) open for the agency's
    operators only, whatever a scope says."""
    base = Attachment.objects.select_related("proposal")
    if not user.is_authenticated:
        return base.none()
    handed_in = ~agency_only_q("proposal__")
    if is_organiser(user) or can_view_dashboards(user):
        condition = handed_in
    else:
        widened = [extra for scope in _attachment_scopes if (extra := scope(user)) is not None]
        condition = Q(pk__in=[])
        for extra in widened:
            condition |= extra
        condition &= handed_in
    condition |= Q(proposal__agency__in=operator_agencies(user).values("pk"))
    return base.filter(condition).distinct()


def attachment_visible_to(user, attachment: Attachment) -> bool:
    return attachments_visible_to(user).filter(pk=attachment.pk).exists()


# --- What the pages show ---------------------------------------------------------------------


def with_checklist_data(queryset: QuerySet[Proposal], *, texts=True) -> QuerySet[Proposal]:
    """Everything `submission_checklist` reads, in a fixed number of queries for any number of
    proposals. `texts=False`: the answers without their texts (the checklist reads word counts;
    a list page of proposals need not carry every text)."""
    answers = SectionAnswer.objects.all() if texts else SectionAnswer.objects.defer("text")
    return queryset.prefetch_related(
        Prefetch("answers", queryset=answers),
        Prefetch("attachments", queryset=Attachment.objects.select_related("section")),
        "innovation__sdgs",
        Prefetch("edition__sections", queryset=SectionTemplate.objects.order_by("order", "id")),
    )


def for_display(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """What a proposal page shows (body, checklist, history), without a query per row."""
    return with_checklist_data(queryset).prefetch_related(
        Prefetch(
            "status_changes",
            queryset=ProposalStatusChange.objects.select_related("by").order_by("at", "id"),
        ),
    )


@dataclass
class SectionEntry:
    section: SectionTemplate
    text: str
    word_count: int
    documents: list = field(default_factory=list)


@dataclass
class ProposalBody:
    """A proposal as judges read it: sections in order with their evidence, photos, SK letter,
    other files. Built from prefetched data (see `for_display`)."""

    proposal: Proposal
    entries: list[SectionEntry]
    photos: list
    sk_letters: list
    other_files: list

    @property
    def sdgs(self):
        return self.proposal.innovation.sdgs.all()


def proposal_body(proposal: Proposal) -> ProposalBody:
    """The context of templates/innovations/_proposal_body.html (`body`)."""
    answers = {answer.section_id: answer for answer in proposal.answers.all()}
    attachments = list(proposal.attachments.all())
    entries = []
    for section in proposal.edition.sections.all():
        answer = answers.get(section.pk)
        entries.append(
            SectionEntry(
                section=section,
                text=answer.text if answer else "",
                word_count=answer.word_count if answer else 0,
                documents=[
                    a
                    for a in attachments
                    if a.kind == AttachmentKind.DOCUMENT and a.section_id == section.pk
                ],
            )
        )
    placed = {a.pk for entry in entries for a in entry.documents}
    return ProposalBody(
        proposal=proposal,
        entries=entries,
        photos=[a for a in attachments if a.kind == AttachmentKind.PHOTO],
        sk_letters=[a for a in attachments if a.kind == AttachmentKind.SK_LETTER],
        other_files=[
            a
            for a in attachments
            if a.kind not in (AttachmentKind.PHOTO, AttachmentKind.SK_LETTER) and a.pk not in placed
        ],
    )


def open_edition(now=None) -> Edition | None:
    """The edition taking proposals now (the one closing first, should two overlap)."""
    return Edition.objects.open_for_submission(now).order_by("submission_closes_at", "pk").first()


@dataclass
class AgencyStanding:
    """One agency's position in an edition: its proposals and its obligation."""

    agency: object
    proposals: list
    required: int  # 0: not bound by the obligation (a unit, a Perumda)

    @property
    def handed_in(self) -> int:
        return sum(1 for p in self.proposals if p.status in _COUNTED)

    @property
    def is_bound(self) -> bool:
        return self.required > 0

    @property
    def meets_obligation(self) -> bool:
        return self.handed_in >= self.required

    @property
    def missing(self) -> int:
        return max(self.required - self.handed_in, 0)


_COUNTED = frozenset(str(status) for status in COUNTED_STATUSES)


@dataclass
class OperatorSummary:
    edition: Edition | None
    standings: list[AgencyStanding]
    latest_note: ProposalStatusChange | None
    now: object

    @property
    def agencies(self):
        return [standing.agency for standing in self.standings]


def operator_summary(user, *, now=None) -> OperatorSummary:
    """What an operator's dashboard shows: the open edition, each of the user's agencies with its
    proposals in it (with their checklists) and its obligation, and the organiser's latest note.
    A fixed number of queries, whatever the number of proposals."""
    now = now or timezone.now()
    agencies = list(operator_agencies(user).order_by("name"))
    edition = open_edition(now)
    by_agency = {agency.pk: [] for agency in agencies}
    if edition is not None and agencies:
        proposals = with_checklist_data(
            operator_proposals(user).filter(edition=edition).order_by("created_at", "pk"),
            texts=False,
        )
        for proposal in proposals:
            proposal.checklist = submission_checklist(proposal, now=now)
            proposal.open_items = [item for item in proposal.checklist if not item.ok]
            by_agency[proposal.agency_id].append(proposal)
    standings = [
        AgencyStanding(
            agency=agency,
            proposals=by_agency[agency.pk],
            required=edition.min_per_agency if edition and agency.is_obligated else 0,
        )
        for agency in agencies
    ]
    latest_note = (
        ProposalStatusChange.objects.filter(
            proposal__agency__in=[agency.pk for agency in agencies],
            to_status__in=ORGANISER_DECISIONS,
        )
        .exclude(note="")
        .select_related("proposal__innovation", "proposal__edition", "by")
        .order_by("-at", "-id")
        .first()
        if agencies
        else None
    )
    return OperatorSummary(edition=edition, standings=standings, latest_note=latest_note, now=now)


def innovations_free_for(agency, edition) -> QuerySet:
    """The agency's innovations not yet entered in `edition` (one innovation enters once)."""
    return (
        Innovation.objects.filter(agency=agency)
        .exclude(proposals__edition=edition)
        .order_by("acronym", "name")
    )
