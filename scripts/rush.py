"""`make rush`: the last hours before the deadline, on gunicorn and PostgreSQL.

RUSH_OPERATORS (default 50) simulated operators sign in (before the clock starts: at the deadline
they are signed in already), then, until RUSH_SECONDS (default 60) are up, each creates a proposal
with a new innovation, fills in every section, attaches an SK letter, a photo and the supporting
document the edition requires, and submits it; a proposal started before the end is finished.
Meanwhile RUSH_JUDGES (default 5) judges save draft score sheets. Then it prints requests, errors
and p95 latency, and checks the database: every proposal the client saw created exists exactly
once, every submission the client saw succeed is submitted with exactly one status change, every
refused one came back with a message and is still a draft, and no response was a 5xx.

It creates its own database (RUSH_DB, default kiks_rush, dropped and made again), fills it with
`bench/generate_scale.py --proposals 200`, runs gunicorn (RUSH_WORKERS, default 4) on
127.0.0.1:RUSH_PORT, and stops it at the end. Exit status 0 only with 0 lost, 0 duplicated and
0 5xx.
"""

import io
import os
import random
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

from webclient import Browser, first_option, forms_of, require_free_port  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
PG = os.environ.get("RUSH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("RUSH_DB", "kiks_rush")
PORT = int(os.environ.get("RUSH_PORT", "18766"))
SECONDS = int(os.environ.get("RUSH_SECONDS", "60"))
OPERATORS = int(os.environ.get("RUSH_OPERATORS", "50"))
JUDGES = int(os.environ.get("RUSH_JUDGES", "5"))
WORKERS = int(os.environ.get("RUSH_WORKERS", "4"))
MAX_REQUESTS = 2000  # per simulated user: the run is bounded in requests as well as in time
N = 200
PASSWORD = "kiks-rush-2026"
BASE = f"http://127.0.0.1:{PORT}"
WORDS = "layanan warga cepat data dampak inovasi kota program hasil manfaat biaya waktu".split()  # noqa: SIM905


def server_env() -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),  # fresh each run: no secret in the repository
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"{PG}/{DB}",
        REDIS_URL=os.environ.get("RUSH_REDIS", "redis://127.0.0.1:6379/14"),
        MEDIA_ROOT=tempfile.gettempdir() + "/kiks-rush-media",
        STATIC_ROOT=tempfile.gettempdir() + "/kiks-rush-static",
        LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    env["DJANGO_SETTINGS_MODULE"] = "kiks.settings"  # production settings, even from a test run
    return env


ENV = server_env()
os.environ.update({k: ENV[k] for k in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "DEBUG")})
os.environ.update(SECRET_KEY=ENV["SECRET_KEY"], STATIC_ROOT=ENV["STATIC_ROOT"])
os.environ["EMAIL_BACKEND"] = ENV["EMAIL_BACKEND"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiks.settings")


def words(count: int, rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []
        self.created: list[tuple[str, int]] = []  # (username, proposal pk)
        self.submitted: list[int] = []
        self.refused: list[tuple[int, bool]] = []  # (pk, a message was shown)
        self.drafts_saved = 0
        self.sign_ins = None

    def record(self, started: float, status: int):
        with self.lock:
            self.latencies.append((time.monotonic() - started) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def timed(stats, browser, method, path, **kwargs):
    started = time.monotonic()
    try:
        response = browser.request(method, path, **kwargs)
    except OSError as error:
        stats.record(started, 0)
        with stats.lock:
            stats.failures.append(f"{method} {path}: {error}")
        return None
    stats.record(started, response.status)
    if response.status >= 500:
        with stats.lock:
            stats.failures.append(f"{method} {path}: HTTP {response.status}")
    return response


def fields_of(page: str, marker: str) -> dict:
    form = next(f for f in forms_of(page) if any(name == marker for name, _v in f["fields"]))
    return dict(form["fields"])


def sign_in(username: str, stats: Stats, browsers: dict):
    """Before the clock starts: operators at the deadline are signed in already."""
    browser = Browser(BASE, timeout=180)
    timed(stats, browser, "GET", "/accounts/login/")
    login = timed(
        stats,
        browser,
        "POST",
        "/accounts/login/",
        fields=[("username", username), ("password", PASSWORD)],
    )
    if login is None or login.status != 302:
        with stats.lock:
            stats.failures.append(f"{username}: sign-in failed")
        return
    browsers[username] = browser


def operator_loop(browser, username: str, deadline: float, stats: Stats, files: dict, seed: int):
    """Until the deadline, start proposal after proposal; the one started is finished."""
    rng = random.Random(seed)
    budget = [MAX_REQUESTS]

    def call(method, path, **kwargs):
        budget[0] -= 1
        return timed(stats, browser, method, path, **kwargs)

    number = 0
    while time.monotonic() < deadline and budget[0] > 10:
        number += 1
        page = call("GET", "/usulan/baru/")
        if page is None or page.status != 200:
            continue
        fields = fields_of(page.text, "track")
        fields.update(
            {
                "innovation": "",
                "track": first_option(page.text, "track"),
                "new-name": f"Inovasi Rush {username} {number} {rng.randrange(10**9)}",
                "new-acronym": f"RUSH{number}",
                "new-expansion": "Layanan cepat saat tenggat",
                "new-started_on": "2024-01-15",
                "new-form": "pelayanan_publik",
                "new-stage": "penerapan",
                "new-initiator_kind": "team",
                "new-initiator_name": "Tim Rush",
                "new-sdgs": "3",
            }
        )
        created = call("POST", "/usulan/baru/", fields=list(fields.items()))
        match = re.search(r"/usulan/(\d+)/ubah/", created.location if created else "")
        if not match:
            continue
        pk = int(match.group(1))
        with stats.lock:
            stats.created.append((username, pk))
        editor_path = f"/usulan/{pk}/ubah/"
        editor = call("GET", editor_path)
        if editor is None or editor.status != 200:
            continue
        form = fields_of(editor.text, "video_url")
        for name in form:
            if name.startswith("section_"):
                form[name] = words(60 if name == "section_ringkasan" else 130, rng)
        form["video_url"] = "https://www.youtube.com/watch?v=rush"
        evidence = re.search(
            r'<option value="(\d+)"[^>]*>\s*Signifikansi', editor.text, re.IGNORECASE
        )
        uploads = [
            ("sk_letter", "", "sk.pdf", "application/pdf", files["pdf"]),
            ("photo", "", "foto.png", "image/png", files["png"]),
            ("document", evidence.group(1) if evidence else "", "bukti.pdf", "application/pdf")
            + (files["pdf"],),
        ]
        ok = True
        for kind, section, filename, content_type, data in uploads:
            body = dict(form, action="upload")
            body.update({"upload-kind": kind, "upload-section": section, "upload-caption": ""})
            response = call(
                "POST",
                editor_path,
                fields=list(body.items()),
                files=[("upload-file", filename, content_type, data)],
            )
            ok = ok and response is not None and response.status == 302
        if not ok:
            continue
        response = call("POST", editor_path, fields=list(dict(form, action="submit").items()))
        if response is None:
            continue
        if response.status == 302 and response.location.rstrip("/").endswith(f"/usulan/{pk}"):
            with stats.lock:
                stats.submitted.append(pk)
        else:
            shown = "alert" in response.text and response.status < 500
            with stats.lock:
                stats.refused.append((pk, shown))


def judge_loop(browser, stage_id, proposal_ids, criteria, deadline, stats, seed):
    rng = random.Random(seed)
    for count in range(MAX_REQUESTS):
        if time.monotonic() >= deadline:
            break
        path = f"/penilaian/{stage_id}/usulan/{proposal_ids[count % len(proposal_ids)]}/"
        fields = [(f"score_{pk}", str(rng.randint(1, 10))) for pk in criteria]
        fields += [(f"comment_{pk}", "") for pk in criteria]
        fields.append(("overall_comment", f"Draf {count}"))
        response = timed(stats, browser, "POST", path, fields=fields)
        if response is not None and response.status == 302:
            with stats.lock:
                stats.drafts_saved += 1


def run_all(threads, *, timeout: float):
    for thread in threads:
        thread.daemon = True
        thread.start()
    stop = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, stop - time.monotonic()))


def prepare() -> dict:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {DB}"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", f"CREATE DATABASE {DB}"], check=True)
    for command in (
        ["manage.py", "migrate", "--noinput", "-v", "0"],
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        ["bench/generate_scale.py", "--proposals", str(N), "--agencies", str(max(OPERATORS, 10))]
        + ["--judges", str(max(JUDGES, 2)), "--per-proposal", "2", "--password", PASSWORD],
    ):
        subprocess.run([PY, *command], env=ENV, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from judging.models import ScoreSheet, Stage
    from judging.services import reopen_score_sheet

    stage = Stage.objects.get(edition__slug=f"skala-{N}")
    organiser = get_user_model().objects.get(username=f"s{N}-organiser")
    judges = {}
    for number in range(1, JUDGES + 1):
        username = f"s{N}-juri-{number}"
        sheets = list(
            ScoreSheet.objects.filter(assignment__stage=stage, assignment__judge__username=username)
            .select_related("assignment")
            .order_by("pk")[:5]
        )
        for sheet in sheets:
            reopen_score_sheet(sheet, by=organiser, reason="Latihan tenggat: simpan draf.")
        judges[username] = [sheet.assignment.proposal_id for sheet in sheets]
    criteria = list(stage.criteria.order_by("order", "pk").values_list("pk", flat=True))
    return {"stage": stage.pk, "judges": judges, "criteria": criteria}


def check(stats: Stats) -> list[str]:
    from django.db.models import Count

    from innovations.enums import ProposalStatus
    from innovations.models import Proposal, ProposalStatusChange

    problems = []
    rush = Proposal.objects.filter(innovation__name__startswith="Inovasi Rush ")
    seen = {pk for _user, pk in stats.created}
    stored = set(rush.values_list("pk", flat=True))
    lost = seen - stored
    extra = stored - seen
    duplicated = rush.values("innovation__name").annotate(n=Count("pk")).filter(n__gt=1).count()
    if lost:
        problems.append(f"{len(lost)} created proposals lost: {sorted(lost)[:10]}")
    if duplicated:
        problems.append(f"{duplicated} proposals stored twice")
    statuses = dict(rush.values_list("pk", "status"))
    changes = dict(
        ProposalStatusChange.objects.filter(proposal__in=rush, to_status=ProposalStatus.SUBMITTED)
        .values("proposal_id")
        .annotate(n=Count("pk"))
        .values_list("proposal_id", "n")
    )
    not_submitted = [pk for pk in stats.submitted if statuses.get(pk) != ProposalStatus.SUBMITTED]
    twice = [pk for pk in stats.submitted if changes.get(pk, 0) != 1]
    if not_submitted:
        problems.append(f"{len(not_submitted)} seen submitted are not: {not_submitted[:10]}")
    if twice:
        problems.append(f"{len(twice)} submissions not recorded exactly once: {twice[:10]}")
    silent = [pk for pk, shown in stats.refused if not shown]
    if silent:
        problems.append(f"{len(silent)} refusals without a message: {silent[:10]}")
    sneaked = [pk for pk, _shown in stats.refused if statuses.get(pk) == ProposalStatus.SUBMITTED]
    if sneaked:
        problems.append(f"{len(sneaked)} refused submissions are submitted anyway: {sneaked[:10]}")
    statuses = dict(stats.statuses)
    if stats.sign_ins is not None:
        for status, n in stats.sign_ins.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    errors = sum(n for status, n in statuses.items() if status >= 500 or status == 0)
    if errors:
        problems.append(f"{errors} responses were 5xx or failed connections")
    stats.lost, stats.extra, stats.duplicated = len(lost), len(extra), duplicated
    return problems


def start_server() -> subprocess.Popen:
    """gunicorn on 127.0.0.1:PORT, in its own process group (stop_server ends the whole group)."""
    return subprocess.Popen(
        [GUNICORN, "kiks.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{PORT}"]
        + ["--timeout", "120"],
        env=ENV,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until_up():
    probe = Browser(BASE, timeout=2)
    for _ in range(100):
        try:
            if probe.get("/healthz").status == 200:
                break
        except OSError:
            time.sleep(0.3)


def stop_server(server: subprocess.Popen):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def rush(setup: dict, stats: Stats) -> float:
    """Sign everyone in, then let the operators and judges loose for SECONDS; returns the time
    the rush took."""
    files = {"png": png(), "pdf": pdf()}
    browsers: dict = {}
    sign_ins = Stats()
    operators = [f"s{N}-op-{i}" for i in range(1, OPERATORS + 1)]
    judges = [name for name, ids in setup["judges"].items() if ids]
    print(f"Signing in {len(operators)} operators and {len(judges)} judges ...", flush=True)
    run_all(
        [threading.Thread(target=sign_in, args=(n, sign_ins, browsers)) for n in operators]
        + [threading.Thread(target=sign_in, args=(n, sign_ins, browsers)) for n in judges],
        timeout=300,
    )
    stats.failures += sign_ins.failures
    stats.sign_ins = sign_ins
    started = time.monotonic()
    deadline = started + SECONDS
    threads = [
        threading.Thread(
            target=operator_loop, args=(browsers[name], name, deadline, stats, files, k)
        )
        for k, name in enumerate(operators)
        if name in browsers
    ]
    threads += [
        threading.Thread(
            target=judge_loop,
            args=(browsers[name], setup["stage"], setup["judges"][name], setup["criteria"])
            + (deadline, stats, k),
        )
        for k, name in enumerate(judges)
        if name in browsers
    ]
    print(f"Rush: {OPERATORS} operators and {JUDGES} judges for {SECONDS} s ...", flush=True)
    run_all(threads, timeout=SECONDS + 300)
    return time.monotonic() - started


def report(stats: Stats, elapsed: float):
    """The figures table and the first failures."""
    ordered = sorted(stats.latencies) or [0.0]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    five = sum(n for status, n in stats.statuses.items() if status >= 500)
    print("\n| Figure | Value |\n|---|---|")
    if stats.sign_ins is not None:
        before = sorted(stats.sign_ins.latencies) or [0.0]
        print(f"| sign-ins before the clock | {len(before) // 2}, slowest {before[-1]:.0f} ms |")
    rate = len(stats.latencies) / elapsed
    print(f"| requests in the rush | {len(stats.latencies)} ({rate:.1f}/s) |")
    print(f"| statuses | {dict(sorted(stats.statuses.items()))} |")
    print(f"| errors (5xx, failed connections) | {five + stats.statuses.get(0, 0)} |")
    print(f"| p95 latency | {p95:.0f} ms (median {ordered[len(ordered) // 2]:.0f} ms) |")
    print(f"| proposals created (seen by clients) | {len(stats.created)} |")
    print(f"| submitted (seen) | {len(stats.submitted)} |")
    print(f"| refused with a message | {sum(1 for _pk, s in stats.refused if s)} |")
    print(f"| judges' drafts saved | {stats.drafts_saved} |")
    print(f"| lost / duplicated | {stats.lost} / {stats.duplicated} |")
    print(f"| 5xx | {five} |")
    for line in stats.failures[:10]:
        print("  failure:", line)


def main() -> int:
    print(f"Preparing {DB} ...", flush=True)
    require_free_port(PORT)
    setup = prepare()
    server = start_server()
    stats = Stats()
    try:
        wait_until_up()
        elapsed = rush(setup, stats)
    finally:
        stop_server(server)
    problems = check(stats)
    report(stats, elapsed)
    if problems:
        print("\nFAILED:\n  " + "\n  ".join(problems))
        return 1
    print("\nOK: 0 lost, 0 duplicated, 0 5xx.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
