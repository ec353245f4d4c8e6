"""Hardening: login throttling, production headers and cookies, the admin's configurable path,
no inline script anywhere, no secret in the repository."""

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import make_user
from tests.kiks.test_settings import PRODUCTION_ENV, run_python
from tests.security.scenario import ACTORS, build_scenario

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
PASSWORD = "pw-kiks-test-123"


def _fail(client, username, **extra):
    return client.post(LOGIN, {"username": username, "password": "salah-sandi"}, **extra)


# --- login throttling -------------------------------------------------------------------------


def test_axes_is_wired_as_the_issue_asks():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()) == (5, 900)
    assert settings.AXES_LOCKOUT_PARAMETERS == [
        ["username", "ip_address"],
        "username",
        "ip_address",
    ]
    assert settings.KIKS_LOGIN_FAILURE_LIMITS == [5, 10, 20]
    assert settings.AXES_HANDLER == "agencies.login_throttle.LoginThrottleHandler"
    assert settings.AXES_RESET_ON_SUCCESS is True


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_for_that_address_with_a_clear_message():
    make_user("operator.sasaran", password=PASSWORD)
    client = Client()

    codes = [_fail(client, "operator.sasaran").status_code for _ in range(4)]
    fifth = _fail(client, "operator.sasaran")
    right_password = client.post(LOGIN, {"username": "operator.sasaran", "password": PASSWORD})

    assert codes == [200, 200, 200, 200]
    assert fifth.status_code == 429
    assert right_password.status_code == 429  # locked: even the right password waits
    page = right_password.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "logging in to this account is blocked for 15 minutes" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_username_and_address():
    make_user("korban", password=PASSWORD)
    make_user("lainnya", password=PASSWORD)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        _fail(attacker, "korban")

    other_user = attacker.post(LOGIN, {"username": "lainnya", "password": PASSWORD})
    same_user_elsewhere = Client(REMOTE_ADDR="198.51.100.7").post(
        LOGIN, {"username": "korban", "password": PASSWORD}
    )

    assert other_user.status_code == 302
    assert same_user_elsewhere.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count():
    make_user("lupa", password=PASSWORD)
    client = Client()
    for _ in range(4):
        _fail(client, "lupa")
    assert client.post(LOGIN, {"username": "lupa", "password": PASSWORD}).status_code == 302
    client.logout()

    codes = [_fail(client, "lupa").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 200]


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_locked_after_twenty_failures():
    """40 wrong passwords over 10 accounts from one address: the 20th failure locks the address,
    whatever the username, also for a right password; other addresses are not slowed down."""
    for n in range(10):
        make_user(f"sasaran{n}", password=PASSWORD)
    make_user("tetangga", password=PASSWORD)
    sprayer = Client(REMOTE_ADDR="203.0.113.66")
    codes = [_fail(sprayer, f"sasaran{n % 10}").status_code for n in range(40)]
    right_password = sprayer.post(LOGIN, {"username": "tetangga", "password": PASSWORD})
    elsewhere = Client(REMOTE_ADDR="198.51.100.66").post(
        LOGIN, {"username": "tetangga", "password": PASSWORD}
    )

    assert codes[:19] == [200] * 19  # four per account: no pair reaches five
    assert set(codes[19:]) == {429}
    assert right_password.status_code == 429
    assert "Too many log-in attempts failed" in right_password.content.decode()
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_an_account_guessed_from_many_addresses_is_locked_after_ten_failures():
    make_user("kepala.dinas", password=PASSWORD)
    make_user("staf.dinas", password=PASSWORD)
    codes = [
        _fail(Client(REMOTE_ADDR=f"192.0.2.{n}"), "kepala.dinas").status_code for n in range(10)
    ]
    owner = Client(REMOTE_ADDR="198.51.100.20")
    locked = owner.post(LOGIN, {"username": "kepala.dinas", "password": PASSWORD})
    colleague = Client(REMOTE_ADDR="192.0.2.3").post(
        LOGIN, {"username": "staf.dinas", "password": PASSWORD}
    )

    assert codes == [200] * 9 + [429]
    assert locked.status_code == 429
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_signing_in_to_an_own_account_does_not_wipe_a_spray_count():
    """The attacker owns one account: a successful login clears that account's failures, never
    the address's count of failures for other usernames."""
    make_user("penyerang", password=PASSWORD)
    for n in range(6):
        make_user(f"korban{n}", password=PASSWORD)
    attacker = Client(REMOTE_ADDR="203.0.113.77")
    first = [_fail(attacker, f"korban{n % 6}").status_code for n in range(15)]
    own = attacker.post(LOGIN, {"username": "penyerang", "password": PASSWORD})
    attacker.logout()
    second = [_fail(attacker, f"korban{n % 6}").status_code for n in range(5)]

    assert first == [200] * 15
    assert own.status_code == 302
    assert second == [200] * 4 + [429]


@pytest.mark.django_db
def test_a_megabyte_long_username_is_a_failed_login_not_an_error():
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="203.0.113.88")
    response = client.post(LOGIN, {"username": "a" * 1_000_000, "password": "x"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert all(len(a.username or "") <= 150 for a in AccessAttempt.objects.all())


@pytest.mark.django_db
@override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_the_proxy_the_lockout_uses_the_address_the_proxy_saw():
    """BEHIND_PROXY: every request comes from the proxy's address; the client's is the last
    X-Forwarded-For hop. A forged first hop does not escape the lockout."""
    make_user("pegawai", password=PASSWORD)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):
        _fail(Client(**proxy), "pegawai", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.50")

    same_client = Client(**proxy).post(
        LOGIN, {"username": "pegawai", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50",
    )  # fmt: skip
    other_client = Client(**proxy).post(
        LOGIN, {"username": "pegawai", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.1"
    )

    assert (same_client.status_code, other_client.status_code) == (429, 302)


# --- production settings -----------------------------------------------------------------------


def test_production_sets_secure_cookies_hsts_referrer_and_nosniff():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_REFERRER_POLICY,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS)"
    )
    result = run_python(code, PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True", "True", "True", "True", "True", "31536000", "True", "same-origin", "True", "DENY",
    ]  # fmt: skip


def test_production_response_carries_the_security_headers():
    code = (
        "import django;django.setup();"
        "from django.test import Client;"
        "r=Client().get('/healthz', secure=True, HTTP_HOST='kiks.sukabumikota.go.id');"
        "print(r.status_code);"
        "print(r['Strict-Transport-Security']);print(r['Referrer-Policy']);"
        "print(r['X-Content-Type-Options']);print(r['X-Frame-Options'])"
    )
    result = run_python(code, PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "200",
        "max-age=31536000; includeSubDomains; preload",
        "same-origin",
        "nosniff",
        "DENY",
    ]


def test_admin_lives_on_the_configured_path():
    code = (
        "import django;django.setup();"
        "from django.urls import reverse, resolve, Resolver404;"
        "print(reverse('admin:index'));"
        "\ntry:\n    resolve('/admin/');print('found')\nexcept Resolver404:\n    print('404')"
    )
    result = run_python(code, dict(PRODUCTION_ENV, ADMIN_URL="/kelola-kiks-7f3a/"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/kelola-kiks-7f3a/", "404"]


# --- no inline script ---------------------------------------------------------------------------


class ScriptFinder(HTMLParser):
    """Collects inline <script> elements and on*= event handler attributes."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.data_blocks = 0

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        # A JSON data block (Django's json_script: the charts' data) is never run by the
        # browser, so the policy allows it; anything else without src is inline code.
        is_data = tag == "script" and names.get("type") == "application/json"
        if is_data:
            self.data_blocks += 1
        if tag == "script" and not names.get("src") and not is_data:
            self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        for name, _value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
        if any(v and v.strip().lower().startswith("javascript:") for v in names.values()):
            self.problems.append(f"javascript: URL in <{tag}> at line {self.getpos()[0]}")


PAGES = [
    "home", "login", "password_reset", "dashboard", "agencies:directory", "audit:log",
    "innovations:operator_dashboard", "innovations:proposal_list", "innovations:proposal_create",
    "innovations:proposal_detail", "innovations:proposal_edit", "innovations:proposal_preview",
    "innovations:proposal_print", "innovations:organiser_queue", "innovations:organiser_review",
    "innovations:compliance_board", "judging:judge_home", "judging:judge_stage",
    "judging:declare", "judging:sheet", "judging:stage_list", "judging:stage_detail",
    "judging:stage_settings", "judging:criteria", "judging:panel", "judging:assignments",
    "judging:entry_detail", "judging:ranking", "judging:shortlist", "public:registry",
    "public:innovation", "public:agency", "public:results_index", "public:results",
    "public:vote", "public:vote_confirm", "public:vote_counts",
]  # fmt: skip


@pytest.mark.django_db
def test_no_rendered_page_has_inline_script_or_event_handlers(capsys):
    from tests.security.expected import KWARGS, OVERRIDES
    from tests.security.matrix import kwarg_names, url_patterns

    scenario = build_scenario()
    patterns = {name: pattern for name, _route, pattern in url_patterns()}
    problems, pages, chart_pages = [], 0, set()
    for actor in ACTORS:
        client = Client()
        if scenario["users"][actor] is not None:
            client.force_login(scenario["users"][actor])
        for name in PAGES:
            kwargs = {
                k: scenario["values"][OVERRIDES.get(name, {}).get(k) or KWARGS[k]]
                for k in kwarg_names(patterns[name])
            }
            response = client.get(reverse(name, kwargs=kwargs))
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            pages += 1
            assert "script-src 'self'" in response["Content-Security-Policy"]
            finder = ScriptFinder()
            finder.feed(response.content.decode())
            problems += [f"{name} as {actor}: {p}" for p in finder.problems]
            if finder.data_blocks:
                chart_pages.add(name)

    with capsys.disabled():
        print(f"\ninline-script check: {pages} rendered pages")
    assert pages > 80
    assert problems == []
    # The pages with charts (their data in json_script blocks) were among those walked.
    assert chart_pages >= {"dashboard", "judging:stage_detail", "judging:ranking"}


# --- no secret in the repository ----------------------------------------------------------------

# Values that are published on purpose: the demo password (README), the passwords and fake
# secrets of the tests, the README's placeholder. Django's "django-insecure-" development key
# is allowed by its prefix. Anything else that looks like a secret fails this test.
PUBLISHED = {
    "demo-kiks-2021",
    "pw-kiks-test-123",
    "salah-sandi",
    "sandi-rahasia-123",
    "another-secret-key-for-this-test-only-0123456789-abcdefghij",
    "pass",
    "rahasia",
    # Throwaway accounts the local load scripts create in their own databases.
    "kiks-rush-2026",
    "kiks-scaleout-2026",
    PRODUCTION_ENV["SECRET_KEY"],
}
PRIVATE_KEY = re.compile(r"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY")
ASSIGNED = re.compile(
    r"""(?ix)\b(password|passwd|secret_key|secret|api_key|token|aws_secret_access_key)
        \s*[:=]\s*["']([^"'\s]{8,})["']"""
)
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+]*://[^:/@\s]+:([^@/\s]+)@")
KEY_SHAPES = re.compile(r"\b(AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|sk_live_[A-Za-z0-9]{24,})\b")


def test_no_secret_is_tracked_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    findings = []
    for raw in filter(None, tracked):
        path = ROOT / raw.decode()
        if path.suffix in {".mo", ".png", ".jpg", ".ico", ".woff", ".woff2", ".pdf"}:
            continue
        if not path.is_file() or "static/vendor" in str(path):
            continue
        text = path.read_text(errors="ignore")
        if PRIVATE_KEY.search(text):
            findings.append(f"{raw.decode()}: private key")
        for match in KEY_SHAPES.finditer(text):
            findings.append(f"{raw.decode()}: key {match.group(0)[:6]}...")
        for match in ASSIGNED.finditer(text):
            value = match.group(2)
            if value not in PUBLISHED and not value.startswith("django-insecure-"):
                findings.append(f"{raw.decode()}: {match.group(1)} = {match.group(2)[:4]}...")
        for match in URL_PASSWORD.finditer(text):
            if match.group(1) not in PUBLISHED:
                findings.append(f"{raw.decode()}: password in a URL")

    assert findings == []
