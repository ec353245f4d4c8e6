"""`manage.py create_organiser`: the first organiser of an empty installation (and any later one
made from the server's shell), through `agencies.accounts.create_organiser`."""

import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from agencies.accounts import OrganiserExists, create_organiser
from common.mail import send_mail


def site_url() -> str:
    """Where the portal is reached: the first CSRF_TRUSTED_ORIGINS entry (production sets it),
    else the first of ALLOWED_HOSTS over http."""
    origins = [origin for origin in settings.CSRF_TRUSTED_ORIGINS if "*" not in origin]
    if origins:
        return origins[0].rstrip("/")
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    return f"http://{hosts[0].lstrip('.') if hosts else 'localhost'}"


def set_password_link(user, base_url: str) -> str:
    """The password-reset link of Django's PasswordResetForm for `user` (valid for
    PASSWORD_RESET_TIMEOUT, used once: setting the password changes the hash it signs)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}"


class Command(BaseCommand):
    help = (
        "Create an organiser account (the organiser group, admin access, not a superuser). "
        "Without a password, the account's owner gets an e-mail with a link to set one "
        "(or the link is printed with --print-link)."
    )
    # call_command(..., stdin=io.StringIO(...)) in the tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        password = parser.add_mutually_exclusive_group()
        password.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
        password.add_argument(
            "--no-password",
            action="store_true",
            help="no password (the default): the owner sets one through the link",
        )
        parser.add_argument(
            "--print-link",
            action="store_true",
            help="print the set-password link instead of e-mailing it",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="if the username exists, give that account the organiser role",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="the portal's address for the link (default: the first CSRF_TRUSTED_ORIGINS)",
        )

    def handle(self, *args, username, email, first_name, last_name, **options):
        if email:
            try:
                validate_email(email)
            except ValidationError as error:
                raise CommandError(f"--email: {email!r} is not an e-mail address.") from error
        if options["update"] and options["password_from_stdin"]:
            raise CommandError(
                "--update keeps the account's password; change it with `manage.py changepassword`."
            )
        password = self._password(username, email, first_name, last_name, options)
        exists = get_user_model().objects.filter(username=username).exists()
        if password is None and not options["print_link"] and not (email or exists):
            raise CommandError(
                "Without a password the set-password link is e-mailed: give --email, "
                "or --print-link to print it."
            )
        with transaction.atomic():
            try:
                user, created = create_organiser(
                    username=username,
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    password=password,
                    update=options["update"],
                )
            except OrganiserExists as error:
                raise CommandError(
                    f"The account {username!r} exists already: nothing changed. Give --update "
                    "to add the organiser role to it."
                ) from error
            link = None
            if not user.has_usable_password():
                link = set_password_link(user, options["site_url"] or site_url())
                if not options["print_link"]:
                    self._send_link(user, link)
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} organiser {username!r} (organiser group, admin access).")
        if link and options["print_link"]:
            self.stdout.write(f"Set-password link: {link}")
        elif link:
            self.stdout.write(f"Set-password link e-mailed to {user.email}.")

    def _password(self, username, email, first_name, last_name, options) -> str | None:
        if not options["password_from_stdin"]:
            return None
        stdin = options.get("stdin") or sys.stdin
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("--password-from-stdin: standard input holds no password.")
        probe = get_user_model()(
            username=username, email=email, first_name=first_name, last_name=last_name
        )
        try:
            validate_password(password, user=probe)
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from error
        return password

    def _send_link(self, user, link: str) -> None:
        if not user.email:
            raise CommandError(
                f"The account {user.get_username()!r} has no e-mail address for the link: "
                "give --print-link."
            )
        send_mail(
            to=[user.email],
            subject=_("Your organiser account: choose a password"),
            template="agencies/email/organiser_account.txt",
            context={"user": user, "link": link},
        )
