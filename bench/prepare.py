"""Benchmark preparation for one database filled by bench/generate_scale.py (run by bench/run.py).

Signs in the users the pages need (sessions in the shared store, as a browser would have them),
reopens one of the bench judge's sheets so that saving a draft is allowed, counts the SQL queries
of every page with Django's test client, times the ranking recomputation, and prints one JSON
object on stdout. Reads DATABASE_URL, REDIS_URL and the other settings from the environment.
"""

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiks.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from innovations.enums import ProposalStatus  # noqa: E402
from innovations.models import Edition, Proposal  # noqa: E402
from judging.enums import SheetStatus  # noqa: E402
from judging.models import ScoreSheet, Stage  # noqa: E402
from judging.services import compute_stage_results, reopen_score_sheet  # noqa: E402

RANKING_ROWS = 250
PASSWORD = os.environ.get("BENCH_PASSWORD", "kiks-scale-2026")


def main(n: int) -> dict:
    users = get_user_model().objects
    tag = f"s{n}"
    edition = Edition.objects.get(slug=f"skala-{n}")
    stage = Stage.objects.get(edition=edition, order=1)
    organiser = users.get(username=f"{tag}-organiser")
    judge = users.get(username=f"{tag}-juri-1")
    draft = (
        Proposal.objects.filter(edition=edition, status=ProposalStatus.DRAFT)
        .select_related("innovation")
        .order_by("pk")
        .first()
    )
    operator = users.filter(memberships__agency_id=draft.agency_id).order_by("pk").first()
    public = Proposal.objects.filter(edition=edition, status=ProposalStatus.VERIFIED).order_by("pk")
    innovation_slug = public.values_list("innovation__slug", flat=True).first()

    # One of the judge's sheets in draft, reopened through the service like an organiser would.
    sheet = (
        ScoreSheet.objects.filter(assignment__stage=stage, assignment__judge=judge)
        .select_related("assignment")
        .order_by("assignment__position", "pk")
        .first()
    )
    if sheet.status == SheetStatus.SUBMITTED:
        reopen_score_sheet(sheet, by=organiser, reason="Benchmark: saving a draft.")
    proposal_id = sheet.assignment.proposal_id
    criteria = list(stage.criteria.order_by("order", "pk"))
    form = {f"score_{c.pk}": "7" for c in criteria}
    form.update({f"comment_{c.pk}": "" for c in criteria})
    form["overall_comment"] = "Draf penilaian (benchmark)."

    recompute_seconds = None
    if os.environ.get("BENCH_SKIP_RECOMPUTE") != "1":
        started = time.monotonic()
        compute_stage_results(stage)
        recompute_seconds = time.monotonic() - started

    first_track = edition.tracks.order_by("order", "pk").first()
    pages = [
        ("healthz", "/healthz", None, "GET", None),
        ("public registry", reverse("public:registry"), None, "GET", None),
        (
            "innovation page",
            reverse("public:innovation", args=[innovation_slug]),
            None,
            "GET",
            None,
        ),
        ("operator dashboard", reverse("innovations:operator_dashboard"), operator, "GET", None),
        (
            "proposal editor",
            reverse("innovations:proposal_edit", args=[draft.pk]),
            operator,
            "GET",
            None,
        ),
        (
            "compliance board",
            reverse("innovations:compliance_board") + f"?edition={edition.slug}",
            organiser,
            "GET",
            None,
        ),
        (
            "verification queue",
            reverse("innovations:organiser_queue") + f"?edition={edition.slug}",
            organiser,
            "GET",
            None,
        ),
        (
            f"ranking ({RANKING_ROWS} rows)",
            reverse("judging:ranking", args=[stage.pk]) + f"?track={first_track.pk}",
            organiser,
            "GET",
            None,
        ),
        ("judge dashboard", reverse("judging:judge_stage", args=[stage.pk]), judge, "GET", None),
        (
            "score sheet GET",
            reverse("judging:sheet", args=[stage.pk, proposal_id]),
            judge,
            "GET",
            None,
        ),
        (
            "score sheet POST draft",
            reverse("judging:sheet", args=[stage.pk, proposal_id]),
            judge,
            "POST",
            form,
        ),
    ]
    with contextlib.suppress(NoReverseMatch):
        pages.append(
            (
                "interview schedule",
                reverse("judging:schedule", args=[stage.pk]),
                organiser,
                "GET",
                None,
            )
        )

    result = []
    sessions = {}
    for name, url, user, method, data in pages:
        client = Client()
        cookie = ""
        csrf = ""
        if user is not None:
            if user.pk not in sessions:
                # A real sign-in (as the browser would), so that sign-in records get an address.
                login = Client(REMOTE_ADDR="127.0.0.1")
                login.post(reverse("login"), {"username": user.username, "password": PASSWORD})
                sessions[user.pk] = login.cookies["sessionid"].value
            csrf = _get_new_csrf_string()
            client.cookies["sessionid"] = sessions[user.pk]
            client.cookies["csrftoken"] = csrf
            cookie = f"sessionid={sessions[user.pk]}; csrftoken={csrf}"
        body = urlencode(data) if data else ""
        with CaptureQueriesContext(connection) as queries:
            if method == "POST":
                response = client.post(url, data, HTTP_X_CSRFTOKEN=csrf)
            else:
                response = client.get(url)
        result.append(
            {
                "name": name,
                "url": url,
                "method": method,
                "body": body,
                "cookie": cookie,
                "csrf": csrf,
                "status": response.status_code,
                "queries": len(queries.captured_queries),
                "bytes": len(response.content) if not response.streaming else 0,
            }
        )
    return {"n": n, "stage": stage.pk, "recompute_seconds": recompute_seconds, "pages": result}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
