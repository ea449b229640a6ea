"""Browser harness: Playwright drives Debian's Chromium against pytest-django's live server.

``page`` fails the test on any console error (including Content-Security-Policy violations);
``assert_accessible(page)`` runs axe-core and fails on any WCAG 2.1 A/AA violation.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests.twofactor import mark_session_verified

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/screenshots"))

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set
# up data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) or set CHROMIUM_PATH."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def e2e_settings(settings):
    # The live server speaks plain HTTP; cookies marked Secure would not be sent back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return settings


@pytest.fixture
def page(browser, live_server, e2e_settings):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"browser console errors (CSP violations count too): {errors}"


_axe = Axe()


def assert_accessible(page, name: str | None = None) -> None:
    """Run axe-core on the page as it is now; fail with a readable list of violations."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    violations = results.response["violations"]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )
    assert not violations, f"axe found WCAG 2.1 A/AA violations on {page.url}:\n{report}"


def login(page, email: str, password: str, *, second_factor: bool = True) -> None:
    """Log in with the password; where a second factor is due the session is marked verified
    (tests/twofactor.py) and the browser goes on to the page it was sent to, unless
    ``second_factor=False`` (journeys of the second step itself)."""
    page.goto("/accounts/login/")
    # E-mail first (a domain with single sign-on would go to its provider), then the password.
    page.get_by_label("E-mailadres").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Volgende").click()
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    if second_factor and "/accounts/tweestapsverificatie/" in page.url:
        cookie = next(
            c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
        )
        mark_session_verified(cookie["value"])
        page.goto(parse_qs(urlparse(page.url).query).get("next", ["/"])[0])
