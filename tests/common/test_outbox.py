"""The e-mail outbox against real SMTP servers on 127.0.0.1 (tests/common/smtp.py): one that
refuses connections, one that accepts and never answers, one that accepts mail (aiosmtpd).

Whatever the mail server does, the request succeeds with its data whole and the message waits
as a post_office Email row; the worker (common.outbox.deliver) records each attempt as a Log row,
requeues a failure for later and sends it once the server is back and the retry time has come.
The suite's own setting runs the worker at commit in the test (ImmediateBackend); the tests of
the database queue run `manage.py db_worker` itself.
"""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django_tasks_db.models import DBTaskResult
from post_office.models import STATUS, Email, Log

from audit.models import AuditEvent
from common.mail import send_mail
from common.outbox import deliver
from innovations.compliance import send_compliance_reminders
from judging.models import Shortlist
from judging.services import confirm_shortlist, open_stage
from public.models import FavouriteVote
from tests.common import smtp
from tests.factories import make_edition, make_judge, make_organiser, make_user
from tests.judging.helpers import desk_stage, two_criteria, verified
from tests.judging.services.test_shortlist import DECREE_DATE, ranked  # noqa: F401 (fixture)
from tests.organiser.test_compliance import reminder_setup  # noqa: F401 (fixture)
from tests.public.test_vote import EMAIL, ballot, post_vote  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
TEMPLATE = "innovations/email/status_changed.txt"
TIMEOUT = 1  # seconds, EMAIL_TIMEOUT of these tests
FROM = "KIKS <kiks@localhost>"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def use_smtp(settings):
    """Point the worker at a real SMTP server on 127.0.0.1 `port`, with a short timeout and a
    retry one second after a failure."""

    def point(port, *, retry_seconds=1, max_retries=3):
        settings.POST_OFFICE = {
            **settings.POST_OFFICE,
            "BACKENDS": {"default": "django.core.mail.backends.smtp.EmailBackend"},
            "RETRY_INTERVAL": timedelta(seconds=retry_seconds),
            "MAX_RETRIES": max_retries,
        }
        settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.HOST, port
        settings.EMAIL_TIMEOUT, settings.EMAIL_USE_TLS = TIMEOUT, False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    return point


class Named:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def status_context():
    proposal = Named(
        entry_title="CENDOL (Cerita dongeng online)",
        edition=Named(name="KIKS 2021"),
        agency=Named(name="Dinas Sosial"),
    )
    return {"proposal": proposal, "previous": "A", "current": "B", "note": ""}


def queue_one(to=("a@example.test", "b@example.test")):
    send_mail(
        to=list(to),
        subject=gettext_lazy("Interview slot of %(innovation)s"),
        subject_params={"innovation": "CENDOL"},
        template=TEMPLATE,
        context=status_context(),
    )
    return Email.objects.latest("id")


def attempts(email):
    return list(email.logs.order_by("id").values_list("status", "exception_type"))


# --- queued in the transaction ------------------------------------------------------------


def test_the_message_is_a_row_of_the_senders_transaction(django_capture_on_commit_callbacks):
    with transaction.atomic():
        queue_one()
        transaction.set_rollback(True)
    assert Email.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue_one()
    assert (email.status, email.to, email.subject) == (
        STATUS.queued,
        ["a@example.test", "b@example.test"],
        "[KIKS] " + gettext("Interview slot of %(innovation)s") % {"innovation": "CENDOL"},
    )
    assert len(callbacks) == 1  # the worker is woken only once the change commits


# --- refusing ------------------------------------------------------------------------------


def test_refused_then_requeued_then_sent_once_the_server_is_back_and_the_retry_is_due(
    use_smtp, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "id"
    with smtp.refusing() as port:
        use_smtp(port)
        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()
    email.refresh_from_db()
    assert (email.status, email.number_of_retries) == (STATUS.requeued, 1)
    assert email.scheduled_time > timezone.now() - timedelta(seconds=1)
    (log,) = email.logs.all()
    assert (log.status, log.exception_type) == (STATUS.failed, "ConnectionRefusedError")
    assert "refused" in log.message.lower()

    with smtp.accepting() as (port, inbox):
        use_smtp(port)
        deliver.call()  # before the retry time: nothing is due
        email.refresh_from_db()
        assert (email.status, inbox.messages) == (STATUS.requeued, [])

        time.sleep(max(0, (email.scheduled_time - timezone.now()).total_seconds()) + 0.1)
        result = deliver.call()

    email.refresh_from_db()
    assert result == {"sent": 1, "failed": 0, "requeued": 0}
    assert email.status == STATUS.sent
    assert attempts(email) == [(STATUS.failed, "ConnectionRefusedError"), (STATUS.sent, "")]
    (received,) = inbox.messages
    with translation.override("id"):
        subject = gettext("Interview slot of %(innovation)s") % {"innovation": "CENDOL"}
        body = render_to_string(TEMPLATE, {**status_context(), "site_name": "KIKS"})
    with translation.override("en"):
        english_body = render_to_string(TEMPLATE, {**status_context(), "site_name": "KIKS"})
    assert received["to"] == ["a@example.test", "b@example.test"]
    assert received["subject"] == f"[KIKS] {subject}"
    assert received["body"].replace("\r\n", "\n").strip() == body.strip()
    assert body != english_body  # the site's language, Indonesian


def test_after_the_last_retry_the_message_stays_failed(
    use_smtp, django_capture_on_commit_callbacks
):
    with smtp.refusing() as port:
        use_smtp(port, retry_seconds=0, max_retries=1)
        with django_capture_on_commit_callbacks(execute=True):
            email = queue_one()
        deliver.call()
        deliver.call()  # nothing left to try
    email.refresh_from_db()
    assert (email.status, email.number_of_retries) == (STATUS.failed, 1)
    assert attempts(email) == [(STATUS.failed, "ConnectionRefusedError")] * 2


# --- hanging -------------------------------------------------------------------------------


def test_a_server_that_never_answers_costs_one_timeout_then_the_message_waits(
    use_smtp, django_capture_on_commit_callbacks
):
    with smtp.hanging() as port:
        use_smtp(port)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            email = queue_one(to=["c@example.test"])
        started = time.monotonic()
        callbacks[0]()  # the worker's attempt
        elapsed = time.monotonic() - started
    email.refresh_from_db()
    assert TIMEOUT <= elapsed < TIMEOUT + 2
    assert email.status == STATUS.requeued
    # smtplib reports the greeting that never came as a disconnection, after the timeout.
    (log,) = email.logs.all()
    assert (log.status, log.exception_type, log.message) == (
        STATUS.failed,
        "SMTPServerDisconnected",
        "Connection unexpectedly closed: timed out",
    )


def test_password_reset_answers_at_once_while_the_mail_server_hangs(
    client, settings, use_smtp, django_capture_on_commit_callbacks
):
    """Django's own mail goes through the outbox too (EMAIL_BACKEND = post_office's)."""
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.TASKS = DATABASE_QUEUE
    settings.EMAIL_TIMEOUT = 30  # even a long timeout: the request never waits on SMTP
    make_user("budi", email="budi@sukabumikota.go.id")
    with smtp.hanging() as port:
        use_smtp(port)
        settings.EMAIL_TIMEOUT = 30
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": "budi@sukabumikota.go.id"})
        elapsed = time.monotonic() - started
    assert elapsed < 2
    assert response["Location"] == reverse("password_reset_done")
    (email,) = Email.objects.all()
    assert (email.status, email.to) == (STATUS.queued, ["budi@sukabumikota.go.id"])
    assert email.subject == "Atur ulang kata sandi KIKS Anda"
    assert "/accounts/reset/" in email.message
    (task,) = DBTaskResult.objects.all()
    assert (task.task_path, task.status, task.args_kwargs["kwargs"]) == (
        "common.outbox.deliver",
        "READY",
        {"email_ids": [email.pk]},
    )


# --- the requests that mail, with the server refusing ---------------------------------------


def test_vote_request_keeps_the_whole_vote_and_queues_the_mail(
    ballot,  # noqa: F811
    post_vote,  # noqa: F811
    use_smtp,
):
    with smtp.refusing() as port:
        use_smtp(port)
        response = post_vote(ballot["udunan"])
    assert (response.status_code, response["Location"]) == (302, "/favorit/favorit/")
    with translation.override("id"):
        thanks = gettext(
            "Thank you. We sent an e-mail to %(email)s: open the link in it to "
            "confirm your vote. It counts once confirmed."
        ) % {"email": EMAIL}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [thanks]
    (vote,) = FavouriteVote.objects.all()
    assert (vote.proposal, vote.track, vote.confirmed_at) == (
        ballot["udunan"],
        ballot["udunan"].track,
        None,
    )
    (email,) = Email.objects.all()
    assert (email.to, email.status) == ([EMAIL], STATUS.requeued)
    assert "/favorit/konfirmasi/" in email.message
    assert attempts(email) == [(STATUS.failed, "ConnectionRefusedError")]


def test_the_voters_address_is_forgotten_once_the_mail_is_out(
    ballot,  # noqa: F811
    post_vote,  # noqa: F811
    use_smtp,
):
    """The vote keeps a hash; the outbox message was the one place with the address: it waits
    while the server is down, and is deleted (with its attempts) once delivered."""
    with smtp.refusing() as port:
        use_smtp(port, retry_seconds=0)
        post_vote(ballot["udunan"])
    (waiting,) = Email.objects.all()
    assert waiting.to == [EMAIL]
    other = queue_one()  # an ordinary notice: kept, sent or not

    with smtp.accepting() as (port, inbox):
        use_smtp(port)
        deliver.call()

    assert [EMAIL] in [m["to"] for m in inbox.messages]
    assert list(Email.objects.values_list("id", flat=True)) == [other.pk]
    assert not Log.objects.filter(email_id=waiting.pk).exists()
    assert not Email.objects.filter(to__icontains="warga").exists()
    assert FavouriteVote.objects.count() == 1


def test_opening_a_stage_succeeds_and_its_mail_waits(use_smtp, django_capture_on_commit_callbacks):
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    verified(edition, 2)
    judge = make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())
    with smtp.refusing() as port:
        use_smtp(port)
        with django_capture_on_commit_callbacks(execute=True):
            open_stage(stage, by=organiser)
    stage.refresh_from_db()
    assert (stage.state, stage.opened_by) == ("open", organiser)
    (email,) = Email.objects.all()
    assert (email.to, email.status) == ([judge.email], STATUS.requeued)
    assert attempts(email) == [(STATUS.failed, "ConnectionRefusedError")]


def test_confirming_a_shortlist_succeeds_and_its_mails_wait(
    ranked,  # noqa: F811
    use_smtp,
    django_capture_on_commit_callbacks,
):
    organiser, stage, (a, b, c, d) = ranked
    Email.objects.all().delete()  # the stage's opening mails, from the fixture
    with smtp.refusing() as port:
        use_smtp(port)
        with django_capture_on_commit_callbacks(execute=True):
            confirm_shortlist(
                stage, track=a.track, proposal_ids=[a.pk, b.pk], decree_number="800/117/Org",
                decree_date=DECREE_DATE, by=organiser,
            )  # fmt: skip
    assert Shortlist.objects.get(stage=stage, track=a.track).decree_number == "800/117/Org"
    emails = Email.objects.all()
    assert [e.status for e in emails] == [STATUS.requeued] * 4
    assert Log.objects.filter(exception_type="ConnectionRefusedError").count() == 4


def test_reminders_to_every_agency_are_queued_not_sent_in_the_request(
    reminder_setup,  # noqa: F811
    settings,
    use_smtp,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = DATABASE_QUEUE
    edition, missing, operator, unreachable, _done = reminder_setup
    with smtp.hanging() as port:
        use_smtp(port)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            result = send_compliance_reminders(edition, by=make_organiser())
        elapsed = time.monotonic() - started
    assert elapsed < TIMEOUT  # no SMTP conversation in the request
    assert [r.agency for r in result.sent] == [missing]
    (email,) = Email.objects.all()
    assert (email.to, email.status, attempts(email)) == ([operator.email], STATUS.queued, [])
    assert "Dinas Sosial" in email.subject
    (task,) = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"] == {"email_ids": [email.pk]}


# --- the database queue and its worker (manage.py db_worker) --------------------------------


def test_one_follow_up_run_however_many_runs_find_the_message_waiting(settings, use_smtp):
    settings.TASKS = DATABASE_QUEUE
    with smtp.refusing() as port:
        use_smtp(port, retry_seconds=60)
        email = queue_one(to=["e@example.test"])
        deliver.call(email_ids=[email.pk])
        deliver.call()
        deliver.call()
    email.refresh_from_db()
    assert (email.status, len(attempts(email))) == (STATUS.requeued, 1)
    (follow_up,) = DBTaskResult.objects.filter(status="READY")
    assert (follow_up.task_path, follow_up.run_after) == (
        "common.outbox.deliver",
        email.scheduled_time,
    )


def test_a_queue_that_cannot_be_reached_loses_nothing_and_fails_nothing(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("task queue down")

    monkeypatch.setattr(type(deliver), "enqueue", down)
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_one()
    email.refresh_from_db()
    assert email.status == STATUS.queued  # waits for the next run
    assert [r.getMessage() for r in caplog.records if r.name == "kiks.mail"] == [
        "Could not enqueue the outbox delivery; the messages stay queued"
    ]


@pytest.mark.django_db(transaction=True)
def test_db_worker_retries_on_its_own_until_the_server_is_back(settings, use_smtp):
    settings.TASKS = DATABASE_QUEUE
    with smtp.refusing() as port:
        use_smtp(port)
        with transaction.atomic():
            email = queue_one(to=["d@example.test"])
        assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["READY"]
        call_command("db_worker", batch=True, verbosity=0)
    email.refresh_from_db()
    assert email.status == STATUS.requeued
    assert attempts(email) == [(STATUS.failed, "ConnectionRefusedError")]
    # The run scheduled the next one for the retry time.
    (follow_up,) = DBTaskResult.objects.filter(status="READY")
    assert follow_up.run_after == email.scheduled_time

    with smtp.accepting(port) as (_, inbox):
        time.sleep(max(0, (email.scheduled_time - timezone.now()).total_seconds()) + 0.1)
        call_command("db_worker", batch=True, verbosity=0)
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert [m["to"] for m in inbox.messages] == [["d@example.test"]]
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 2


# --- the organiser's outbox page --------------------------------------------------------------


def make_outbox():
    """One sent, one waiting for a retry, one failed for good."""
    now = timezone.now()
    sent = Email.objects.create(
        from_email=FROM, to=["sent@example.test"], subject="Terkirim", status=STATUS.sent
    )
    Log.objects.create(email=sent, status=STATUS.sent)
    waiting = Email.objects.create(
        from_email=FROM,
        to=["waiting@example.test"],
        subject="Menunggu",
        status=STATUS.requeued,
        number_of_retries=1,
        scheduled_time=now + timedelta(minutes=15),
    )
    Log.objects.create(
        email=waiting,
        status=STATUS.failed,
        message="[Errno 111] Connection refused",
        exception_type="ConnectionRefusedError",
    )
    failed = Email.objects.create(
        from_email=FROM,
        to=["failed@example.test"],
        subject="Gagal",
        status=STATUS.failed,
        number_of_retries=5,
    )
    for message in ("first error", "timed out"):
        Log.objects.create(
            email=failed, status=STATUS.failed, message=message, exception_type="TimeoutError"
        )
    return sent, waiting, failed


def rows(response):
    return [(e.subject, e.status, e.attempts, e.last_error) for e in response.context["emails"]]


def test_the_organiser_sees_what_was_sent_waits_and_failed(client):
    make_outbox()
    client.force_login(make_organiser())
    url = reverse("audit:outbox")

    everything = client.get(url)
    assert rows(everything) == [
        ("Gagal", STATUS.failed, 2, "timed out"),
        ("Menunggu", STATUS.requeued, 1, "[Errno 111] Connection refused"),
        ("Terkirim", STATUS.sent, 1, ""),
    ]
    assert everything.context["counts"] == {"sent": 1, "waiting": 1, "failed": 1}
    page = everything.content.decode()
    with translation.override("id"):
        labels = [gettext(text) for text in ("Failed", "Waiting for a retry", "Sent")]
    shown = re.findall(r'<td data-status="\d">([^<]*)</td>', page)
    assert shown == labels
    assert "failed@example.test" in page and "timed out" in page
    assert rows(client.get(url, {"status": "failed"})) == [("Gagal", STATUS.failed, 2, "timed out")]
    assert [r[0] for r in rows(client.get(url, {"status": "waiting"}))] == ["Menunggu"]
    assert [r[0] for r in rows(client.get(url, {"status": "sent"}))] == ["Terkirim"]


def test_resend_requeues_audits_and_delivers(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    _, _, failed = make_outbox()
    organiser = make_organiser()
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("audit:outbox_resend"), {"email": failed.pk, "status": "failed"}
        )
    assert response["Location"] == reverse("audit:outbox") + "?status=failed"
    failed.refresh_from_db()
    # Queued again with its retries reset, then sent by the worker at commit (locmem here).
    assert (failed.status, failed.number_of_retries) == (STATUS.sent, 0)
    assert [(m.to, m.subject) for m in mailoutbox] == [(["failed@example.test"], "Gagal")]
    event = AuditEvent.objects.get(action="email.resend")
    assert (event.actor, event.object_id, event.before, event.after) == (
        organiser,
        str(failed.pk),
        {"status": "failed"},
        {"status": "queued"},
    )


def test_resend_of_an_unknown_message_changes_nothing(client):
    client.force_login(make_organiser())
    response = client.post(reverse("audit:outbox_resend"), {"email": 999999})
    assert response["Location"] == reverse("audit:outbox")
    assert not AuditEvent.objects.filter(action="email.resend").exists()


def test_post_office_admin_is_for_superusers_only(client, settings):
    make_outbox()
    url = reverse("admin:post_office_email_changelist")
    client.force_login(make_organiser())
    assert client.get(url).status_code == 403
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200
