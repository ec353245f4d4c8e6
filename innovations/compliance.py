"""The obligation "satu SKPD, satu inovasi": the compliance board and the reminders.

`compliance_board(edition)` is the selector (a fixed number of aggregate queries whatever the
number of proposals); `send_compliance_reminders` is the service that e-mails the agencies
that have not met the obligation yet.

How proposals are counted:
- a proposal counts when its status is one of `COUNTED_STATUSES` (submitted, changes requested,
  verified); drafts, rejected and withdrawn proposals never count;
- a proposal of a unit (an agency with a parent, e.g. a Puskesmas under Dinas Kesehatan) counts
  for its own row and for its parent's row; units that are not bound by the obligation are not
  listed on their own when their parent is on the board (their proposals show in the parent's
  row, see `AgencyRow.from_units`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.enums import MembershipRole
from agencies.models import Agency, Membership
from agencies.permissions import is_organiser
from innovations.enums import COUNTED_STATUSES
from innovations.enums import ProposalStatus as S
from innovations.models import (
    Attachment,
    ComplianceReminder,
    Edition,
    Proposal,
    SectionAnswer,
)
from innovations.services import WorkflowError

# Western Indonesian Time: every time the organiser's desk shows or exports.
WIB = ZoneInfo("Asia/Jakarta")

# The per-status counts kept for each row, in the board's column order.
STATUS_COLUMNS = (S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.VERIFIED, S.REJECTED)


def _reachable_operators():
    """Active operator memberships whose user can receive e-mail (as `operator_emails`)."""
    return (
        Membership.objects.active()
        .filter(role=MembershipRole.OPERATOR, user__is_active=True)
        .exclude(user__email="")
    )


@dataclass
class AgencyRow:
    """One agency on the board: its own proposals plus its units'."""

    agency: Agency
    minimum: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_COLUMNS, 0))
    from_units: int = 0  # counted proposals that came from units under this agency
    last_activity: datetime.datetime | None = None
    last_reminder: ComplianceReminder | None = None
    is_reachable: bool = False

    @property
    def draft(self) -> int:
        return self.counts[S.DRAFT]

    @property
    def submitted(self) -> int:
        return self.counts[S.SUBMITTED]

    @property
    def changes_requested(self) -> int:
        return self.counts[S.CHANGES_REQUESTED]

    @property
    def verified(self) -> int:
        return self.counts[S.VERIFIED]

    @property
    def rejected(self) -> int:
        return self.counts[S.REJECTED]

    @property
    def counted(self) -> int:
        return sum(self.counts[status] for status in COUNTED_STATUSES)

    @property
    def is_compliant(self) -> bool:
        return self.counted >= self.minimum

    @property
    def missing(self) -> int:
        return max(self.minimum - self.counted, 0)

    def _add(self, counts: dict[str, int], last: datetime.datetime | None) -> None:
        for status in STATUS_COLUMNS:
            self.counts[status] += counts.get(status, 0)
        self.touch(last)

    def touch(self, when: datetime.datetime | None) -> None:
        if when is not None and (self.last_activity is None or when > self.last_activity):
            self.last_activity = when


@dataclass
class ComplianceBoard:
    edition: Edition
    obligated: list[AgencyRow]  # non-compliant first, then by name
    others: list[AgencyRow]  # Perumda and other agencies not bound by the obligation

    @property
    def obligated_count(self) -> int:
        return len(self.obligated)

    @property
    def compliant_count(self) -> int:
        return sum(1 for row in self.obligated if row.is_compliant)

    @property
    def non_compliant_count(self) -> int:
        return self.obligated_count - self.compliant_count

    @property
    def percent(self) -> int:
        """Share of obligated agencies meeting the minimum, rounded down (100 only when all do)."""
        if not self.obligated:
            return 0
        return self.compliant_count * 100 // self.obligated_count

    def non_compliant(self) -> list[AgencyRow]:
        return [row for row in self.obligated if not row.is_compliant]

    def row_for(self, agency_id: int) -> AgencyRow | None:
        for row in self.obligated + self.others:
            if row.agency.pk == agency_id:
                return row
        return None


def compliance_board(edition: Edition) -> ComplianceBoard:
    """Every active agency with its proposals of `edition`, by status.

    Five queries whatever the data size (four when no reminder was ever sent): agencies (with
    reachability and last reminder id), the reminders themselves, and three grouped aggregates
    (proposals by agency and status; last edit of section texts; last upload).
    """
    minimum = edition.min_per_agency
    last_reminder = (
        ComplianceReminder.objects.filter(edition=edition, agency=OuterRef("pk"))
        .order_by("-sent_at", "-id")
        .values("pk")[:1]
    )
    agencies = list(
        Agency.objects.active()
        .select_related("parent")
        .annotate(
            has_operator=Exists(_reachable_operators().filter(agency=OuterRef("pk"))),
            last_reminder_id=Subquery(last_reminder),
        )
        .order_by("name")
    )
    rows = {
        agency.pk: AgencyRow(agency=agency, minimum=minimum, is_reachable=agency.has_operator)
        for agency in agencies
    }

    reminder_ids = [a.last_reminder_id for a in agencies if a.last_reminder_id is not None]
    if reminder_ids:
        for reminder in ComplianceReminder.objects.filter(pk__in=reminder_ids).select_related(
            "sent_by"
        ):
            rows[reminder.agency_id].last_reminder = reminder

    def rows_of(agency_id, parent_id):
        """The rows a proposal of this agency counts for: its own and its parent's."""
        return [rows[pk] for pk in (agency_id, parent_id) if pk is not None and pk in rows]

    per_agency = (
        Proposal.objects.filter(edition=edition)
        .values("agency_id", "agency__parent_id")
        .annotate(
            last=Max("updated_at"),
            **{status: Count("pk", filter=Q(status=status)) for status in STATUS_COLUMNS},
        )
        .order_by()
    )
    for group in per_agency:
        counts = {status: group[status] for status in STATUS_COLUMNS}
        counted = sum(counts[status] for status in COUNTED_STATUSES)
        for row in rows_of(group["agency_id"], group["agency__parent_id"]):
            row._add(counts, group["last"])
            if row.agency.pk != group["agency_id"]:
                row.from_units += counted

    # Writing texts and uploading files is activity too, even before anything is submitted.
    for model, agency_path, when in (
        (SectionAnswer, "proposal__agency", "updated_at"),
        (Attachment, "proposal__agency", "uploaded_at"),
    ):
        latest = (
            model.objects.filter(proposal__edition=edition)
            .values(f"{agency_path}_id", f"{agency_path}__parent_id")
            .annotate(last=Max(when))
            .order_by()
        )
        for group in latest:
            for row in rows_of(group[f"{agency_path}_id"], group[f"{agency_path}__parent_id"]):
                row.touch(group["last"])

    obligated_ids = {a.pk for a in agencies if a.is_obligated}
    obligated = [rows[a.pk] for a in agencies if a.is_obligated]
    obligated.sort(key=lambda row: (row.is_compliant, row.agency.name.casefold()))
    others = [
        rows[a.pk]
        for a in agencies
        if not a.is_obligated and (a.parent_id is None or a.parent_id not in obligated_ids)
    ]
    return ComplianceBoard(edition=edition, obligated=obligated, others=others)


@dataclass
class ReminderResult:
    sent: list[ComplianceReminder]
    unreachable: list[Agency]


def deadline_wib(edition: Edition) -> str:
    """The submission deadline as people read it: "30 April 2025 16:00 WIB"."""
    closes = timezone.localtime(edition.submission_closes_at, WIB)
    return f"{date_format(closes, 'j F Y H:i')} WIB"


@transaction.atomic
def send_compliance_reminders(edition: Edition, *, by, agencies=None, now=None) -> ReminderResult:
    """E-mail the operators of agencies that have not met the obligation of `edition`.

    `agencies`: the agencies to remind (each must be bound by the obligation and not compliant
    yet); default every non-compliant obligated agency. Agencies without a reachable operator
    are returned as `unreachable` and get no reminder row.

    Side effects: locks the edition row (two organisers clicking at once send one after the
    other), creates one ComplianceReminder per reminded agency (who, when, to whom), and after
    commit sends one e-mail per agency to its operators, in Indonesian, naming the deadline in
    WIB. Raises PermissionDenied for non-organisers and WorkflowError when the submission window
    has closed or a chosen agency cannot be reminded; nothing is sent then.
    """
    if not is_organiser(by):
        raise PermissionDenied(_("Only the organiser (Bagian Organisasi) may do this."))
    now = now or timezone.now()
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if now >= edition.submission_closes_at:
        raise WorkflowError(
            _("The submission window of %(edition)s has closed: a reminder can no longer help.")
            % {"edition": edition.name}
        )
    board = compliance_board(edition)
    if agencies is None:
        targets = board.non_compliant()
    else:
        targets, problems = [], []
        for agency in agencies:
            row = board.row_for(agency.pk)
            if row is None or not row.agency.is_obligated:
                problems.append(
                    _("%(agency)s is not bound by the obligation.") % {"agency": agency.name}
                )
            elif row.is_compliant:
                problems.append(
                    _("%(agency)s has already met the obligation.") % {"agency": agency.name}
                )
            else:
                targets.append(row)
        if problems:
            raise WorkflowError(problems)

    emails: dict[int, list[str]] = {}
    for agency_id, email in (
        _reachable_operators()
        .filter(agency_id__in=[row.agency.pk for row in targets])
        .order_by("user__email")
        .values_list("agency_id", "user__email")
        .distinct()
    ):
        emails.setdefault(agency_id, []).append(email)

    reminded = [row for row in targets if emails.get(row.agency.pk)]
    unreachable = [row.agency for row in targets if not emails.get(row.agency.pk)]
    reminders = ComplianceReminder.objects.bulk_create(
        ComplianceReminder(
            edition=edition,
            agency=row.agency,
            sent_by=by,
            sent_at=now,
            recipients="\n".join(emails[row.agency.pk]),
        )
        for row in reminded
    )
    messages = [_reminder_message(edition, row, emails[row.agency.pk]) for row in reminded]
    if messages:
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return ReminderResult(sent=reminders, unreachable=unreachable)


def _reminder_message(edition: Edition, row: AgencyRow, recipients: list[str]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "edition": edition,
            "agency": row.agency,
            "row": row,
            "deadline": deadline_wib(edition),
            "site_name": settings.KIKS_SITE_NAME,
            "government_name": settings.KIKS_GOVERNMENT_NAME,
        }
        subject = _("[%(site)s] Reminder: %(agency)s has not submitted to %(edition)s yet") % {
            "site": settings.KIKS_SITE_NAME,
            "agency": row.agency.name,
            "edition": edition.name,
        }
        body = render_to_string("innovations/organiser/email/compliance_reminder.txt", context)
    return EmailMessage(subject, body, None, recipients)
