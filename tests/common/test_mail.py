"""common.mail.send_mail: queued in the transaction, sent after commit, in the site's language,
never an error for the caller."""

import logging

import pytest
from django.template import TemplateDoesNotExist
from django.utils import translation
from django.utils.translation import gettext_lazy
from post_office.models import STATUS, Email

from common.mail import send_mail

pytestmark = pytest.mark.django_db
TEMPLATE = "innovations/email/status_changed.txt"


@pytest.fixture
def context():
    """What the status template reads, as plain objects (no database needed)."""

    class Named:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    proposal = Named(
        entry_title="CENDOL (Cerita dongeng online)",
        edition=Named(name="KIKS 2021"),
        agency=Named(name="Dinas Sosial"),
    )
    return {"proposal": proposal, "previous": "A", "current": "B", "note": ""}


def test_nothing_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks,
    mailoutbox,
    context,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail(to=["a@example.test", "b@example.test"], subject="Hal", template=TEMPLATE,
                  context=context)  # fmt: skip

    assert (len(callbacks), mailoutbox) == (1, [])
    callbacks[0]()
    (mail,) = mailoutbox
    assert (mail.to, mail.subject) == (["a@example.test", "b@example.test"], "[KIKS] Hal")


def test_subject_and_body_are_in_the_site_language_whatever_is_active(
    django_capture_on_commit_callbacks,
    mailoutbox,
    context,
    settings,
):
    settings.LANGUAGE_CODE = "en"
    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):
        send_mail(
            to=["a@example.test"],
            subject=gettext_lazy("Interview slot of %(innovation)s"),
            subject_params={"innovation": "CENDOL"},
            template=TEMPLATE,
            context=context,
        )

    (mail,) = mailoutbox
    assert mail.subject == "[KIKS] Interview slot of CENDOL"
    assert mail.body.startswith("The proposal “CENDOL (Cerita dongeng online)” of Dinas Sosial")
    assert mail.body.rstrip().endswith("KIKS")  # site_name added to the context


def test_without_prefix_and_in_a_given_language(
    django_capture_on_commit_callbacks,
    mailoutbox,
    context,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail(to=["a@example.test"], subject="Tanpa awalan", template=TEMPLATE,
                  context=context, prefix=False, language="en")  # fmt: skip

    assert mailoutbox[0].subject == "Tanpa awalan"
    assert "Note from the organiser" not in mailoutbox[0].body
    assert "Open the portal to see the proposal and its history." in mailoutbox[0].body


def test_no_recipients_no_mail(django_capture_on_commit_callbacks, mailoutbox, context):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_mail(to=[], subject="Hal", template=TEMPLATE, context=context)

    assert (callbacks, mailoutbox) == ([], [])


def test_a_failure_is_logged_and_never_raised(
    django_capture_on_commit_callbacks,
    mailoutbox,
    monkeypatch,
    caplog,
    context,
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with (
        caplog.at_level(logging.ERROR, logger="kiks.mail"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_mail(to=["a@example.test"], subject="Hal", template=TEMPLATE, context=context)
        send_mail(to=["a@example.test"], subject="Hal", template="tidak/ada.txt")

    assert mailoutbox == []
    # The template that fails is logged here; the mail server's failure is kept on the message,
    # which waits in the outbox for its retry (tests/common/test_outbox.py).
    (logged,) = [r for r in caplog.records if r.name == "kiks.mail"]
    assert logged.exc_info[0] is TemplateDoesNotExist
    (email,) = Email.objects.all()
    assert (email.status, email.number_of_retries) == (STATUS.requeued, 1)
    assert list(email.logs.values_list("exception_type", "message")) == [
        ("ConnectionRefusedError", "smtp down")
    ]
