"""Browser tests: headless Chromium (Debian's package) driven by Playwright.

Every page a test visits is checked with axe-core for WCAG 2.2 A/AA, and
saved for the Nu HTML Checker, which ``test_html_valid.py`` runs after the
last browser test (see ``html_check.py``). Once per address it is also
photographed at 375 px and 1280 px and checked on the phone width for
overflow, small text and broken words (``layout_check.py``).

The live server runs in a thread of this process, so the test sees the mail
it sends in ``django.core.mail.outbox`` (locmem backend).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.html_check import PageCapture
from tests.browser.layout_check import LayoutCheck
from tests.conftest import login

# Playwright's sync API runs an event loop in this thread; Django would then
# refuse the database access that the tests need (SynchronousOnlyOperation).
# Known pytest-django + Playwright requirement; read when the DB is used.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("SELVHJELP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.2 AA, the current version: 2.2 adds target size (24 × 24 px).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery"  # UserFactory's password
BROWSER_DIR = Path(__file__).parent
HTML_CHECK_TEST = "test_html_valid.py"


@dataclass
class BrowserRun:
    """What the HTML check needs to know about this session's browser tests."""

    capture: PageCapture | None = None
    layout: LayoutCheck | None = None
    tests_ran: int = 0
    some_deselected: bool = False
    # Every browser test module was selected and nothing deselected: only
    # then must the saved pages cover every role and language.
    complete: bool = False
    summary: str = ""


BROWSER_RUN = pytest.StashKey[BrowserRun]()


def browser_run(config: pytest.Config) -> BrowserRun:
    if BROWSER_RUN not in config.stash:
        config.stash[BROWSER_RUN] = BrowserRun()
    return config.stash[BROWSER_RUN]


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(item.get_closest_marker("browser") for item in items):
        browser_run(items[0].config).some_deselected = True


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the HTML check right after the last browser test."""
    check = [item for item in items if item.path.name == HTML_CHECK_TEST]
    if not check:
        return
    rest = [item for item in items if item.path.name != HTML_CHECK_TEST]
    last = max((i for i, item in enumerate(rest) if item.get_closest_marker("browser")), default=-1)
    items[:] = rest[: last + 1] + check + rest[last + 1 :]
    run = browser_run(config)
    selected = {item.path for item in items if item.get_closest_marker("browser")}
    run.complete = not run.some_deselected and set(BROWSER_DIR.glob("test_*.py")) <= selected


def pytest_terminal_summary(terminalreporter: Any) -> None:
    run = browser_run(terminalreporter.config)
    if run.summary:
        terminalreporter.write_line(run.summary)
    if run.layout is not None and run.layout.seen:
        terminalreporter.write_line(
            f"Screenshots: {len(run.layout.seen)} pages at 375 px and 1280 px "
            f"in {run.layout.directory} ({run.layout.seconds:.0f} s)"
        )


@pytest.fixture(autouse=True)
def _count_browser_test(request: pytest.FixtureRequest) -> None:
    if request.node.path.name != HTML_CHECK_TEST:
        browser_run(request.config).tests_ran += 1


@pytest.fixture(scope="session")
def browser(pytestconfig: pytest.Config) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # `make test` installs it; a missing browser is a broken set-up, not a skip.
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs chromium)")
    run = browser_run(pytestconfig)
    if run.capture is None:
        run.capture = PageCapture()
    if run.layout is None:
        run.layout = LayoutCheck()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        # Every context, whoever opens it, saves the pages it receives.
        browser.on("context", run.capture.watch)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and used TOTP codes live in the cache; start each test clean."""
    cache.clear()


@pytest.fixture
def console_errors() -> list[str]:
    return []


# Stories marked ``unfolded`` walk through pages whose less-used parts are
# folded (``<details>``: a group's later meetings, its decisions, its
# notices); they read and press what is inside, so every fold of ``main``
# opens as the page loads. ``test_layout.py`` checks the folds themselves.
UNFOLD_SCRIPT = """
(() => {
  const unfold = () => {
    document.querySelectorAll("main details").forEach((details) => { details.open = true; });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", unfold);
  } else {
    unfold();
  }
  window.addEventListener("load", unfold);
  window.addEventListener("pageshow", unfold);
})();
"""


# Open the folds, then wait two frames: a fold's content becomes visible
# through a (reduced-motion, near-zero) transition that needs a frame to run,
# and text read before it would miss what the fold holds.
UNFOLD_AND_SETTLE = """
() => new Promise((resolve) => {
  document.querySelectorAll("main details").forEach((details) => { details.open = true; });
  requestAnimationFrame(() => requestAnimationFrame(resolve));
})
"""


def unfold_after_goto(page: Page, request: pytest.FixtureRequest) -> None:
    """In an unfolded story, every ``goto`` also opens the folds once the page has
    loaded, so that what a story reads next never depends on when the init
    script's listener ran on a busy machine."""
    if not request.node.get_closest_marker("unfolded"):
        return
    goto = page.goto

    def goto_unfolded(*args: Any, **kwargs: Any) -> Any:
        response = goto(*args, **kwargs)
        page.evaluate(UNFOLD_AND_SETTLE)
        return response

    page.goto = goto_unfolded  # type: ignore[method-assign]


def new_context(browser: Browser, request: pytest.FixtureRequest) -> BrowserContext:
    """A browser context asking for Norwegian like most visitors, at desktop width."""
    # Reduced motion: folded parts open at once, not over 0.4 s that axe and
    # the screenshots would catch half way.
    context = browser.new_context(
        locale="nb-NO", viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    if request.node.get_closest_marker("unfolded"):
        context.add_init_script(UNFOLD_SCRIPT)
    return context


@pytest.fixture
def page(
    browser: Browser, console_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh browser context per test, asking for Norwegian like most visitors."""
    context = new_context(browser, request)
    page = context.new_page()
    unfold_after_goto(page, request)
    # CSP violations and failed loads (404 for a static file) end up here.
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    yield page
    context.close()


def use_session(page: Page, live_server: Any, user: Any, *, mfa: bool = False) -> None:
    """Log ``page``'s browser context in as ``user`` (through Django's test client)."""
    client = login(Client(), user, mfa=mfa)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def open_as(
    browser: Browser, live_server: Any, console_errors: list[str], request: pytest.FixtureRequest
) -> Iterator[Any]:
    """``open_as(user=None, mfa=False)``: a new browser page, logged in as ``user``.

    The login happens through Django's test client; its session cookie is
    handed to a fresh browser context, so stories can switch between people.
    """
    contexts = []

    def open_page(user: Any = None, *, mfa: bool = False) -> Page:
        context = new_context(browser, request)
        contexts.append(context)
        page = context.new_page()
        unfold_after_goto(page, request)
        if user is not None:
            use_session(page, live_server, user, mfa=mfa)
        page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')}")
        for node in violation.get("nodes", []):
            lines.append(f"    at {', '.join(str(t) for t in node.get('target', []))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.fixture
def axe_check(console_errors: list[str], pytestconfig: pytest.Config) -> Callable[[Page], None]:
    """``axe_check(page)``: zero WCAG 2.2 A/AA violations and no console errors.

    The page's DOM, as its scripts left it, is saved for the HTML check too;
    the first time an address is checked, its screenshots are saved and it
    must hold together on a phone (``layout_check.py``).
    """
    axe = Axe()
    run = browser_run(pytestconfig)

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        if run.capture is not None:
            run.capture.snapshot_dom(page)
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": AXE_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        if violations:
            pytest.fail(format_violations(page.url, violations), pytrace=False)
        if console_errors:
            pytest.fail(f"Browser console errors on {page.url}: {console_errors}", pytrace=False)
        if run.layout is not None:
            problems = run.layout.check(page)
            if problems:
                pytest.fail(
                    f"On a 375 px phone, {page.url}:\n- " + "\n- ".join(problems), pytrace=False
                )

    return check


# --- helpers shared by the tests ----------------------------------------------

CODE_RE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", re.MULTILINE)


def code_from_last_mail(to: str) -> tuple[str, str]:
    """(subject, code) of the newest mail to ``to`` that carries a one-time code."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = CODE_RE.search(message.body)
            assert match, f"No code in the mail body:\n{message.body}"
            return message.subject, match.group(1)
    raise AssertionError(f"No mail to {to} in {[m.to for m in mail.outbox]}")


def submit(page: Page) -> None:
    """Press the main form's primary button and wait for the next page."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def log_in_with_password(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    submit(page)


def totp_code(secret: str) -> str:
    """The current code for ``secret``, not within the last seconds of its period.

    Waiting out the end of a period keeps the code valid until the server
    checks it (allauth allows no clock drift by default).
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
