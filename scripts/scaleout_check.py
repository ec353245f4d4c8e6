"""Scale-out check: two app servers, one PostgreSQL, one Redis, and nothing lost between them.

Creates its own database (SCALEOUT_DB, default kiks_scaleout, dropped and made again), fills it
with a small edition (bench/generate_scale.py --proposals 20), starts two gunicorn instances on
127.0.0.1:SCALEOUT_PORT and SCALEOUT_PORT+1 sharing that database and Redis, then:
1. signs an operator in through server A and opens its dashboard through server B (the session
   lives in the shared store, not in a process);
2. creates a proposal through A, saves its sections through B, uploads the SK letter through A,
   the photo and the supporting document through B (files go through the storage API), and
   submits through A;
3. a second operator does the same the other way round;
4. a judge saves a draft score sheet through B after signing in through A;
5. reads everything back from the database: both proposals submitted once, texts, three
   attachments each with their files in storage, the judge's draft;
6. restarts both servers WITHOUT Redis (the cache falls back to the database cache) and reads a
   public agency page twelve times across both servers' four workers, renames the agency, and
   reads it twelve times again: no response may be stale (per-process memory served 7 of 12).
Prints one line per check and exits non-zero on any failure. Bounded: every request has a
timeout and the whole run stops after SCALEOUT_TIMEOUT seconds (default 240). Stops both
servers and drops the database at the end.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from rush import pdf, png, words  # noqa: E402
from webclient import Browser, first_option, forms_of, require_free_port  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
PG = os.environ.get("SCALEOUT_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("SCALEOUT_DB", "kiks_scaleout")
PORT = int(os.environ.get("SCALEOUT_PORT", "18771"))
TIMEOUT = int(os.environ.get("SCALEOUT_TIMEOUT", "240"))
N = 20
PASSWORD = "kiks-scaleout-2026"
MEDIA = tempfile.mkdtemp(prefix="kiks-scaleout-media-")
ENV = dict(os.environ)
ENV.update(
    DEBUG="false",
    SECRET_KEY=secrets.token_urlsafe(50),  # fresh each run: no secret in the repository
    ALLOWED_HOSTS="127.0.0.1",
    SECURE_SSL_REDIRECT="false",
    SESSION_COOKIE_SECURE="false",
    CSRF_COOKIE_SECURE="false",
    SECURE_HSTS_SECONDS="0",
    DATABASE_URL=f"{PG}/{DB}",
    REDIS_URL=os.environ.get("SCALEOUT_REDIS", "redis://127.0.0.1:6379/15"),
    MEDIA_ROOT=MEDIA,
    STATIC_ROOT=tempfile.gettempdir() + "/kiks-scaleout-static",
    LOG_LEVEL="ERROR",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
ENV["DJANGO_SETTINGS_MODULE"] = "kiks.settings"  # production settings, even from a test run
SHARED = ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DEBUG", "SECRET_KEY", "STATIC_ROOT")
for key in (*SHARED, "EMAIL_BACKEND"):
    os.environ[key] = ENV[key]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiks.settings")

A, B = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{PORT + 1}"
results: list[tuple[bool, str]] = []


def ok(condition: bool, what: str) -> bool:
    results.append((bool(condition), what))
    print(f"  [{'ok' if condition else 'FAIL'}] {what}", flush=True)
    return bool(condition)


def psql(sql: str):
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def fields_of(page: str, marker: str) -> dict:
    form = next(f for f in forms_of(page) if any(name == marker for name, _v in f["fields"]))
    return dict(form["fields"])


def on(browser: Browser, base: str) -> Browser:
    browser.use(base)
    return browser


def submit_across(username: str, first: str, second: str, tag: str) -> int | None:
    """One operator's whole proposal, alternating between the two servers."""
    browser = Browser(first, timeout=60)
    login = browser.login(username, PASSWORD)
    ok(login.status == 302, f"{username}: signed in through {first}")
    dashboard = on(browser, second).get("/usulan/")
    ok(dashboard.status == 200, f"{username}: dashboard through {second} (shared session)")
    page = on(browser, first).get("/usulan/baru/")
    fields = fields_of(page.text, "track")
    fields.update(
        {
            "innovation": "",
            "track": first_option(page.text, "track"),
            "new-name": f"Inovasi Skala Keluar {tag}",
            "new-acronym": f"SKL{tag}",
            "new-expansion": "Dua server satu data",
            "new-started_on": "2024-02-01",
            "new-form": "pelayanan_publik",
            "new-stage": "penerapan",
            "new-initiator_kind": "team",
            "new-initiator_name": "Tim Skala",
            "new-sdgs": "16",
        }
    )
    created = browser.post("/usulan/baru/", list(fields.items()))
    match = re.search(r"/usulan/(\d+)/ubah/", created.location)
    errors = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)<', created.text, re.S
    )
    if not ok(
        match is not None,
        f"{username}: proposal created through {first} {errors[:3] if not match else ''}".strip(),
    ):
        return None
    pk = int(match.group(1))
    path = f"/usulan/{pk}/ubah/"
    editor = on(browser, second).get(path)
    form = fields_of(editor.text, "video_url")
    import random

    rng = random.Random(pk)
    for name in form:
        if name.startswith("section_"):
            form[name] = words(60 if name == "section_ringkasan" else 130, rng)
    form["video_url"] = "https://www.youtube.com/watch?v=skala"
    saved = browser.post(path, list(dict(form, action="save").items()))
    ok(saved.status == 302, f"{username}: sections saved through {second}")
    evidence = re.search(r'<option value="(\d+)"[^>]*>\s*Signifikansi', editor.text, re.I)
    uploads = [
        (first, "sk_letter", "", "sk.pdf", "application/pdf", pdf()),
        (second, "photo", "", "foto.png", "image/png", png()),
        (second, "document", evidence.group(1) if evidence else "", "bukti.pdf", "application/pdf")
        + (pdf(),),
    ]
    for base, kind, section, filename, content_type, data in uploads:
        body = dict(form, action="upload")
        body.update({"upload-kind": kind, "upload-section": section, "upload-caption": ""})
        response = on(browser, base).post(
            path, list(body.items()), files=[("upload-file", filename, content_type, data)]
        )
        ok(response.status == 302, f"{username}: {kind} uploaded through {base}")
    submitted = on(browser, first).post(path, list(dict(form, action="submit").items()))
    ok(
        submitted.status == 302 and submitted.location.rstrip("/").endswith(f"/usulan/{pk}"),
        f"{username}: submitted through {first}",
    )
    detail = on(browser, second).get(f"/usulan/{pk}/")
    ok(detail.status == 200, f"{username}: proposal page through {second}")
    return pk


def judge_across(username: str, stage_id: int, proposal_id: int, criteria: list[int]):
    browser = Browser(A, timeout=60)
    ok(browser.login(username, PASSWORD).status == 302, f"{username}: signed in through {A}")
    fields = [(f"score_{pk}", "8") for pk in criteria] + [(f"comment_{pk}", "") for pk in criteria]
    fields.append(("overall_comment", "Draf lintas server"))
    response = on(browser, B).post(f"/penilaian/{stage_id}/usulan/{proposal_id}/", fields)
    ok(response.status == 302, f"{username}: draft score sheet saved through {B}")


def fill_database():
    """Migrate, collect the static files and generate the small edition, in SCALEOUT_DB."""
    for command in (
        ["manage.py", "migrate", "--noinput", "-v", "0"],
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        ["bench/generate_scale.py", "--proposals", str(N), "--agencies", "4", "--judges", "2"]
        + ["--per-proposal", "2", "--password", PASSWORD],
    ):
        subprocess.run(
            [PY, *command],
            env=ENV,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=TIMEOUT,
        )


def reopen_judge_sheet(judge: str):
    """Sets Django up; reopens the judge's first sheet (so a draft may be saved) and returns the
    stage, that sheet and the stage's criterion ids."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from judging.models import ScoreSheet, Stage
    from judging.services import reopen_score_sheet

    stage = Stage.objects.get(edition__slug=f"skala-{N}")
    sheet = (
        ScoreSheet.objects.filter(assignment__stage=stage, assignment__judge__username=judge)
        .select_related("assignment")
        .order_by("pk")
        .first()
    )
    organiser = get_user_model().objects.get(username=f"s{N}-organiser")
    reopen_score_sheet(sheet, by=organiser, reason="Uji skala keluar.")
    criteria = list(stage.criteria.order_by("order", "pk").values_list("pk", flat=True))
    return stage, sheet, criteria


def start_servers(servers: list, env: dict | None = None):
    """Both gunicorn instances (appended to `servers` as they start), then wait for them."""
    for port in (PORT, PORT + 1):
        servers.append(
            subprocess.Popen(
                [GUNICORN, "kiks.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
                env=env or ENV,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
    for base in (A, B):
        probe = Browser(base, timeout=2)
        for _ in range(100):
            try:
                if probe.get("/healthz").status == 200:
                    break
            except OSError:
                time.sleep(0.3)


def check_stored(stage, sheet, proposal_ids):
    """Read back from the database what the browsers wrote through either server."""
    from django.core.files.storage import default_storage

    from innovations.enums import ProposalStatus
    from innovations.models import Proposal

    for pk in proposal_ids:
        if pk is None:
            continue
        proposal = Proposal.objects.get(pk=pk)
        ok(proposal.status == ProposalStatus.SUBMITTED, f"proposal {pk} is submitted")
        ok(
            proposal.status_changes.filter(to_status=ProposalStatus.SUBMITTED).count() == 1,
            f"proposal {pk}: one submission in its history",
        )
        ok(
            proposal.answers.exclude(text="").count() == stage.edition.sections.count(),
            f"proposal {pk}: every section's text stored",
        )
        files = list(proposal.attachments.all())
        ok(len(files) == 3, f"proposal {pk}: three attachments")
        ok(
            all(default_storage.exists(item.file.name) for item in files),
            f"proposal {pk}: every file in the shared storage",
        )
    sheet.refresh_from_db()
    ok(sheet.overall_comment == "Draf lintas server", "judge's draft stored")
    ok(
        Proposal.objects.filter(innovation__name__startswith="Inovasi Skala Keluar").count() == 2,
        "exactly two proposals, no duplicate",
    )


def check_fresh_without_redis(servers: list):
    """Phase 6: both servers on the database cache; a rename is seen by every worker at once."""
    from agencies.models import Agency

    stop_servers(servers)
    servers.clear()
    start_servers(servers, dict(ENV, REDIS_URL=""))
    agency = Agency.objects.filter(proposals__isnull=False).order_by("pk").first()
    path = f"/instansi/{agency.slug}/"
    old_name, new_name = agency.name, f"{agency.name} Baru {secrets.token_hex(3)}"

    def names() -> list[tuple[bool, bool]]:
        seen = []
        for n in range(12):
            page = Browser(A if n % 2 else B, timeout=10).get(path).text
            seen.append((old_name in page, new_name in page))
        return seen

    before = names()
    # The rename runs in a process on the same settings without REDIS_URL (this one uses Redis):
    # its save() renews the database cache's public generation, as an organiser's edit would.
    rename = (
        "import django; django.setup(); from agencies.models import Agency;"
        f"a = Agency.objects.get(pk={agency.pk}); a.name = {new_name!r}; a.save()"
    )
    subprocess.run(
        [PY, "-c", rename], env=dict(ENV, REDIS_URL=""), cwd=ROOT, check=True, timeout=TIMEOUT
    )
    after = names()
    ok(all(old for old, _ in before), "without Redis: 12 of 12 agency pages served")
    stale = sum(1 for _, new in after if not new)
    ok(stale == 0, f"without Redis: after a rename {12 - stale} of 12 responses fresh")


def stop_servers(servers: list):
    for server in servers:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)


def main() -> int:
    require_free_port(PORT)
    require_free_port(PORT + 1)
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    servers = []
    try:
        fill_database()
        judge = f"s{N}-juri-1"
        stage, sheet, criteria = reopen_judge_sheet(judge)
        start_servers(servers)
        timer = threading.Timer(TIMEOUT, lambda: os.kill(os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()

        first = submit_across(f"s{N}-op-1", A, B, "A")
        second = submit_across(f"s{N}-op-2", B, A, "B")
        judge_across(judge, stage.pk, sheet.assignment.proposal_id, criteria)
        check_stored(stage, sheet, (first, second))
        check_fresh_without_redis(servers)
    finally:
        stop_servers(servers)
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB}")
        subprocess.run(["rm", "-rf", MEDIA], check=False)
    failed = [what for good, what in results if not good]
    print(f"Scale-out check: {len(results) - len(failed)} of {len(results)} checks passed.")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
