import pytest

from agencies.enums import AgencyKind
from tests.factories import make_agency, make_organiser, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    make_agency("Dinas Sosial", short_name="Dinsos")
    make_agency("Dinas Kesehatan", short_name="Dinkes")
    make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN, short_name="Kec. Baros")
    make_agency("Perumda Pasar", kind=AgencyKind.PERUMDA, obligated=False, short_name="Pasar")
    make_agency("Kecamatan Lama", kind=AgencyKind.KECAMATAN, is_active=False, short_name="Lama")


def _names(response):
    return sorted(a.name for a in response.context["cl"].result_list)


def test_organiser_searches_agencies_by_name_and_short_name(client, agencies):
    client.force_login(make_organiser())
    assert _names(client.get("/admin/agencies/agency/", {"q": "sosial"})) == ["Dinas Sosial"]
    assert _names(client.get("/admin/agencies/agency/", {"q": "Dinkes"})) == ["Dinas Kesehatan"]


def test_organiser_filters_agencies_by_kind_obligation_and_activity(client, agencies):
    client.force_login(make_organiser())
    url = "/admin/agencies/agency/"
    assert _names(client.get(url, {"kind__exact": "kecamatan"})) == [
        "Kecamatan Baros",
        "Kecamatan Lama",
    ]
    assert _names(client.get(url, {"is_obligated__exact": "0"})) == ["Perumda Pasar"]
    assert _names(client.get(url, {"is_active__exact": "0"})) == ["Kecamatan Lama"]


def test_user_without_staff_role_cannot_open_the_admin(client):
    client.force_login(make_user())
    response = client.get("/admin/agencies/agency/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/agencies/agency/",
    )
