"""common.errors.DomainError (every app's refusals) and common.http.client_ip."""

from django.test import RequestFactory
from django.utils.translation import gettext_lazy

from common.errors import DomainError
from common.http import client_ip
from innovations.services import WorkflowError
from public.services import VoteError


def test_domain_error_lists_its_messages_and_joins_them():
    error = DomainError(["Satu.", "Dua."], code="two")

    assert (error.messages, error.code, str(error)) == (["Satu.", "Dua."], "two", "Satu.; Dua.")


def test_a_single_message_becomes_a_list_of_one_string():
    error = DomainError(gettext_lazy("Refused."))

    assert (error.messages, error.code, str(error)) == (["Refused."], "", "Refused.")
    assert DomainError("Ditolak.").messages == ["Ditolak."]
    assert DomainError([gettext_lazy("Refused."), 3]).messages == ["Refused.", "3"]


def test_the_apps_errors_are_domain_errors():
    vote = VoteError("Sudah ditutup.")

    assert isinstance(WorkflowError("x"), DomainError)
    assert isinstance(vote, DomainError)
    assert (vote.message, vote.messages, str(vote)) == (
        "Sudah ditutup.",
        ["Sudah ditutup."],
        "Sudah ditutup.",
    )


def test_client_ip_is_the_remote_address_without_the_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "10.0.0.7"


def test_client_ip_behind_the_proxy_is_the_last_forwarded_hop(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    assert client_ip(request) == "203.0.113.9"
