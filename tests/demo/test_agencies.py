import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from agencies.models import Agency, Membership

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    "admin",
    "organisasi",
    "operator.dispusipda",
    "operator.dinsos",
    "juri1",
    "juri2",
    "juri3",
    "juri4",
    "juri5",
    "walikota",
]


def _snapshot():
    User = get_user_model()
    return (
        list(
            Agency.objects.order_by("slug").values_list(
                "slug", "name", "kind", "parent__slug", "is_obligated", "is_active"
            )
        ),
        list(
            User.objects.order_by("username").values_list(
                "username", "password", "is_staff", "is_superuser"
            )
        ),
        list(
            Membership.objects.order_by("id").values_list("user__username", "agency__slug", "role")
        ),
    )


def _load():
    call_command("load_demo", stdout=io.StringIO())


def test_load_demo_twice_changes_nothing():
    _load()
    first = _snapshot()
    _load()
    assert _snapshot() == first


def test_demo_has_the_agencies_of_kota_sukabumi_with_31_obligated():
    _load()
    assert Agency.objects.obligated().count() == 31
    names = set(Agency.objects.values_list("name", flat=True))
    assert {
        "Dinas Perpustakaan dan Kearsipan Daerah",
        "Dinas Ketahanan Pangan, Pertanian dan Perikanan",
        "Dinas Sosial",
        "Dinas Kesehatan",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "RSUD R. Syamsudin, S.H.",
        "RSUD Al-Mulk",
        "Puskesmas Tipar",
    } <= names
    kecamatan = Agency.objects.filter(kind="kecamatan").values_list("name", flat=True)
    assert sorted(kecamatan) == [
        f"Kecamatan {n}"
        for n in [
            "Baros",
            "Cibeureum",
            "Cikole",
            "Citamiang",
            "Gunungpuyuh",
            "Lembursitu",
            "Warudoyong",
        ]
    ]
    assert Agency.objects.filter(kind="perumda").count() == 4
    assert Agency.objects.get(slug="pkm-tipar").parent.name == "Dinas Kesehatan"


def test_every_demo_account_logs_in_with_the_published_password(client):
    _load()
    for username in DEMO_USERS:
        assert client.login(request=HttpRequest(), username=username, password="demo-kiks-2021"), (
            username
        )
        client.logout()


def test_demo_roles_match_the_readme(client):
    _load()
    User = get_user_model()
    roles = {
        u.username: sorted(u.groups.values_list("name", flat=True))
        for u in User.objects.filter(username__in=DEMO_USERS)
    }
    assert roles["admin"] == ["organiser"] and User.objects.get(username="admin").is_superuser
    assert roles["organisasi"] == ["organiser"]
    assert not User.objects.get(username="organisasi").is_superuser
    assert roles["operator.dispusipda"] == ["operator"]
    assert roles["walikota"] == ["judge", "leadership"]
    assert Membership.objects.get(user__username="juri1").agency.slug == "dinkes"
    assert Membership.objects.get(user__username="operator.dinsos").agency.slug == "dinsos"


@pytest.mark.parametrize("username", ["admin", "organisasi"])
def test_admin_opens_for_both_organiser_accounts(client, username):
    _load()
    client.login(request=HttpRequest(), username=username, password="demo-kiks-2021")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Instansi dan orang" in response.content.decode()  # the agencies app, in Indonesian


def test_load_demo_refuses_production_without_force(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        call_command("load_demo")
