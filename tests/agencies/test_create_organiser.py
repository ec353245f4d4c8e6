"""`manage.py create_organiser`: the first organiser of an empty installation, made by the
system (no actor), with a set-password link when it has no password."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditEvent
from tests.factories import make_agency, make_operator

pytestmark = pytest.mark.django_db
User = get_user_model()
LINK = re.compile(r"http://kiks\.example/accounts/reset/[\w-]+/[\w-]+/")


def run(*args, stdin=None):
    out = io.StringIO()
    call_command("create_organiser", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def signs_in(client, username, password) -> bool:
    """Through the sign-in page, as a person would (django-axes wants the request)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def rights(user):
    user.refresh_from_db()
    return (
        sorted(user.groups.values_list("name", flat=True)),
        user.is_active,
        user.is_staff,
        user.is_superuser,
        user.has_usable_password(),
    )


def test_create_organiser_with_password_from_stdin_can_sign_in_and_reach_the_admin():
    output = run(
        "bagian.org",
        "--email=org@kiks.example",
        "--first-name=Bagian",
        "--last-name=Organisasi",
        "--password-from-stdin",
        stdin=io.StringIO("Sukabumi-kota-2027!\n"),
    )

    assert output == "Created organiser 'bagian.org' (organiser group, admin access).\n"
    user = User.objects.get(username="bagian.org")
    assert rights(user) == (["organiser"], True, True, False, True)
    assert (user.email, user.first_name, user.last_name) == (
        "org@kiks.example",
        "Bagian",
        "Organisasi",
    )
    client = Client()
    assert signs_in(client, "bagian.org", "Sukabumi-kota-2027!")
    assert client.get("/admin/").status_code == 200
    assert mail.outbox == []
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.object_id) == ("user.roles", None, str(user.pk))
    assert event.before == {}
    assert event.after == {
        "groups": ["organiser"],
        "memberships": [],
        "is_active": True,
        "is_staff": True,
        "is_superuser": False,
        "user_permissions": [],
    }
    assert event.note == "organiser created (manage.py create_organiser)"


def test_create_organiser_without_password_emails_a_link_that_sets_the_password(
    settings, django_capture_on_commit_callbacks
):
    settings.CSRF_TRUSTED_ORIGINS = ["http://kiks.example"]
    settings.ALLOWED_HOSTS = ["kiks.example", "testserver"]
    with django_capture_on_commit_callbacks(execute=True):
        output = run("bagian.org", "--email=org@kiks.example")

    assert output == (
        "Created organiser 'bagian.org' (organiser group, admin access).\n"
        "Set-password link e-mailed to org@kiks.example.\n"
    )
    user = User.objects.get(username="bagian.org")
    assert rights(user) == (["organiser"], True, True, False, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["org@kiks.example"]
    link = LINK.search(message.body).group(0)
    assert "bagian.org" in message.body

    client = Client()
    page = client.get(link.removeprefix("http://kiks.example"), follow=True)
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "Sukabumi-kota-2027!", "new_password2": "Sukabumi-kota-2027!"}
    )
    assert done.status_code == 302
    assert done.url == "/accounts/reset/done/"
    assert signs_in(Client(), "bagian.org", "Sukabumi-kota-2027!")


def test_create_organiser_print_link_prints_and_sends_nothing(settings):
    output = run("bagian.org", "--no-password", "--print-link", "--site-url=http://kiks.example/")

    first, second = output.splitlines()
    assert first == "Created organiser 'bagian.org' (organiser group, admin access)."
    assert LINK.fullmatch(second.removeprefix("Set-password link: "))
    assert mail.outbox == []


def test_create_organiser_refuses_an_existing_username_and_changes_nothing():
    operator = make_operator(make_agency(), username="dipakai")
    before = rights(operator)

    with pytest.raises(CommandError) as error:
        run("dipakai", "--email=x@kiks.example")

    assert str(error.value) == (
        "The account 'dipakai' exists already: nothing changed. Give --update to add the "
        "organiser role to it."
    )
    assert rights(operator) == before
    assert AuditEvent.objects.count() == 0


def test_create_organiser_update_adds_the_role_and_keeps_the_password():
    operator = make_operator(make_agency(), username="dipakai")

    output = run("dipakai", "--update")

    assert output == "Updated organiser 'dipakai' (organiser group, admin access).\n"
    assert rights(operator) == (["operator", "organiser"], True, True, False, True)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.note) == ("user.roles", None, "organiser role added")
    assert event.before["groups"] == ["operator"]
    assert (event.after["groups"], event.after["is_staff"]) == (["operator", "organiser"], True)
    # A second run changes nothing and records nothing.
    run("dipakai", "--update")
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--no-password"],
            None,
            "Without a password the set-password link is e-mailed: give --email, or "
            "--print-link to print it.",
        ),
        (["--email=not-an-address"], None, "--email: 'not-an-address' is not an e-mail address."),
        (
            ["--password-from-stdin"],
            "\n",
            "--password-from-stdin: standard input holds no password.",
        ),
        (
            ["--password-from-stdin"],
            "12345678\n",
            "The password is refused: This password is too common. "
            "This password is entirely numeric.",
        ),
        (
            ["--update", "--password-from-stdin"],
            "Sukabumi-kota-2027!\n",
            "--update keeps the account's password; change it with `manage.py changepassword`.",
        ),
    ],
)
def test_create_organiser_refuses_what_would_leave_an_unusable_account(args, stdin, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError) as error:
        run("bagian.org", *args, stdin=io.StringIO(stdin) if stdin else None)

    assert str(error.value) == message
    assert not User.objects.filter(username="bagian.org").exists()
    assert AuditEvent.objects.count() == 0
