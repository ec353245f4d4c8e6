"""Profile the benchmark's pages in one process, against a database filled by `make bench`:

    make profile PROFILE_N=3000 PROFILE_PAGES="ranking"
    .venv/bin/python bench/profile.py 3000 [page name fragment ...]   # the same

Each page is requested through Django's test client: once to warm up, then BENCH_PROFILE_REPEAT
times (default 5) under pyinstrument. Prints the mean time per request and the SQL time, and
writes pyinstrument's report of every page into BENCH_PROFILE_DIR (default /tmp/kiks-profile).
Reuses bench/prepare.py (same users, pages and sessions) without timing the recomputation.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["BENCH_SKIP_RECOMPUTE"] = "1"
if __name__ == "__main__":
    # The settings bench/run.py gives gunicorn (DEBUG off, the benchmark database, Redis).
    import subprocess

    import run as bench_run

    static_root = os.environ.get("BENCH_STATIC_ROOT", "/tmp/kiks-bench-static")
    n = int(sys.argv[1])
    for key, value in bench_run.env_for(n, static_root, "/tmp/kiks-bench-media").items():
        os.environ.setdefault(key, value)
    if not Path(static_root, "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=bench_run.ROOT,
            check=True,
        )

import prepare  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402


def main():
    n = int(sys.argv[1])
    wanted = sys.argv[2:]
    repeat = int(os.environ.get("BENCH_PROFILE_REPEAT", "5"))
    out = Path(os.environ.get("BENCH_PROFILE_DIR", "/tmp/kiks-profile"))
    out.mkdir(parents=True, exist_ok=True)
    for page in prepare.main(n)["pages"]:
        if wanted and not any(w in page["name"] for w in wanted):
            continue
        client = Client()
        for part in filter(None, page["cookie"].split("; ")):
            key, value = part.split("=", 1)
            client.cookies[key] = value

        def hit(page=page, client=client):
            if page["method"] == "POST":
                return client.post(
                    page["url"],
                    page["body"],
                    content_type="application/x-www-form-urlencoded",
                    HTTP_X_CSRFTOKEN=page["csrf"],
                )
            return client.get(page["url"])

        hit()
        with CaptureQueriesContext(connection) as queries:
            hit()
        # (read now: the next request empties the connection's query log)
        count = len(queries.captured_queries)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(repeat):
                response = hit()
        per_request = (time.perf_counter() - started) / repeat * 1000
        name = page["name"].replace(" ", "_").replace("(", "").replace(")", "")
        (out / f"{n}_{name}.txt").write_text(profiler.output_text(unicode=False, show_all=False))
        (out / f"{n}_{name}.flat.txt").write_text(
            profiler.output_text(unicode=False, show_all=True, flat=True)
        )
        print(
            f"{page['name']:<24} {response.status_code} {count:>3} queries"
            f" {per_request:8.1f} ms/request (SQL {sql_ms:.1f} ms when counted)",
            flush=True,
        )


if __name__ == "__main__":
    main()
