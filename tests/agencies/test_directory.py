import pytest
from django.urls import reverse

from agencies.enums import AgencyKind
from tests.factories import make_agency, make_leader, make_operator, make_organiser, make_user

pytestmark = pytest.mark.django_db
URL = "/penyelenggara/instansi/"


def test_directory_url_is_stable():
    assert reverse("agencies:directory") == URL


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={URL}")


@pytest.mark.parametrize("make", [make_user, make_leader])
def test_users_without_the_organiser_role_get_403(client, make):
    client.force_login(make())
    assert client.get(URL).status_code == 403


def test_operator_gets_403(client):
    client.force_login(make_operator(make_agency()))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_directory_lists_agencies_with_operator_counts_and_flags_unreachable(client):
    dinsos = make_agency("Dinas Sosial")
    make_operator(dinsos)
    make_operator(dinsos)
    make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN)
    client.force_login(make_organiser())

    response = client.get(URL)

    rows = {a.name: a.operator_count for a in response.context["agencies"]}
    assert rows == {"Dinas Sosial": 2, "Kecamatan Baros": 0}
    assert "tidak ada operator" in response.content.decode()


def test_directory_filters_by_kind(client):
    make_agency("Dinas Sosial")
    make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN)
    client.force_login(make_organiser())
    response = client.get(URL, {"kind": "kecamatan"})
    assert [a.name for a in response.context["agencies"]] == ["Kecamatan Baros"]


@pytest.mark.parametrize("rows", [1, 25])
def test_directory_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    parent = make_agency("Dinas Kesehatan")
    for n in range(rows):
        make_operator(make_agency(f"Puskesmas {n}", kind=AgencyKind.PUSKESMAS, parent=parent))
    client.force_login(make_organiser())
    # session, user, user and group permissions, roles for the navigation, agencies
    with django_assert_num_queries(6):
        client.get(URL)
