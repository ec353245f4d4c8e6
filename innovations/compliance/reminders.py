"""Reminders of the obligation: `send_compliance_reminders` e-mails the agencies that have not
met it yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from agencies.permissions import is_organiser
from common.exports import WIB
from common.formats import moment
from common.mail import send_mail
from innovations.compliance.board import compliance_board
from innovations.compliance.rows import AgencyRow, BoardFilters, reachable_operators
from innovations.models import ComplianceReminder, Edition
from innovations.services import WorkflowError


@dataclass
class ReminderResult:
    sent: list[ComplianceReminder]
    unreachable: list[Agency]


def deadline_wib(edition: Edition) -> str:
    """The submission deadline as people read it: "30 April 2025 16:00 WIB"."""
    closes = timezone.localtime(edition.submission_closes_at, WIB)
    return f"{moment(closes)} WIB"


@transaction.atomic
def send_compliance_reminders(edition: Edition, *, by, agencies=None, now=None) -> ReminderResult:
    """E-mail the operators of agencies that have not met the obligation of `edition`.

    `agencies`: the agencies to remind (each must be bound by the obligation and not compliant
    yet); default every non-compliant obligated agency. Agencies without a reachable operator
    are returned as `unreachable` and get no reminder row.

    Side effects: locks the edition row (two organisers clicking at once send one after the
    other), creates one ComplianceReminder per reminded agency (who, when, to whom), and after
    commit sends one e-mail per agency to its operators (common.mail), in Indonesian, naming the
    deadline in WIB. Raises PermissionDenied for non-organisers and WorkflowError when the
    submission window has closed or a chosen agency cannot be reminded; nothing is sent then.
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
        targets = list(board.non_compliant())
    else:
        agencies = list(agencies)
        found = {
            row.agency.pk: row
            for row in board.rows(BoardFilters(agency_ids=tuple(a.pk for a in agencies)))
        }
        targets, problems = [], []
        for agency in agencies:
            row = found.get(agency.pk)
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
        reachable_operators()
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
    for row in reminded:
        _send_reminder(edition, row, emails[row.agency.pk])
    return ReminderResult(sent=reminders, unreachable=unreachable)


def _send_reminder(edition: Edition, row: AgencyRow, recipients: list[str]) -> None:
    """One agency's reminder, in the site's language, queued in the outbox with the reminder rows
    and sent by the e-mail worker after commit (common.mail)."""
    send_mail(
        to=recipients,
        # The site's name is part of this subject's msgid: no second prefix.
        subject=gettext_lazy(
            "[%(site)s] Reminder: %(agency)s has not submitted to %(edition)s yet"
        ),
        subject_params={
            "site": settings.KIKS_SITE_NAME,
            "agency": row.agency.name,
            "edition": edition.name,
        },
        prefix=False,
        template="innovations/organiser/email/compliance_reminder.txt",
        context={
            "edition": edition,
            "agency": row.agency,
            "row": row,
            # Month names in the mail's language: formatted when the mail is rendered.
            "deadline": lazy(deadline_wib, str)(edition),
            "government_name": settings.KIKS_GOVERNMENT_NAME,
        },
    )
