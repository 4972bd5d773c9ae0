"""Page weight on a weak connection: bytes and load time of the ten most-used pages.

Not part of ``make test`` (``make page-weight`` runs it). It builds the demo district in a
scratch SQLite file, serves the app with one gunicorn worker, and drives headless Chromium through
a facilitator's ten most-used pages, one after another in one browser (so what a page may cache
helps the next), on a link emulated at 400 kbps down and up with 400 ms round trips. It prints,
for each page, the requests made, the bytes that crossed the wire and the time to the load event.

    .venv/bin/python tests/load/page_weight.py [--project DIR] [--base-url URL]

``--project`` serves another checkout (for a before/after comparison) with this virtualenv;
``--base-url`` measures a server that is already running with the demo data.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parents[2]
PASSWORD = "page-weight-1"  # noqa: S105 - demo accounts of a throwaway database
EMAIL = "pendamping1@demo.test"
KBPS = 400
RTT_MS = 400


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(project: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    """Seed the demo district into a scratch database and start gunicorn on it."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'demo.sqlite3'}", FLASK_APP="wsgi",
               SECRET_KEY="page-weight-benchmark", DEMO_PASSWORD=PASSWORD)
    bin_dir = Path(sys.executable).parent
    for command in (["db", "upgrade"], ["seed", "regions"], ["seed", "skills"], ["seed", "demo"]):
        subprocess.run([str(bin_dir / "flask"), *command], cwd=project, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    port = _free_port()
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _attempt in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - our own local server
            return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _pages(page, base_url: str) -> list[tuple[str, str]]:
    """The ten pages a facilitator opens most, in the order of a working session."""
    page.goto(f"{base_url}/households/")
    household = page.locator("a.household__name").first.get_attribute("href")
    page.goto(f"{base_url}{household}")
    match_links = page.locator("a[href^='/matches/']").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    match = next((href for href in match_links if re.fullmatch(r"/matches/\d+", href)), None)
    household_id = household.rstrip("/").rsplit("/", 1)[1]
    pages = [
        ("login", "/auth/login"),
        ("home", "/home"),
        ("caseload", "/households/"),
        ("household", household),
        ("find partners", f"/matches/households/{household_id}/find"),
        ("match", match or "/matches/inbox"),
        ("new household", "/households/new"),
        ("partner search", "/partners/search"),
        ("notifications", "/notifications/"),
        ("check-ins", "/graduation/checkins"),
    ]
    return pages


def measure(base_url: str) -> list[tuple[str, int, int, float]]:
    """Visit the pages on the emulated link; return (name, requests, bytes, seconds) for each.

    Requests answered from the browser's cache are not counted; a revalidation (304) is.
    """
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        # Find the pages on the fast link, then measure everything in a fresh context (empty cache).
        scout = browser.new_context(locale="id-ID")
        scout_page = scout.new_page()
        _log_in(scout_page, base_url)
        pages = _pages(scout_page, base_url)
        scout.close()

        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": RTT_MS,
            "downloadThroughput": KBPS * 1000 / 8, "uploadThroughput": KBPS * 1000 / 8,
        })
        transferred: dict[str, int] = {}
        cached: set[str] = set()  # answered from the browser's cache: no round trip
        cdp.on("Network.loadingFinished",
               lambda event: transferred.__setitem__(event["requestId"], event["encodedDataLength"]))
        cdp.on("Network.loadingFailed", lambda event: transferred.__setitem__(event["requestId"], 0))
        cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
        cdp.on("Network.responseReceived", lambda event: cached.add(event["requestId"])
               if event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache") else None)
        for name, path in pages:
            cached.clear()
            if name == "home":  # the login form's post is part of reaching home
                transferred.clear()
                started = time.perf_counter()
                page.get_by_label("E-mail").fill(EMAIL)
                page.get_by_label("Kata sandi").fill(PASSWORD)
                with page.expect_navigation(wait_until="load"):
                    page.get_by_role("button", name="Masuk").click()
            else:
                transferred.clear()
                started = time.perf_counter()
                page.goto(f"{base_url}{path}", wait_until="load")
            page.wait_for_load_state("networkidle")
            seconds = time.perf_counter() - started
            on_the_wire = [size for request, size in transferred.items() if request not in cached]
            results.append((name, len(on_the_wire), sum(on_the_wire), seconds))
        browser.close()
    return results


def _log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(re.compile(r".*/home"))


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=PROJECT, help="checkout to serve (default: this one)")
    parser.add_argument("--base-url", help="measure this running server instead (demo data, demo password)")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory(prefix="page-weight-") as workdir:
        if args.base_url:
            base_url = args.base_url.rstrip("/")
        else:
            server, base_url = _serve(args.project.resolve(), Path(workdir))
        try:
            results = measure(base_url)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
    print(f"Link: {KBPS} kbps, {RTT_MS} ms round trip; one browser, pages in this order, cache kept.")
    print(f"| {'page':<16} | requests | {'bytes':>8} | {'load s':>6} |")
    print(f"|{'-' * 18}|----------|{'-' * 10}|{'-' * 8}|")
    for name, requests, size, seconds in results:
        print(f"| {name:<16} | {requests:>8} | {size:>8,} | {seconds:>6.2f} |")
    total_bytes = sum(row[2] for row in results)
    total_seconds = sum(row[3] for row in results)
    print(f"| {'total':<16} | {sum(row[1] for row in results):>8} | {total_bytes:>8,} | {total_seconds:>6.2f} |")


if __name__ == "__main__":
    main()
