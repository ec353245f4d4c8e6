"""The production stack behind the shipped nginx site (deploy/nginx/kiks.conf), checked over HTTPS.

Creates its own database (NGINX_CHECK_DB, default kiks_nginx, dropped and made again, dropped at
the end), fills it with a small edition (bench/generate_scale.py --proposals 8), collects the
static files, then starts under one temporary folder:
- gunicorn with the production settings (DEBUG=false, BEHIND_PROXY, X_ACCEL_PREFIX=/_media/) and
  the command line of deploy/systemd/kiks-web.service, on a unix socket;
- nginx in the foreground with its own prefix, pid, logs and temp paths, and the site file
  rendered with this run's paths and ports (NGINX_CHECK_PORT for HTTP, +1 for HTTPS) and a
  self-signed certificate made with openssl (`nginx -t` first);
- `manage.py db_worker` when that command exists (the background worker), else says why not.
Then checks, one line each: pages, static files and their cache headers, the HTTP to HTTPS
redirect, the security headers, the client's address as the app reads it, an anonymous download
refused, a signed-in operator's download (sent by nginx through X-Accel-Redirect once the
downloads call common/xaccel.py: the bytes are the stored file's, Content-Disposition and nosniff
reach the client), the internal location closed to clients, an upload over the limit refused by
nginx (413) and one under it passed on, the worker.
Exits non-zero on any failure. Bounded: every request has a timeout and the whole run stops after
NGINX_CHECK_TIMEOUT seconds (default 240). Stops every process it started.

    python scripts/nginx_check.py            # make nginx-check; run by .ci/run
    python scripts/nginx_check.py --config-only   # render the site and run `nginx -t` only
"""

import contextlib
import http.client
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from webclient import Browser, NoRedirect, require_free_port  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
PG = os.environ.get("NGINX_CHECK_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("NGINX_CHECK_DB", "kiks_nginx")
PORT = int(os.environ.get("NGINX_CHECK_PORT", "18781"))
TIMEOUT = int(os.environ.get("NGINX_CHECK_TIMEOUT", "240"))
HOST = "127.0.0.1"
N = 8
PASSWORD = secrets.token_urlsafe(16)  # fresh each run, as the SECRET_KEY
SITE = ROOT / "deploy" / "nginx" / "kiks.conf"
WEB_UNIT = ROOT / "deploy" / "systemd" / "kiks-web.service"
PDF_LIMIT = 10 * 1024 * 1024

results: list[tuple[bool, str]] = []


def ok(condition: bool, what: str) -> bool:
    results.append((bool(condition), what))
    print(f"  [{'ok' if condition else 'FAIL'}] {what}", flush=True)
    return bool(condition)


def skip(what: str):
    print(f"  [skip] {what}", flush=True)


# --- Rendering the shipped files --------------------------------------------------------------


def render_site(text: str, work: Path, http_port: int, https_port: int) -> str:
    """deploy/nginx/kiks.conf with this run's host, folders and ports (the literals install.sh
    replaces, plus the listen lines and logs); IPv6 listens dropped (not every CI has it)."""
    text = text.replace("kiks.example.go.id", HOST)
    text = text.replace("unix:/run/kiks/gunicorn.sock", f"unix:{work}/gunicorn.sock")
    text = text.replace("/etc/kiks/tls/", f"{work}/tls/")
    text = text.replace("/var/log/nginx/", f"{work}/logs/")
    text = text.replace("/var/www/html", f"{work}/acme")
    text = text.replace("/srv/kiks/", f"{work}/srv/")
    text = re.sub(r"^\s*listen \[::\]:.*\n", "", text, flags=re.M)
    text = re.sub(r"listen 80;", f"listen {HOST}:{http_port};", text)
    text = re.sub(r"listen 443 ssl", f"listen {HOST}:{https_port} ssl", text)
    return text


def main_config(work: Path, site: Path) -> str:
    """A whole nginx.conf around the site, as Debian's /etc/nginx/nginx.conf includes it."""
    temp = "\n".join(
        f"    {kind}_temp_path {work}/temp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\n"
        f"error_log {work}/logs/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        "    sendfile on;\n"
        f"    access_log {work}/logs/access.log;\n"
        f"{temp}\n"
        f"    include {site};\n"
        "}\n"
    )


def prepare_nginx(work: Path) -> Path:
    """Folders, a self-signed certificate, the rendered site and nginx.conf; returns the latter."""
    for sub in ("logs", "temp", "tls", "acme", "srv/static", "srv/media"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-sha256", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"]
        + ["-keyout", f"{work}/tls/privkey.pem", "-out", f"{work}/tls/fullchain.pem"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = work / "kiks.conf"
    site.write_text(render_site(SITE.read_text(), work, PORT, PORT + 1))
    conf = work / "nginx.conf"
    conf.write_text(main_config(work, site))
    return conf


def nginx_test(conf: Path, work: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NGINX, "-t", "-p", str(work), "-e", f"{work}/logs/error.log", "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def gunicorn_command(socket_path: Path) -> list[str]:
    """kiks-web.service's ExecStart, with this run's gunicorn and socket."""
    line = next(line for line in WEB_UNIT.read_text().splitlines() if line.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart="))
    command[0] = GUNICORN
    return [
        f"unix:{socket_path}" if part == "unix:/run/kiks/gunicorn.sock" else part
        for part in command
    ]


# --- The stack ------------------------------------------------------------------------------


def environment(work: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),  # fresh each run: no secret in the repository
        ALLOWED_HOSTS=HOST,
        # nginx passes Host without the port; the browser's Referer has it.
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{PORT + 1}",
        BEHIND_PROXY="true",
        X_ACCEL_PREFIX="/_media/",
        DATABASE_URL=f"{PG}/{DB}",
        REDIS_URL="",
        MEDIA_ROOT=f"{work}/srv/media",
        STATIC_ROOT=f"{work}/srv/static",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_SETTINGS_MODULE="kiks.settings",
    )
    return env


def psql(sql: str):
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True, capture_output=True)


def fill_database(env: dict):
    for command in (
        ["manage.py", "migrate", "--noinput", "-v", "0"],
        ["manage.py", "collectstatic", "--noinput", "-v", "0"],
        ["bench/generate_scale.py", "--proposals", str(N), "--agencies", "2", "--judges", "2"]
        + ["--per-proposal", "2", "--password", PASSWORD],
    ):
        done = subprocess.run(
            [PY, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
        )
        if done.returncode:
            print(done.stdout[-3000:], done.stderr[-3000:])
            raise SystemExit(f"nginx check: {' '.join(command)} failed ({done.returncode})")


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("wb")
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=handle, stderr=handle, start_new_session=True
    )


def stop(processes: list[subprocess.Popen]):
    for process in processes:
        if process.poll() is not None:
            continue
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


def has_db_worker(env: dict) -> bool:
    done = subprocess.run(
        [PY, "manage.py", "help", "db_worker"], env=env, cwd=ROOT, capture_output=True, timeout=60
    )
    return done.returncode == 0


# --- HTTP -----------------------------------------------------------------------------------


def insecure() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the run's own self-signed certificate
    return context


def https_browser() -> Browser:
    browser = Browser(f"https://{HOST}:{PORT + 1}", timeout=30)
    browser.opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(browser.jar),
        NoRedirect,
        urllib.request.HTTPSHandler(context=insecure()),
    )
    return browser


def raw(method, path, *, port=None, secure=True, headers=None, body=None, unix=None):
    """One request with http.client: (status, headers, body). `unix`: straight to gunicorn's
    socket, as nginx would ask (Host, X-Forwarded-Proto), bypassing nginx."""
    if unix:
        connection = http.client.HTTPConnection("localhost", timeout=30)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        sock.connect(str(unix))
        connection.sock = sock
    elif secure:
        connection = http.client.HTTPSConnection(
            HOST, port or PORT + 1, timeout=30, context=insecure()
        )
    else:
        connection = http.client.HTTPConnection(HOST, port or PORT, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        sent = {"Host": HOST, **(headers or {})}
        if body is not None:
            sent.setdefault("Content-Length", str(len(body)))
        for name, value in sent.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


# --- Checks ---------------------------------------------------------------------------------

SECURITY = {
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'",
}


def security_headers(headers, what: str, csp: str = "default-src 'self'"):
    expected = dict(SECURITY, **{"Content-Security-Policy": csp})
    missing = [
        name
        for name, part in expected.items()
        if part not in (headers.get(name) or "") or len(headers.get_all(name) or []) != 1
    ]
    wrong = {name: headers.get_all(name) for name in missing}
    ok(
        not missing,
        f"{what}: HSTS, nosniff, X-Frame-Options, Referrer-Policy, CSP once each"
        + (f" (wrong: {wrong})" if missing else ""),
    )


def check_pages():
    status, headers, body = raw("GET", "/")
    ok(status == 200 and b"</html>" in body, f"GET / over HTTPS: {status}, {len(body)} bytes")
    security_headers(headers, "GET /")
    status, headers, body = raw("GET", "/accounts/login/")
    ok(
        status == 200 and b'name="password"' in body,
        f"GET /accounts/login/: {status}, the login form",
    )
    return body.decode("utf-8", "replace")


def check_static(page: str, static_root: Path):
    found = re.search(r'href="(/static/[^"]+\.css)"', page)
    if not ok(found is not None, "the login page links a stylesheet under /static/"):
        return
    path = found.group(1)
    status, headers, body = raw("GET", path)
    stored = (static_root / path.removeprefix("/static/")).read_bytes()
    ok(status == 200 and body == stored, f"GET {path}: {status}, the collected file's bytes")
    ok(
        headers.get("Cache-Control") == "public, max-age=31536000, immutable",
        f"hashed static file cached a year by nginx: {headers.get('Cache-Control')!r}",
    )
    security_headers(headers, "static file", csp="default-src 'none'; style-src 'self'")
    status, headers, body = raw("GET", path, headers={"Accept-Encoding": "gzip"})
    ok(
        status == 200 and headers.get("Content-Encoding") == "gzip",
        f"static file gzip-compressed on request: {headers.get('Content-Encoding')!r}",
    )


def check_redirect():
    status, headers, _body = raw("GET", "/accounts/login/?next=/usulan/", secure=False)
    location = headers.get("Location", "")
    ok(
        status == 301 and location == f"https://{HOST}/accounts/login/?next=/usulan/",
        f"HTTP to HTTPS: {status} to {location}",
    )
    status, headers, _body = raw("GET", "/healthz")
    ok(status == 200, f"GET /healthz over HTTPS: {status}")


def operator_attachment():
    """The first PDF the check's first operator may download, and its stored bytes."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from innovations.selectors import attachments_visible_to

    user = get_user_model().objects.get(username=f"s{N}-op-1")
    attachment = next(item for item in attachments_visible_to(user).order_by("pk") if item.is_pdf)
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    return attachment, reverse("innovations:attachment", args=[attachment.pk]), stored


def check_downloads(work: Path):
    attachment, path, stored = operator_attachment()
    status, headers, _body = raw("GET", path)
    ok(
        status in (302, 403) and "/accounts/login/" in headers.get("Location", "/accounts/login/"),
        f"anonymous download {path}: {status} {headers.get('Location', '')}",
    )
    status, _headers, _body = raw("GET", f"/_media/{attachment.file.name}")
    ok(status == 404, f"the internal location is closed to clients: GET /_media/...: {status}")

    browser = https_browser()
    login = browser.login(f"s{N}-op-1", PASSWORD)
    ok(login.status == 302, f"operator signed in over HTTPS: {login.status}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
    response = browser.get(path)
    headers = response.headers
    ok(
        response.status == 200 and response.body == stored,
        f"operator's download through nginx: {response.status}, {len(response.body)} bytes, "
        f"{'the stored file' if response.body == stored else 'NOT the stored file'}",
    )
    ok(
        (headers.get("Content-Disposition") or "").startswith("attachment;")
        and headers.get("X-Content-Type-Options") == "nosniff"
        and headers.get("Content-Type") == attachment.content_type,
        "download headers reach the client: "
        f"{headers.get('Content-Disposition')!r}, {headers.get('X-Content-Type-Options')!r}, "
        f"{headers.get('Content-Type')!r}",
    )
    security_headers(headers, "operator's download", csp="default-src 'none'")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": HOST, "Cookie": cookie}
    status, app_headers, app_body = raw("GET", path, headers=forwarded, unix=work / "gunicorn.sock")
    accel = app_headers.get("X-Accel-Redirect")
    wired = (ROOT / "common" / "downloads.py").exists()
    if accel is None and not wired:
        skip(
            "X-Accel-Redirect: the downloads do not call common.xaccel.accel_response yet "
            "(common/downloads.py's file_response does, once merged); the app sent the file"
        )
        return
    ok(
        status == 200 and accel == f"/_media/{attachment.file.name}" and app_body == b"",
        f"the app answered X-Accel-Redirect {accel!r} with an empty body ({len(app_body)} bytes); "
        "nginx sent the file",
    )
    kept = ("Content-Type", "Content-Disposition", "Cache-Control", "Content-Security-Policy")
    changed = [name for name in kept if headers.get(name) != app_headers.get(name)]
    ok(
        not changed and headers.get("X-Accel-Redirect") is None,
        "nginx keeps the app's Content-Type, Content-Disposition, Cache-Control and CSP, and "
        "keeps X-Accel-Redirect to itself" + (f" (changed: {changed})" if changed else ""),
    )


def check_client_address():
    """A failed login through nginx with a forged X-Forwarded-For: the login throttle counts the
    address nginx saw (the last hop), not the forged one."""
    from urllib.parse import urlencode

    from axes.models import AccessAttempt

    browser = https_browser()
    browser.get("/accounts/login/")
    token = browser.cookie("csrftoken")
    username = "nginx-check-nobody"
    form = {"csrfmiddlewaretoken": token, "username": username, "password": "wrong", "next": "/"}
    status, _headers, _body = raw(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
            "Referer": f"https://{HOST}:{PORT + 1}/accounts/login/",
            "X-Forwarded-For": "203.0.113.9",
        },
        body=urlencode(form).encode(),
    )
    addresses = list(
        AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True)
    )
    ok(
        status == 200 and addresses == [HOST],
        f"client address is nginx's last X-Forwarded-For hop, not a forged one: {addresses}",
    )


def check_uploads():
    status, headers, body = raw(
        "POST",
        "/accounts/login/",
        headers={"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "13631488"},
    )
    ok(
        status == 413 and b"nginx" in body,
        f"a 13 MB upload is refused by nginx before the app: {status}",
    )
    boundary = "kiksnginxcheck"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="besar.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.4\n"
        + b"0" * PDF_LIMIT
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, headers, body = raw(
        "POST",
        "/accounts/login/",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        body=payload,
    )
    # No CSRF token: the app itself answers 403, so the body crossed nginx.
    ok(
        status == 403 and b"nginx" not in body,
        f"a {len(payload) / 1048576:.1f} MB upload (a 10 MB PDF) reaches the app: {status}",
    )


def check_worker(env: dict, work: Path, processes: list):
    if not has_db_worker(env):
        skip("worker: no `manage.py db_worker` in this installation (django-tasks not installed)")
        return
    worker = start([PY, "manage.py", "db_worker"], env, work / "logs" / "worker.log")
    processes.append(worker)
    time.sleep(5)
    ok(worker.poll() is None, "worker: manage.py db_worker is running after 5 s")
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        code = worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        code = None
    ok(code is not None, f"worker: stops on SIGTERM (exit {code})")


# --- Run --------------------------------------------------------------------------------------


def config_only() -> int:
    work = Path(tempfile.mkdtemp(prefix="kiks-nginx-"))
    try:
        done = nginx_test(prepare_nginx(work), work)
        print((done.stdout + done.stderr).strip())
        return done.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_checks(env: dict, work: Path, processes: list):
    conf = prepare_nginx(work)
    tested = nginx_test(conf, work)
    if not ok(tested.returncode == 0, "nginx -t accepts the rendered deploy/nginx/kiks.conf"):
        print(tested.stderr)
        return
    fill_database(env)
    processes.append(
        start(gunicorn_command(work / "gunicorn.sock"), env, work / "logs" / "web.log")
    )
    processes.append(
        start(
            [NGINX, "-p", str(work), "-e", f"{work}/logs/error.log", "-c", str(conf)],
            env,
            work / "logs" / "nginx.log",
        )
    )
    up = wait_for(lambda: raw("GET", "/healthz")[0] == 200, 60)
    if not ok(up, "gunicorn (kiks-web.service's command) and nginx answer"):
        for log in ("web.log", "nginx.log", "error.log"):
            print((work / "logs" / log).read_text()[-2000:])
        return
    page = check_pages()
    check_static(page, work / "srv" / "static")
    check_redirect()
    check_downloads(work)
    check_client_address()
    check_uploads()
    check_worker(env, work, processes)


def on_timeout(signum, frame):
    raise TimeoutError(f"stopped after NGINX_CHECK_TIMEOUT={TIMEOUT} s (or SIGTERM)")


def main() -> int:
    if "--config-only" in sys.argv:
        return config_only()
    if not Path(NGINX).exists():
        print(f"nginx check: no nginx at {NGINX} (apt-get install nginx)")
        return 1
    require_free_port(PORT)
    require_free_port(PORT + 1)
    work = Path(tempfile.mkdtemp(prefix="kiks-nginx-"))
    work.chmod(0o755)  # nginx's workers read the static files and media
    env = environment(work)
    for key in ("DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT", "SECRET_KEY", "DEBUG"):
        os.environ[key] = env[key]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiks.settings")
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    processes: list[subprocess.Popen] = []
    signal.signal(signal.SIGTERM, on_timeout)
    timer = threading.Timer(TIMEOUT, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.daemon = True
    timer.start()
    try:
        run_checks(env, work, processes)
    except TimeoutError as exc:
        ok(False, str(exc))
    finally:
        stop(processes)
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB}")
        shutil.rmtree(work, ignore_errors=True)
    failed = [what for good, what in results if not good]
    print(f"nginx check: {len(results) - len(failed)} of {len(results)} checks passed.")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
