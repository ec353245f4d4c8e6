"""`make bench`: the portal's speed at scale, measured the same way every time.

For each size N in BENCH_SIZES (default "3000,40000"):
1. the database kiks_bench_<N> on PostgreSQL (BENCH_PG, default postgres://postgres@127.0.0.1:5432)
   is created, migrated and filled with `bench/generate_scale.py --proposals N` unless it holds that
   edition already (BENCH_REGENERATE=1 starts again);
2. bench/prepare.py signs in the users, counts each page's SQL queries and times the ranking
   recomputation; bench/export_probe.py times the CSV and Excel exports (BENCH_EXPORTS=0 skips);
3. gunicorn (2 sync workers, DEBUG off, Redis cache and sessions) serves 127.0.0.1:BENCH_PORT;
   every page gets a warm-up (BENCH_WARMUP seconds) and then BENCH_SECONDS (default 20) of load at
   concurrency 2 from wrk (installed with apt-get if missing; else a bounded Python generator);
4. one table: queries, requests/s, median and p95 latency, and requests/s as a share of /healthz
   measured in the same run, with each page's target; then the workers' peak memory.

Everything it starts it stops. Talks only to 127.0.0.1.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
GENERATE_SCALE = str(ROOT / "bench" / "generate_scale.py")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "3000,40000").split(",") if s.strip()]
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
PORT = int(os.environ.get("BENCH_PORT", "18765"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
FAST = {"score sheet GET", "score sheet POST draft", "judge dashboard", "operator dashboard"}
FAST |= {"public registry", "innovation page"}


def target(name: str) -> float:
    if name.startswith("ranking"):
        return 0.01
    if name == "healthz":
        return 1.0
    return 0.05 if name in FAST else 0.02


def env_for(n: int, static_root: str, media_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        # A fresh random key each run: nothing secret is ever written into the repository.
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=static_root,
        MEDIA_ROOT=media_root,
        DATABASE_URL=f"{PG}/kiks_bench_{n}",
        # Mails (e.g. "your sheet was reopened") must not mix into the JSON the scripts print.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        REDIS_URL=REDIS,
        LOG_LEVEL="ERROR",
    )
    env["DJANGO_SETTINGS_MODULE"] = "kiks.settings"  # production settings, even from a test run
    return env


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def psql(sql: str):
    subprocess.run(
        ["psql", PG + "/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def ensure_database(n: int, env: dict):
    name = f"kiks_bench_{n}"
    exists = subprocess.run(
        ["psql", PG + "/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and os.environ.get("BENCH_REGENERATE") == "1":
        psql(f"DROP DATABASE {name}")
        exists = ""
    if not exists:
        psql(f"CREATE DATABASE {name}")
    run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    has = subprocess.run(
        [
            "psql",
            f"{PG}/{name}",
            "-tAc",
            f"SELECT 1 FROM innovations_edition WHERE slug='skala-{n}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not has:
        print(f"Generating N = {n} (bench/generate_scale.py) ...", flush=True)
        started = time.monotonic()
        run([PY, GENERATE_SCALE, "--proposals", str(n)], env)
        print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)


def wait_for(url_path: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", url_path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{PORT}")


def have_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.environ.get("BENCH_NO_INSTALL") != "1" and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    return bool(shutil.which("wrk"))


def wrk(page: dict, seconds: int) -> dict:
    env = dict(os.environ)
    env.update(BENCH_METHOD=page["method"], BENCH_BODY=page["body"], BENCH_CSRF=page["csrf"])
    # "Connection: close", as nginx talks to gunicorn's sync workers (which close after every
    # response anyway): with keep-alive, wrk waits ~40 ms per request for a delayed ACK, and every
    # page would measure the same ~45 requests/s.
    cmd = ["wrk", "-t2", "-c2", f"-d{seconds}s", "--timeout", "30s", "-s", "bench/report.lua"]
    cmd += ["-H", "Connection: close"]
    if page["cookie"]:
        cmd += ["-H", f"Cookie: {page['cookie']}"]
    cmd.append(f"http://127.0.0.1:{PORT}{page['url']}")
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    match = re.search(
        r"BENCH requests=(\d+) seconds=([\d.]+) p50=([\d.]+) p95=([\d.]+) errors=(\d+)", out
    )
    requests, duration, p50, p95, errors = match.groups()
    return {
        "rps": int(requests) / float(duration),
        "p50": float(p50),
        "p95": float(p95),
        "errors": int(errors),
        "requests": int(requests),
    }


def python_load(page: dict, seconds: int) -> dict:
    """Fallback: 2 threads, keep-alive connections, for `seconds` seconds."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Cookie": page["cookie"]} if page["cookie"] else {}
    if page["method"] == "POST":
        headers.update(
            {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": page["csrf"]}
        )

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                conn.request(
                    page["method"], page["url"], body=page["body"] or None, headers=headers
                )
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                ok = False
            with lock:
                latencies.append((time.monotonic() - started) * 1000)
                errors[0] += 0 if ok else 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "errors": errors[0],
        "requests": len(latencies),
    }


def probe(page: dict) -> int:
    """The status gunicorn itself answers the benchmarked request with (a lost session would
    otherwise be measured as a fast redirect)."""
    headers = {"Cookie": page["cookie"]} if page["cookie"] else {}
    if page["method"] == "POST":
        headers.update(
            {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": page["csrf"]}
        )
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    conn.request(page["method"], page["url"], body=page["body"] or None, headers=headers)
    response = conn.getresponse()
    response.read()
    location = response.getheader("Location", "")
    conn.close()
    if response.status in (301, 302) and "/accounts/login/" in location:
        return 401  # signed out: shown as such in the table
    return response.status


def worker_memory(master: int) -> list[float]:
    """Peak resident memory (MB) of the gunicorn workers, children of the master."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master}$", text, re.M):
            found = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
            if found:
                peaks.append(int(found.group(1)) / 1024)
    return peaks


def bench_size(n: int, use_wrk: bool, static_root: str, media_root: str) -> dict:
    env = env_for(n, static_root, media_root)
    ensure_database(n, env)
    prepared = json.loads(
        run([PY, "bench/prepare.py", str(n)], env, capture_output=True, text=True).stdout
    )
    exports = []
    if os.environ.get("BENCH_EXPORTS", "1") == "1":
        for fmt in ("csv", "xlsx"):
            out = run(
                [PY, "bench/export_probe.py", str(n), fmt], env, capture_output=True, text=True
            )
            exports.append(json.loads(out.stdout))
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"127.0.0.1:{PORT} is in use by another program: set BENCH_PORT.")
    server = subprocess.Popen(
        [
            GUNICORN,
            "kiks.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for("/healthz")
        load = wrk if use_wrk else python_load
        for page in prepared["pages"]:
            page["status"] = probe(page)
            load(page, WARMUP)
            page.update(load(page, SECONDS))
            print(f"  {page['name']}: {page['rps']:.1f} req/s", flush=True)
        memory = worker_memory(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    ceiling = prepared["pages"][0]["rps"]
    for page in prepared["pages"]:
        page["ratio"] = page["rps"] / ceiling if ceiling else 0.0
    prepared.update(memory=memory, exports=exports, tool="wrk" if use_wrk else "python")
    return prepared


def print_table(result: dict, baseline: dict | None):
    n = result["n"]
    print(f"\nN = {n:,} proposals ({result['tool']}, {SECONDS} s per page, concurrency 2)")
    header = "| Page | Status | SQL | req/s | p50 ms | p95 ms | % of /healthz | Target | Met |"
    print(header)
    print("|---|---|---|---|---|---|---|---|---|")
    for page in result["pages"]:
        goal = target(page["name"])
        met = page["ratio"] >= goal and page["errors"] == 0 and page["status"] < 400
        note = f"{goal:.0%}"
        if page["name"].startswith("ranking") and baseline is not None:
            before = next(p for p in baseline["pages"] if p["name"] == page["name"])
            keeps = page["ratio"] >= 0.8 * before["ratio"]
            met = met and keeps
            note += f", ≥80% of N={baseline['n']:,} ({0.8 * before['ratio']:.2%})"
        if baseline is not None:
            before = next((p for p in baseline["pages"] if p["name"] == page["name"]), None)
            if before is not None and before["queries"] != page["queries"]:
                met = False
                note += f"; SQL {before['queries']} at N={baseline['n']:,}"
        print(
            f"| {page['name']} | {page['status']} | {page['queries']} | {page['rps']:.1f} | "
            f"{page['p50']:.1f} | {page['p95']:.1f} | {page['ratio']:.2%} | {note} | "
            f"{'yes' if met else 'NO'} |"
        )
    memory = ", ".join(f"{value:.0f}" for value in result["memory"])
    if result["recompute_seconds"] is not None:
        seconds = result["recompute_seconds"]
        print(f"\nRanking recomputation (compute_stage_results): {seconds:.1f} s")
    print(f"gunicorn workers' peak memory: {memory} MB (target < 250)")
    for export in result["exports"]:
        print(
            f"Export {export['format']}: {export['seconds']} s, {export['bytes'] / 1e6:.1f} MB, "
            f"process peak {export['peak_mb']} MB (status {export['status']})"
        )


def main():
    use_wrk = have_wrk()
    static_root = tempfile.mkdtemp(prefix="kiks-bench-static-")
    media_root = os.environ.get("BENCH_MEDIA_ROOT", tempfile.gettempdir() + "/kiks-bench-media")
    try:
        run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            env_for(SIZES[0], static_root, media_root),
        )
        results = []
        for n in SIZES:
            print(f"== N = {n:,}", flush=True)
            results.append(bench_size(n, use_wrk, static_root, media_root))
        baseline = None
        for result in results:
            print_table(result, baseline)
            baseline = baseline or result
        out = Path(os.environ.get("BENCH_JSON", tempfile.gettempdir() + "/kiks-bench.json"))
        out.write_text(json.dumps(results, indent=1))
        print(f"\nRaw figures: {out}")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
