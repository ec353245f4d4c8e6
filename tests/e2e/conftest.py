"""End-to-end browser tests: a real Chromium against pytest-django's live server.

Run with `pytest tests/e2e`. Without /usr/bin/chromium (or the browser named by
KIKS_E2E_CHROMIUM) they are skipped, unless KIKS_E2E_REQUIRED=1 (then they fail). Screenshots of
the main pages land in screenshots/ at the repository root (gitignored).
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KIKS_E2E_CHROMIUM", "/usr/bin/chromium")
ACTION_TIMEOUT_MS = 15_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "pw-kiks-test-123"  # tests.factories.make_user's default


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: end-to-end browser test (Chromium against the live server)"
    )


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM}: the end-to-end tests need it."
        if os.environ.get("KIKS_E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls
    # (and pytest-django's database setup) are synchronous and safe, so Django's guard is lifted.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def e2e(browser, live_server, settings, migration_data):
    """The live server's address, a maker of fresh browser pages (one context per person),
    login through the form, and screenshots. The migration data (tests/conftest.py) is in place
    even after an earlier transactional test's flush."""
    # The server runs in this process: a fast hasher keeps the many logins quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    SCREENSHOTS.mkdir(exist_ok=True)
    contexts = []

    def new_page(*, language="en", viewport=None):
        """A new, signed-out browser page; `language` "en" or "id" is the chosen language."""
        options = {"locale": "en-US" if language == "en" else "id-ID"}
        if viewport:
            options["viewport"] = viewport
        context = browser.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
        host = live_server.url.split("://", 1)[1].split(":")[0]
        context.add_cookies(
            [{"name": "kiks_language", "value": language, "domain": host, "path": "/"}]
        )
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    class E2E:
        url = live_server.url
        page = staticmethod(new_page)

        @staticmethod
        def login(page, username, password=PASSWORD):
            page.goto(live_server.url + "/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("form:has(input[name=username]) button[type=submit]")
            page.wait_for_load_state()
            assert "/accounts/login/" not in page.url, f"login of {username} failed"

        @staticmethod
        def shot(page, name):
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    yield E2E
    for context in contexts:
        context.close()
