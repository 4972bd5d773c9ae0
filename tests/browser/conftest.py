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


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies) at phone width by default."""
    contexts = []

    def _new_page(viewport: dict[str, int] = PHONE):
        context = browser.new_context(viewport=viewport, locale="id-ID")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


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
