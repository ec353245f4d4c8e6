import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"] == "text/plain"


def test_home_is_indonesian_by_default_even_for_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Masuk" in html  # "Log in"
    assert response["Content-Language"] == "id"


def test_language_switch_remembers_english_then_back_to_indonesian(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert response.cookies["kiks_language"].value == "en"

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html

    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies["kiks_language"] = "fr"
    assert '<html lang="id">' in client.get("/").content.decode()


def test_login_page_is_in_indonesian_and_accepts_an_account(client):
    make_user("budi", password="sandi-rahasia-123")
    page = client.get(reverse("login")).content.decode()
    assert "Nama pengguna" in page and "Lupa kata sandi?" in page

    response = client.post(reverse("login"), {"username": "budi", "password": "sandi-rahasia-123"})
    assert (response.status_code, response["Location"]) == (302, reverse("dashboard"))


def test_wrong_password_is_refused_with_an_indonesian_message(client):
    make_user("budi", password="sandi-rahasia-123")
    response = client.post(reverse("login"), {"username": "budi", "password": "salah"})
    assert response.status_code == 200
    assert "dan sandi yang benar" in response.content.decode()


def test_password_reset_sends_an_indonesian_mail(client, mailoutbox):
    make_user("budi", email="budi@sukabumikota.go.id")
    response = client.post(reverse("password_reset"), {"email": "budi@sukabumikota.go.id"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Atur ulang kata sandi KIKS Anda"
    assert "/accounts/reset/" in mailoutbox[0].body


def test_dashboard_of_a_user_without_role_says_so(client):
    client.force_login(make_user("tanpa.peran"))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Akun Anda belum memiliki peran" in html


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/dasbor/")


def test_times_are_shown_in_wib(settings):
    from django.utils import timezone

    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert timezone.get_current_timezone_name() == "Asia/Jakarta"


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()
