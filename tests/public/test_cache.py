"""Public pages served from the shared cache to anonymous visitors (common.cache)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import make_agency, make_operator, make_public_entry

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def entry(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_public_entry()


def test_second_visit_is_served_from_the_cache_without_queries(
    entry, client, django_assert_num_queries
):
    url = reverse("public:innovation", args=[entry.innovation.slug])
    first = client.get(url)
    assert first.status_code == 200
    assert "X-Public-Cache" not in first

    with django_assert_num_queries(0):
        second = Client().get(url)

    assert second["X-Public-Cache"] == "hit"
    assert entry.innovation.name in second.content.decode()


def test_a_change_is_shown_on_the_next_visit(entry, client, django_capture_on_commit_callbacks):
    # (A published entry keeps its name and acronym; what the innovation is now, e.g. digital,
    # shows at once.)
    url = reverse("public:registry")
    badge = 'text-bg-info">Digital<'
    assert badge not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        entry.innovation.is_digital = True
        entry.innovation.save()

    page = client.get(url)
    assert "X-Public-Cache" not in page
    assert badge in page.content.decode()
    assert Client().get(url)["X-Public-Cache"] == "hit"


def test_each_visitor_gets_their_own_csrf_token_in_a_cached_page(entry):
    url = reverse("public:registry")
    first = Client(enforce_csrf_checks=True)
    first.get(url)
    second = Client(enforce_csrf_checks=True)

    page = second.get(url)

    assert page["X-Public-Cache"] == "hit"
    (token,) = set(TOKEN.findall(page.content.decode()))
    switched = second.post(
        reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert second.cookies["kiks_language"].value == "en"


def test_signed_in_users_and_pending_messages_are_never_served_from_the_cache(entry):
    url = reverse("public:registry")
    Client().get(url)  # cached now

    signed_in = Client()
    signed_in.force_login(make_operator(make_agency()))
    assert "X-Public-Cache" not in signed_in.get(url)

    # A visitor with a message waiting (e.g. after asking to vote) sees it, not the cached page.
    visitor = Client()
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Periksa surel Anda")
    response = visitor.get("/healthz")
    storage.update(response)
    visitor.cookies["messages"] = response.cookies["messages"].value
    page = visitor.get(url)
    assert "X-Public-Cache" not in page
    assert "Periksa surel Anda" in page.content.decode()


def test_a_sign_in_keeps_the_cache_and_a_renamed_user_renews_it(entry):
    from django.contrib.auth import get_user_model

    from common.cache import generation

    user = make_operator(make_agency())
    before = generation()
    signed_in = Client()
    signed_in.force_login(user)  # writes last_login only
    assert generation() == before

    get_user_model().objects.get(pk=user.pk).save()  # e.g. the admin renames a judge
    assert generation() != before
