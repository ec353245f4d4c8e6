"""Attachment downloads and exports, file by file: agency A's files, agency B's draft files
(agency B's own: not even the organiser or leadership open them), the public photo route and
every export format, for every actor; every served file carries the same headers."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from common.downloads import FILE_CSP, INLINE_TYPES, PRIVATE_CACHE, PUBLIC_CACHE
from tests.security.scenario import ACTORS, build_scenario

pytestmark = pytest.mark.django_db

# (URL name, kwargs (values named from the scenario), codes in ACTORS order:
#  anon op_a op_b org judge j_out j_conf leader lead_j; see expected.py for the codes)
DOWNLOADS = [
    ("innovations:attachment", {"pk": "pdf"}, "login 200 404 200 200 404 404 200 200"),
    ("innovations:attachment", {"pk": "pdf_b"}, "login 404 200 404 404 404 404 404 404"),
    ("innovations:attachment", {"pk": "photo"}, "login 200 404 200 200 404 404 200 200"),
    (
        "innovations:attachment_thumbnail",
        {"pk": "photo_b"},
        "login 404 200 404 404 404 404 404 404",
    ),
    ("judging:attachment", {"attachment_id": "pdf"}, "login 403 403 403 200 404 404 403 200"),
    ("judging:attachment", {"attachment_id": "pdf_b"}, "login 403 403 403 404 404 404 403 404"),
    ("public:photo", {"pk": "photo"}, "200 200 200 200 200 200 200 200 200"),
    ("public:photo", {"pk": "photo_b"}, "404 404 404 404 404 404 404 404 404"),
    ("public:photo", {"pk": "pdf"}, "404 404 404 404 404 404 404 404 404"),
    ("public:photo_thumb", {"pk": "pdf_b"}, "404 404 404 404 404 404 404 404 404"),
    (
        "innovations:export_compliance",
        {"slug": "edition_slug", "fmt": "csv"},
        "login 403 403 200 403 403 403 200 200",
    ),
    (
        "innovations:export_compliance",
        {"slug": "edition_slug", "fmt": "xlsx"},
        "login 403 403 200 403 403 403 200 200",
    ),
    (
        "innovations:export_proposals",
        {"slug": "edition_slug", "fmt": "csv"},
        "login 403 403 200 403 403 403 403 403",
    ),
    (
        "innovations:export_proposals",
        {"slug": "edition_slug", "fmt": "xlsx"},
        "login 403 403 200 403 403 403 403 403",
    ),
    ("public:vote_export", {"slug": "edition_slug"}, "login 403 403 200 403 403 403 403 403"),
]

CONTENT_TYPES = {
    "innovations:attachment": {"application/pdf", "image/png"},
    "innovations:attachment_thumbnail": {"image/webp", "image/png"},
    "judging:attachment": {"application/pdf"},
    "public:photo": {"image/png"},
    "public:photo_thumb": {"image/webp"},
    "public:vote_export": {"text/csv; charset=utf-8"},
}


# The URLs that serve a stored file: every one answers with the same header set
# (common.downloads.file_response).
FILE_URLS = (
    "innovations:attachment",
    "innovations:attachment_thumbnail",
    "judging:attachment",
    "public:photo",
    "public:photo_thumb",
)


def file_header_problems(name, response) -> list[str]:
    """How a served file's headers differ from the one set every file must carry."""
    content_type = response["Content-Type"]
    disposition = "inline" if content_type in INLINE_TYPES else "attachment"
    wanted = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cache-Control": PUBLIC_CACHE if name.startswith("public:") else PRIVATE_CACHE,
    }
    problems = [
        f"{header}: {response.get(header)!r} (wanted {value!r})"
        for header, value in wanted.items()
        if response.get(header) != value
    ]
    if not response.get("Content-Disposition", "").startswith(f"{disposition}; filename="):
        problems.append(f"Content-Disposition: {response.get('Content-Disposition')!r}")
    return problems


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

    mismatches, cases, checked = [], 0, 0
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
                if name in FILE_URLS:
                    checked += 1
                    mismatches += [
                        f"{url} as {actor}: {problem}"
                        for problem in file_header_problems(name, response)
                    ]
                assert body or not response.streaming
        if observed != row.split():
            mismatches.append(f"{url}\n  expected: {row}\n  observed: {' '.join(observed)}")

    with capsys.disabled():
        print(f"\ndownloads and exports: {cases} file x actor cases, {checked} files' headers")
    assert checked >= 20
    assert mismatches == [], "\n" + "\n".join(mismatches)


def test_files_are_served_only_through_the_one_helper():
    """No view builds a FileResponse of its own: common/ holds the only constructors (the file
    helper and the workbook export), so a new download cannot forget a header."""
    root = Path(__file__).resolve().parents[2]
    builders = sorted(
        str(path.relative_to(root))
        for app in ("agencies", "audit", "demo", "innovations", "judging", "public", "kiks")
        for path in (root / app).rglob("*.py")
        if "FileResponse(" in path.read_text(encoding="utf-8")
    )
    assert builders == []
