"""Browser fixtures: the app served over HTTP, one Chromium per session, and watched pages.

Every page opened through the `browser_pages` fixture is watched: console errors (which include
Content-Security-Policy violations), uncaught script errors and server errors fail the test when it
ends. An expected error status (a 403 page, a used link's 404) is declared with `allow_status`.
"""

import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.events.conftest import answer, coordinator, make_event  # noqa: F401 - event fixtures

try:  # the fixtures below skip (or fail) with a clear message when playwright is missing
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the machine
    expect = None

__all__ = ["PASSWORD", "expect", "from_database", "nav", "sign_in"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})")


def _unavailable(message: str):
    """Skip the browser tests, or fail them when REQUIRE_BROWSER=1 says they must run."""
    if os.environ.get("REQUIRE_BROWSER", "") == "1":
        pytest.fail(f"{message} (REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(_app):
    """The session's app served on a free local port by a threaded WSGI server; yields the base URL."""
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def dialect(database_url) -> str:
    """sqlite or postgresql: part of every screenshot name so the two passes keep their own."""
    return make_url(database_url).get_backend_name()


_CHROMIUM: list = []  # (playwright, chromium): one for the session, whichever package imports the fixture


def _start_chromium():
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"the playwright package is not installed ({error})")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    _CHROMIUM.append((playwright, chromium))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session.

    Packages outside tests/browser import this fixture, which makes a fixture of their own; they all share
    the first Chromium started, since Playwright's sync API runs one instance per thread. The last
    package's fixture to finish stops it.
    """
    if not _CHROMIUM:
        _start_chromium()
    _CHROMIUM.append(None)  # one more user
    yield _CHROMIUM[0][1]
    _CHROMIUM.pop()
    if len(_CHROMIUM) == 1:
        playwright, chromium = _CHROMIUM.pop()
        chromium.close()
        playwright.stop()


@dataclass
class BrowserPages:
    """Opens watched browser contexts for one test and reports what went wrong in any of them."""

    browser: object
    base_url: str
    dialect: str
    problems: list[str] = field(default_factory=list)
    contexts: list = field(default_factory=list)
    allowed: set[tuple[int, str]] = field(default_factory=set)

    def new_page(self, *, phone: bool = False):
        """A page in a context of its own (its own cookies), at desktop or phone size."""
        options = (
            {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
        )
        # Browsers let a focused page write to the clipboard on a click; headless Chromium asks
        # for the permission, so it is granted here as a visitor's browser would.
        context = self.browser.new_context(
            base_url=self.base_url, permissions=["clipboard-read", "clipboard-write"], **options
        )
        context.set_default_timeout(5_000)
        self.contexts.append(context)
        page = context.new_page()
        self._watch(page)
        return page

    def allow_status(self, status: int, path: str) -> None:
        """Declare that `path` is expected to answer with an error status (the browser logs it)."""
        self.allowed.add((status, path))

    def _watch(self, page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))
        page.on("response", self._response)

    def _console(self, page, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url") or page.url
        failed = FAILED_LOAD.match(message.text)
        if failed and (int(failed.group(1)), urlsplit(where).path) in self.allowed:
            return
        self.problems.append(f"console error on {where}: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(
                f"server error {response.status} for {response.request.method} {response.url}"
            )

    def screenshot(self, page, name: str) -> list[Path]:
        """Save full-page screenshots at desktop and phone width (phone only for a phone context).

        A page wider than the phone screen (sideways scrolling) is recorded as a problem.
        """
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size
        widths = [("phone", PHONE)] if original == PHONE else [("desktop", DESKTOP), ("phone", PHONE)]
        saved = []
        for label, size in widths:
            page.set_viewport_size(size)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if label == "phone" and overflow > 0:
                self.problems.append(f"{name}: the page is {overflow}px wider than a {size['width']}px phone")
            path = ARTIFACTS / f"{self.dialect}-{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size(original)
        return saved

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browser_pages(browser, live_server, app, dialect):
    """Watched pages for this test, on an empty database; fails the test on any console error."""
    pages = BrowserPages(browser, live_server, dialect)
    yield pages
    pages.close()
    if pages.problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(pages.problems), pytrace=False)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, typing the email and password."""
    page.goto("/login")
    page.get_by_label("Email", exact=True).press_sequentially(email)
    page.get_by_label("Password", exact=True).press_sequentially(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def from_database(db, read):
    """Run `read(session)` in a fresh transaction so it sees what the server has committed.

    Return plain values: ORM objects are expired again when the transaction ends.
    """
    db.session.rollback()
    try:
        return read(db.session)
    finally:
        db.session.rollback()


def nav(page):
    """The main navigation, opened first on a phone, where it is folded behind the Menu button."""
    page.wait_for_load_state()  # the menu only opens once Bootstrap's script has run
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
        expect(page.locator("#nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    return page.get_by_role("navigation", name="Main")
