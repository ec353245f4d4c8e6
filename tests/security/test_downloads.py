"""Attachment downloads and exports, file by file: agency A's files, agency B's draft files,
the public photo route and every export format, for every actor."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.scenario import ACTORS, build_scenario

pytestmark = pytest.mark.django_db

# (URL name, kwargs (values named from the scenario), codes in ACTORS order:
#  anon op_a op_b org judge j_out j_conf leader; see expected.py for the codes)
DOWNLOADS = [
    ("innovations:attachment", {"pk": "pdf"}, "login 200 404 200 200 404 404 200"),
    ("innovations:attachment", {"pk": "pdf_b"}, "login 404 200 200 404 404 404 200"),
    ("innovations:attachment", {"pk": "photo"}, "login 200 404 200 200 404 404 200"),
    ("innovations:attachment_thumbnail", {"pk": "photo_b"}, "login 404 200 200 404 404 404 200"),
    ("judging:attachment", {"attachment_id": "pdf"}, "login 403 403 403 200 404 404 403"),
    ("judging:attachment", {"attachment_id": "pdf_b"}, "login 403 403 403 404 404 404 403"),
    ("public:photo", {"pk": "photo"}, "200 200 200 200 200 200 200 200"),
    ("public:photo", {"pk": "photo_b"}, "404 404 404 404 404 404 404 404"),
    ("public:photo", {"pk": "pdf"}, "404 404 404 404 404 404 404 404"),
    ("public:photo_thumb", {"pk": "pdf_b"}, "404 404 404 404 404 404 404 404"),
    (
        "innovations:export_compliance",
        {"slug": "edition_slug", "fmt": "csv"},
        "login 403 403 200 403 403 403 200",
    ),
    (
        "innovations:export_compliance",
        {"slug": "edition_slug", "fmt": "xlsx"},
        "login 403 403 200 403 403 403 200",
    ),
    (
        "innovations:export_proposals",
        {"slug": "edition_slug", "fmt": "csv"},
        "login 403 403 200 403 403 403 403",
    ),
    (
        "innovations:export_proposals",
        {"slug": "edition_slug", "fmt": "xlsx"},
        "login 403 403 200 403 403 403 403",
    ),
    ("public:vote_export", {"slug": "edition_slug"}, "login 403 403 200 403 403 403 403"),
]

CONTENT_TYPES = {
    "innovations:attachment": {"application/pdf", "image/png"},
    "innovations:attachment_thumbnail": {"image/webp", "image/png"},
    "judging:attachment": {"application/pdf"},
    "public:photo": {"image/png"},
    "public:photo_thumb": {"image/webp"},
    "public:vote_export": {"text/csv; charset=utf-8"},
}


def _code(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login") + "?"):
        return "login"
    return str(response.status_code)


def test_every_download_and_export_for_every_actor(capsys):
    scenario = build_scenario()
    clients = {actor: Client() for actor in ACTORS}
    for actor, user in scenario["users"].items():
        if user is not None:
            clients[actor].force_login(user)

    mismatches, cases = [], 0
    for name, kwargs, row in DOWNLOADS:
        values = {key: scenario["values"].get(value, value) for key, value in kwargs.items()}
        url = reverse(name, kwargs=values)
        observed = []
        for actor in ACTORS:
            response = clients[actor].get(url)
            cases += 1
            observed.append(_code(response))
            if response.status_code == 200:
                body = b"".join(response.streaming_content) if response.streaming else b""
                wanted = CONTENT_TYPES.get(name)
                if wanted is not None and response["Content-Type"] not in wanted:
                    mismatches.append(f"{url} as {actor}: {response['Content-Type']}")
                if name.startswith("innovations:attachment") or name.startswith("public:photo"):
                    assert response["X-Content-Type-Options"] == "nosniff"
                assert body or not response.streaming
        if observed != row.split():
            mismatches.append(f"{url}\n  expected: {row}\n  observed: {' '.join(observed)}")

    with capsys.disabled():
        print(f"\ndownloads and exports: {cases} file x actor cases")
    assert mismatches == [], "\n" + "\n".join(mismatches)
