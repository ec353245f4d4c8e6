"""The demo's finished 2021 edition, read as its people would: nothing says "pending" (Indonesian
"Menunggu") anywhere, on the organiser's pages, the documents, the exports, the agencies' feedback
or the public pages."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from innovations.models import Edition
from judging.models import FinalEntry, StageResult

pytestmark = pytest.mark.django_db
PENDING = ("Menunggu", "Pending")


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return " ".join(
            str(cell.value) for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
        )
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_the_finished_2021_edition_says_pending_nowhere(client):
    call_command("load_demo", stdout=io.StringIO())
    edition = Edition.objects.get(slug="kiks-2021")
    desk, interview = edition.stages.order_by("order")
    assert not StageResult.objects.filter(stage__edition=edition, decision="pending").exists()
    organiser = get_user_model().objects.get(username="organisasi")
    client.force_login(organiser)
    urls = [
        reverse(f"judging:{name}", kwargs={"stage_id": stage.pk})
        for name in ("stage_detail", "ranking", "minutes", "schedule_print")
        for stage in (desk, interview)
    ]
    kwargs = {"edition_id": edition.pk}
    urls += [
        reverse(f"judging:{name}", kwargs=kwargs)
        for name in ("final", "final_minutes", "kijb_pack", "kijb_json", "export")
    ]
    urls += [
        reverse("judging:feedback", kwargs={"proposal_id": entry.proposal_id})
        for entry in FinalEntry.objects.filter(edition=edition)
    ]
    public = [
        reverse("home"),
        reverse("public:results", kwargs={"slug": edition.slug}),
        reverse("public:registry"),
    ]

    seen = {url: read(client, url) for url in urls}
    client.logout()
    seen |= {url: read(client, url) for url in public}

    assert {url: status for url, (status, _text) in seen.items()} == dict.fromkeys(seen, 200)
    assert len(seen) == len(urls) + len(public) == 22  # 8 stage pages, 5, 6 finalists, 3
    saying_pending = [
        url for url, (_status, text) in seen.items() if any(word in text for word in PENDING)
    ]
    assert saying_pending == []


def read(client, url) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, _text(response)
