"""Browser fixtures: the app on a live local server, and headless Debian Chromium via Playwright.

Screenshots go to ``tests/browser/screenshots/`` (git-ignored), at phone and desktop width.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from matchmaker.extensions import db
from tests.conftest import PASSWORD, TEST_DISTRICT, fresh_database_url, make_app

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test."""
    for item in items:
        if "/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


class LiveServer:
    """The app served by werkzeug on a free port of 127.0.0.1, in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh app and database (Kab. Bogor regions loaded) served on localhost for one test.

    The database is a SQLite file, or a new PostgreSQL database in the PostgreSQL pass.
    """
    from matchmaker.reference.regions import load_regions_subset

    with fresh_database_url(tmp_path, "browser") as url:
        app = make_app(SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True)
        with app.app_context():
            db.create_all()
            load_regions_subset(db.session, [TEST_DISTRICT])
            db.session.commit()
        server = LiveServer(app)
        server.start()
        try:
            yield server
        finally:
            server.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Missing in CI is a failure, never a skip."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium); CI always runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield instance
        instance.close()


class PageAudit:
    """Checks every page a browser test shows: axe-core finds no violation, and at phone width
    nothing scrolls sideways (``scrollWidth`` of the document within the window's width).

    A page is checked when it has loaded. A test may leave a page before its check is done;
    such pages are opened again (in the same tab, with the same cookies) when the test ends and
    checked then, with the last page of each tab. Each distinct address is checked once per test.
    """

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.loaded: list[str] = []
        self.pending: set[str] = set()
        self.checked: set[str] = set()
        self.problems: list[str] = []

    def check(self, page) -> None:
        """Check the document ``page`` shows now (pages of the app only, HTML only)."""
        url = page.url
        if not url.startswith("http://127.0.0.1:") or page.is_closed():
            return
        for _ in range(200):  # a check of this address under way (from the load event): let it end
            if url not in self.pending:
                break
            page.wait_for_timeout(50)
        if url in self.checked or url in self.pending:
            return
        self.pending.add(url)
        try:
            if page.evaluate("document.contentType") != "text/html":
                self.checked.add(url)
                return
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            results = self.axe.run(page)
        except PlaywrightError as error:  # the page went away meanwhile: checked again at the end
            if any(text in str(error) for text in ("context was destroyed", "closed", "navigat", "already running")):
                return
            raise
        finally:
            self.pending.discard(url)
        self.checked.add(url)
        path = url.split("/", 3)[-1]
        if width[1] <= PHONE["width"] and width[0] > width[1]:
            self.problems.append(f"/{path}: {width[0]} px wide at {width[1]} px (scrolls sideways)")
        for violation in results.response["violations"]:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            self.problems.append(
                f"/{path}: axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"
            )

    def finish(self, page) -> None:
        """Check the page ``page`` shows last, then open and check each page it left unchecked."""
        if page.is_closed():
            return
        self.check(page)
        for url in dict.fromkeys(self.loaded):
            if url not in self.checked and url.startswith("http://127.0.0.1:"):
                page.goto(url)
                self.check(page)

    def watch(self, page) -> None:
        """Check ``page`` each time a document finishes loading in it."""

        def loaded(loaded_page) -> None:
            self.loaded.append(loaded_page.url)
            self.check(loaded_page)

        page.on("load", loaded)


@pytest.fixture
def page_audit() -> PageAudit:
    """The accessibility and width checks of this test's pages (see :class:`PageAudit`)."""
    return PageAudit()


@pytest.fixture
def new_page(browser, page_audit: PageAudit) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies) at phone width by default.

    Every page it shows goes through :class:`PageAudit`; the test fails on any problem found.
    """
    contexts = []
    pages = []

    def _new_page(viewport: dict[str, int] = PHONE):
        context = browser.new_context(viewport=viewport, locale="id-ID")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page_audit.watch(page)
        pages.append(page)
        return page

    yield _new_page
    for page in pages:
        page_audit.finish(page)
    for context in contexts:
        context.close()
    if page_audit.problems:
        pytest.fail("Accessibility or width problems:\n" + "\n".join(page_audit.problems), pytrace=False)


def screenshot(page, name: str) -> None:
    """Save the page at phone and desktop width as ``<name>-360.png`` and ``<name>-1280.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, viewport in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    if original:
        page.set_viewport_size(original)


def log_in_page(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person types it (labels, then the "Masuk" button)."""
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
