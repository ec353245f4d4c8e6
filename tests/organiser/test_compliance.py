import datetime
import importlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from agencies.enums import AgencyKind
from innovations.compliance import compliance_board, send_compliance_reminders
from innovations.enums import AttachmentKind
from innovations.enums import ProposalStatus as S
from innovations.models import Attachment, ComplianceReminder, Proposal, SectionAnswer
from innovations.services import (
    WorkflowError,
    add_attachment,
    remove_attachment,
    save_proposal_draft,
)
from tests.factories import (
    make_agency,
    make_edition,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_user,
    png_bytes,
    uploaded,
)

pytestmark = pytest.mark.django_db
BOARD = "/penyelenggara/kepatuhan/"


def _counts(row):
    return (row.draft, row.submitted, row.changes_requested, row.verified, row.rejected)


@pytest.fixture
def city():
    """Three obligated agencies (one with a unit), a Perumda, an inactive agency."""
    edition = make_edition()
    agencies = {
        "sosial": make_agency("Dinas Sosial"),
        "pupr": make_agency("Dinas PUPR"),
        "dinkes": make_agency("Dinas Kesehatan"),
        "perumda": make_agency("Perumda Air Minum", kind=AgencyKind.PERUMDA, obligated=False),
        "lama": make_agency("Dinas Lama", is_active=False),
    }
    agencies["tipar"] = make_agency(
        "Puskesmas Tipar", kind=AgencyKind.PUSKESMAS, obligated=False, parent=agencies["dinkes"]
    )
    make_proposal(edition, agency=agencies["sosial"], complete=False)  # a draft: never counts
    make_proposal(edition, agency=agencies["pupr"], status=S.SUBMITTED)
    make_proposal(edition, agency=agencies["pupr"], status=S.REJECTED)
    make_proposal(edition, agency=agencies["tipar"], status=S.VERIFIED)  # counts for Dinkes
    make_proposal(edition, agency=agencies["perumda"], status=S.CHANGES_REQUESTED)
    make_proposal(edition, agency=agencies["lama"], status=S.SUBMITTED)
    make_proposal(make_edition(), agency=agencies["sosial"], status=S.SUBMITTED)  # other edition
    return edition, agencies


def test_board_counts_by_status_with_drafts_not_counting_and_units_for_their_parent(city):
    edition, _agencies = city

    board = compliance_board(edition)

    assert [(r.agency.name, _counts(r), r.counted, r.is_compliant) for r in board.obligated] == [
        ("Dinas Sosial", (1, 0, 0, 0, 0), 0, False),
        ("Dinas Kesehatan", (0, 0, 0, 1, 0), 1, True),
        ("Dinas PUPR", (0, 1, 0, 0, 1), 1, True),
    ]
    dinkes = board.obligated[1]
    assert dinkes.from_units == 1


def test_board_lists_non_obligated_agencies_in_their_own_section_without_units_of_listed_parents(
    city,
):
    edition, _agencies = city

    board = compliance_board(edition)

    # Puskesmas Tipar counts in Dinas Kesehatan's row; the inactive agency is not on the board.
    assert [(r.agency.name, _counts(r)) for r in board.others] == [
        ("Perumda Air Minum", (0, 0, 1, 0, 0)),
    ]
    assert (board.compliant_count, board.obligated_count, board.percent) == (2, 3, 66)


def test_board_counts_changes_requested_and_respects_the_editions_minimum():
    edition = make_edition(min_per_agency=2)
    agency = make_agency("Dinas Sosial")
    make_proposal(edition, agency=agency, status=S.CHANGES_REQUESTED)
    make_proposal(edition, agency=agency, status=S.SUBMITTED)
    other = make_agency("Dinas Pendidikan")
    make_proposal(edition, agency=other, status=S.VERIFIED)

    rows = compliance_board(edition).obligated

    assert [(r.agency.name, r.counted, r.missing, r.is_compliant) for r in rows] == [
        ("Dinas Pendidikan", 1, 1, False),
        ("Dinas Sosial", 2, 0, True),
    ]


def test_board_last_activity_follows_text_saves_uploads_and_removals():
    """The board reads Proposal.updated_at alone: the services move it on every save of the
    texts and every upload or removal of a file (no scan of the edition's texts and files)."""
    edition = make_edition()
    agency = make_agency("Dinas Sosial")
    operator = make_operator(agency)
    proposal = make_proposal(edition, agency=agency, complete=False)
    long_ago = timezone.now() - timedelta(days=30)
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=long_ago)

    def last_activity():
        (row,) = compliance_board(edition).obligated
        return row.last_activity

    assert last_activity() == long_ago
    save_proposal_draft(proposal, by=operator, answers={"ringkasan": "Satu dua tiga"})
    after_text = last_activity()
    assert after_text > long_ago
    assert after_text >= SectionAnswer.objects.get(proposal=proposal).updated_at

    Proposal.objects.filter(pk=proposal.pk).update(updated_at=long_ago)
    photo = add_attachment(
        proposal,
        kind=AttachmentKind.PHOTO,
        uploaded_file=uploaded("foto.png", png_bytes(), "image/png"),
        by=operator,
    )
    assert last_activity() >= Attachment.objects.get(pk=photo.pk).uploaded_at > long_ago

    Proposal.objects.filter(pk=proposal.pk).update(updated_at=long_ago)
    remove_attachment(photo, by=operator)
    assert last_activity() > long_ago


def test_migration_brings_updated_at_up_to_the_newest_text_and_file():
    """0005 moves older rows forward once, so the board's last activity stays what it was."""
    from django.apps import apps

    backfill = importlib.import_module(
        "innovations.migrations.0005_proposal_updated_at_covers_texts_and_files"
    )
    edition = make_edition()
    texts_newer = make_proposal(edition)
    file_newest = make_proposal(edition)
    up_to_date = make_proposal(edition)
    base = timezone.now() - timedelta(days=10)
    Proposal.objects.update(updated_at=base)
    SectionAnswer.objects.update(updated_at=base - timedelta(days=1))
    Attachment.objects.update(uploaded_at=base - timedelta(days=1))
    SectionAnswer.objects.filter(pk=texts_newer.answers.first().pk).update(
        updated_at=base + timedelta(hours=1)
    )
    SectionAnswer.objects.filter(pk=file_newest.answers.first().pk).update(
        updated_at=base + timedelta(hours=2)
    )
    Attachment.objects.filter(pk=file_newest.attachments.first().pk).update(
        uploaded_at=base + timedelta(hours=3)
    )

    backfill.forwards(apps, None)

    stored = dict(Proposal.objects.values_list("pk", "updated_at"))
    assert (stored[texts_newer.pk], stored[file_newest.pk], stored[up_to_date.pk]) == (
        base + timedelta(hours=1),
        base + timedelta(hours=3),
        base,
    )


def test_board_page_shows_totals_line_and_sections(client, city):
    edition, _agencies = city
    client.force_login(make_organiser())

    response = client.get(BOARD, {"edition": edition.slug})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 of 3 obligated agencies have submitted" in html
    assert [r.agency.name for r in response.context["obligated"]] == [
        "Dinas Sosial",
        "Dinas Kesehatan",
        "Dinas PUPR",
    ]
    assert [r.agency.name for r in response.context["others"]] == ["Perumda Air Minum"]
    assert 'aria-valuenow="66"' in html


def test_board_filters_not_yet_compliant_and_by_kind(client, city):
    edition, _agencies = city
    make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN)
    client.force_login(make_organiser())

    missing = client.get(BOARD, {"edition": edition.slug, "missing": "1"})
    by_kind = client.get(BOARD, {"edition": edition.slug, "kind": "kecamatan"})

    assert [r.agency.name for r in missing.context["obligated"]] == [
        "Dinas Sosial",
        "Kecamatan Baros",
    ]
    assert missing.context["others"] == []
    assert [r.agency.name for r in by_kind.context["obligated"]] == ["Kecamatan Baros"]


def test_board_unknown_edition_is_404(client):
    client.force_login(make_organiser())
    assert client.get(BOARD, {"edition": "nope"}).status_code == 404


@pytest.mark.parametrize("agency_count", [1, 12])
def test_board_query_count_does_not_grow_with_rows(client, django_assert_num_queries, agency_count):
    edition = make_edition()
    organiser = make_organiser()
    for n in range(agency_count):
        parent = make_agency(f"Dinas {n}")
        make_operator(parent)
        unit = make_agency(f"UPTD {n}", kind=AgencyKind.UPTD, obligated=False, parent=parent)
        make_proposal(edition, agency=parent, status=S.SUBMITTED)
        make_proposal(edition, agency=unit, complete=False)
        ComplianceReminder.objects.create(edition=edition, agency=parent, sent_by=organiser)
    make_agency("Perumda Pasar", kind=AgencyKind.PERUMDA, obligated=False)
    client.force_login(organiser)

    # session, user, permissions (2), editions, summary with the page's agencies (one
    # statement), the agencies, their proposals, their reminders, groups for the navigation
    with django_assert_num_queries(10):
        response = client.get(BOARD, {"edition": edition.slug})

    assert len(response.context["obligated"]) == agency_count


# --- Reminders -------------------------------------------------------------------------------


@pytest.fixture
def reminder_setup():
    closes = (timezone.now() + timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=datetime.UTC
    )
    edition = make_edition(submission_closes_at=closes)
    missing = make_agency("Dinas Sosial")
    operator = make_operator(missing, email="operator.dinsos@example.test")
    make_operator(missing, email="")  # no address: not a recipient
    unreachable = make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN)
    done = make_agency("Dinas PUPR")
    make_operator(done)
    make_proposal(edition, agency=done, status=S.SUBMITTED)
    return edition, missing, operator, unreachable, done


def test_reminders_go_to_operators_of_non_compliant_agencies_with_the_deadline_in_wib(
    reminder_setup, django_capture_on_commit_callbacks, mailoutbox
):
    edition, missing, operator, unreachable, _done = reminder_setup
    organiser = make_organiser()

    with django_capture_on_commit_callbacks(execute=True):
        result = send_compliance_reminders(edition, by=organiser)

    assert [m.to for m in mailoutbox] == [["operator.dinsos@example.test"]]
    with translation.override("id"):
        day = date_format(timezone.localtime(edition.submission_closes_at), "j F Y")
    assert f"{day} 16:00 WIB" in mailoutbox[0].body  # 09:00 UTC is 16:00 in Jakarta
    assert "Dinas Sosial" in mailoutbox[0].subject
    reminder = ComplianceReminder.objects.get()
    assert (reminder.edition, reminder.agency, reminder.sent_by, reminder.recipients) == (
        edition,
        missing,
        organiser,
        operator.email,
    )
    assert result.sent == [reminder]
    assert result.unreachable == [unreachable]


def test_board_shows_last_reminder_and_flags_unreachable_agency(reminder_setup):
    edition, missing, _operator, unreachable, _done = reminder_setup
    organiser = make_organiser()
    send_compliance_reminders(edition, by=organiser, now=timezone.now() - timedelta(days=1))
    send_compliance_reminders(edition, by=organiser)

    board = compliance_board(edition)

    assert board.row_for(missing.pk).last_reminder == ComplianceReminder.objects.latest("sent_at")
    assert board.row_for(missing.pk).is_reachable is True
    assert board.row_for(unreachable.pk).is_reachable is False
    assert board.row_for(unreachable.pk).last_reminder is None


def test_reminder_to_one_chosen_agency(
    client, reminder_setup, django_capture_on_commit_callbacks, mailoutbox
):
    edition, missing, _operator, _unreachable, _done = reminder_setup
    make_operator(make_agency("Dinas Pendidikan"))  # not compliant either, not chosen
    client.force_login(make_organiser())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("innovations:compliance_remind", kwargs={"slug": edition.slug}),
            {"agency": missing.pk},
        )

    assert (response.status_code, response["Location"]) == (
        302,
        f"{BOARD}?edition={edition.slug}",
    )
    assert list(ComplianceReminder.objects.values_list("agency__name", flat=True)) == [
        "Dinas Sosial"
    ]
    assert len(mailoutbox) == 1


def test_reminder_page_reports_unreachable_agencies(client, reminder_setup):
    edition, _missing, _operator, _unreachable, _done = reminder_setup
    client.force_login(make_organiser())

    response = client.post(
        reverse("innovations:compliance_remind", kwargs={"slug": edition.slug}), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "A reminder was sent to 1 agency.",
        "No operator account with an e-mail address, so no reminder for: Kecamatan Baros.",
    ]


def test_reminder_refused_for_an_agency_that_already_complies(reminder_setup):
    edition, _missing, _operator, _unreachable, done = reminder_setup

    with pytest.raises(WorkflowError) as error:
        send_compliance_reminders(edition, by=make_organiser(), agencies=[done])

    assert error.value.messages == ["Dinas PUPR has already met the obligation."]
    assert ComplianceReminder.objects.count() == 0


def test_reminder_refused_once_the_submission_window_has_closed(mailoutbox):
    edition = make_edition(open_now=False)
    make_operator(make_agency("Dinas Sosial"))

    with pytest.raises(WorkflowError) as error:
        send_compliance_reminders(edition, by=make_organiser())

    assert error.value.messages == [
        f"The submission window of {edition.name} has closed: a reminder can no longer help."
    ]
    assert (ComplianceReminder.objects.count(), len(mailoutbox)) == (0, 0)


def test_reminder_service_refuses_non_organisers(reminder_setup):
    edition = reminder_setup[0]
    with pytest.raises(PermissionDenied):
        send_compliance_reminders(edition, by=make_leader())
    assert ComplianceReminder.objects.count() == 0


# --- Who may see and act ---------------------------------------------------------------------


def test_leadership_reads_the_board_without_reminder_buttons(client, reminder_setup):
    edition = reminder_setup[0]
    client.force_login(make_leader("walikota"))

    response = client.get(BOARD, {"edition": edition.slug})

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["can_act"] is False
    assert reverse("innovations:compliance_remind", kwargs={"slug": edition.slug}) not in html
    assert "1 of 3 obligated agencies have submitted" in html


def test_leadership_cannot_send_reminders(client, reminder_setup, mailoutbox):
    edition = reminder_setup[0]
    client.force_login(make_leader())

    response = client.post(reverse("innovations:compliance_remind", kwargs={"slug": edition.slug}))

    assert response.status_code == 403
    assert (ComplianceReminder.objects.count(), len(mailoutbox)) == (0, 0)


def test_organiser_sees_reminder_buttons(client, reminder_setup):
    edition, missing, *_rest = reminder_setup
    client.force_login(make_organiser())

    html = client.get(BOARD, {"edition": edition.slug}).content.decode()

    assert html.count(reverse("innovations:compliance_remind", kwargs={"slug": edition.slug})) == 2
    assert f'name="agency" value="{missing.pk}"' in html
    assert "unreachable: no operator" in html


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(BOARD)
    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={BOARD}",
    )


@pytest.mark.parametrize("make", [make_user, lambda: make_operator(make_agency())])
def test_board_is_403_without_dashboard_role(client, make):
    client.force_login(make())
    assert client.get(BOARD).status_code == 403


@pytest.mark.parametrize("agency", ["999999", "abc"])
def test_reminder_to_an_unknown_agency_is_404(client, reminder_setup, agency):
    edition = reminder_setup[0]
    client.force_login(make_organiser())
    response = client.post(
        reverse("innovations:compliance_remind", kwargs={"slug": edition.slug}), {"agency": agency}
    )
    assert response.status_code == 404
    assert ComplianceReminder.objects.count() == 0
