"""What a facilitator's phone keeps for offline reading: bytes for 250 households, time to refresh.

Not part of ``make test`` (``make offline-size`` runs it). It builds one facilitator with 250
households (the load district's generator: realistic texts, matches at every step) in a scratch
SQLite file, serves the app on localhost, logs her in in headless Chromium and lets the service
worker fill the cache, then prints:

- the pages and static files kept, and the bytes they take in Cache Storage (pages in gzip-compressed
  bundles of 25), and what they would take uncompressed;
- the time the service worker takes to refresh them all, on a fast link and on a link emulated at
  400 kbps down and up with 400 ms round trips (CDP ``Network.emulateNetworkConditions`` on the
  service worker's own target, where it fetches).

    .venv/bin/python tests/load/offline_size.py [--households 250]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from matchmaker import create_app  # noqa: E402
from matchmaker.demo.load import DEFAULT_PASSWORD, load_district  # noqa: E402
from matchmaker.extensions import db  # noqa: E402
from matchmaker.models import Household, User  # noqa: E402

KBPS = 400
RTT_MS = 400
CACHE_SUMS = """async (user) => {
  const cache = await caches.open('mg-pages-' + user);
  let stored = 0, plain = 0, entries = 0;
  for (const request of await cache.keys()) {
    const hit = await cache.match(request);
    stored += (await hit.clone().blob()).size;
    const body = hit.headers.get('Mg-Gzip') ? hit.body.pipeThrough(new DecompressionStream('gzip')) : hit.body;
    plain += (await new Response(body).blob()).size;
    entries += 1;
  }
  const meta = await (await caches.match('/__mg/meta', {cacheName: 'mg-meta-' + user})).json();
  const statics = (await cache.keys()).filter((request) => new URL(request.url).pathname.startsWith('/static/'));
  const estimate = await navigator.storage.estimate();
  return {stored, plain, entries, pages: Object.keys(meta.index).length, statics: statics.length,
          usage: estimate.usage};
}"""
REFRESHED_AT = "() => Number(document.getElementById('mg-offline').dataset.refreshedAt || 0)"
META = """async (user) => {
  const hit = await caches.match('/__mg/meta', {cacheName: 'mg-meta-' + user});
  return hit ? await hit.json() : null;
}"""


def _build(workdir: Path, households: int):
    """A scratch database with one facilitator holding ``households`` households; the app on it."""
    from matchmaker.reference.regions import load_regions_subset
    from matchmaker.reference.skills import load_skills

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'offline.sqlite3'}",
        "SECRET_KEY": "offline-size-benchmark",
        "WORKER_WARM_ON_START": False,
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
        load_regions_subset(db.session, ["32.01"])
        load_skills(db.session)
        db.session.commit()
        load_district(db.session, households=households, offers=max(40, households // 5))
        counts = select(Household.facilitator_id, func.count()).group_by(Household.facilitator_id)
        facilitator_id, count = max(db.session.execute(counts).all(), key=lambda row: row[1])
        user = db.session.get(User, facilitator_id)
        email, user_id = user.email, user.id
        db.session.remove()
    return app, email, user_id, count


def _worker_session(cdp_browser):
    """A CDP session on the service worker's target, to throttle the requests it makes."""
    targets = cdp_browser.send("Target.getTargets")["targetInfos"]
    worker = next(target for target in targets if target["type"] == "service_worker")
    attached = cdp_browser.send("Target.attachToTarget", {"targetId": worker["targetId"], "flatten": False})
    session_id = attached["sessionId"]
    counter = iter(range(1, 10**6))

    def send(method: str, params: dict) -> None:
        message = json.dumps({"id": next(counter), "method": method, "params": params})
        cdp_browser.send("Target.sendMessageToTarget", {"sessionId": session_id, "message": message})

    return send


def _conditions(slow: bool) -> dict:
    if not slow:
        return {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    return {"offline": False, "latency": RTT_MS, "downloadThroughput": KBPS * 1000 / 8,
            "uploadThroughput": KBPS * 1000 / 8}


def _refresh(page, previous: float) -> float:
    """Press "Perbarui data offline" and wait for the refresh to end; its seconds as the worker timed them."""
    page.get_by_role("button", name="Perbarui data offline").click()
    page.wait_for_function(f"() => Number(document.getElementById('mg-offline').dataset.refreshedAt || 0) > {previous}",
                           timeout=600_000)
    return page.evaluate(REFRESHED_AT)


def measure(households: int) -> dict:
    """Fill the cache for one facilitator and time refreshes; return the figures."""
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="offline-size-") as workdir:
        app, email, user_id, count = _build(Path(workdir), households)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                                     args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
                context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
                page = context.new_page()
                page.goto(f"{base}/auth/login")
                page.get_by_label("E-mail").fill(email)
                page.get_by_label("Kata sandi").fill(DEFAULT_PASSWORD)
                started = time.perf_counter()
                page.get_by_role("button", name="Masuk").click()
                page.wait_for_function("() => !!document.getElementById('mg-offline').dataset.refreshedAt",
                                       timeout=600_000)
                first_fill = time.perf_counter() - started
                sums = page.evaluate(CACHE_SUMS, str(user_id))
                fast_meta = page.evaluate(META, str(user_id))
                cdp_browser = browser.new_browser_cdp_session()
                throttle = _worker_session(cdp_browser)
                throttle("Network.enable", {})
                throttle("Network.emulateNetworkConditions", _conditions(True))
                wall = time.perf_counter()
                _refresh(page, page.evaluate(REFRESHED_AT))
                slow_wall = time.perf_counter() - wall
                slow_meta = page.evaluate(META, str(user_id))
                throttle("Network.emulateNetworkConditions", _conditions(False))
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=5)
    return {"households": count, "first_fill_s": first_fill, "fast_s": fast_meta["seconds"],
            "slow_s": slow_meta["seconds"], "slow_wall_s": slow_wall, "failed": slow_meta["failed"], **sums}


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=250)
    args = parser.parse_args()
    figures = measure(args.households)
    print(f"Facilitator with {figures['households']} households: {figures['pages']} pages "
          f"and {figures['statics']} static files kept ({figures['entries']} Cache Storage entries).")
    print(f"Cache Storage: {figures['stored']:,} bytes stored (gzip), {figures['plain']:,} bytes uncompressed; "
          f"navigator.storage.estimate() usage {figures['usage']:,} bytes.")
    print(f"First fill after login (fast local link): {figures['first_fill_s']:.1f} s "
          f"(worker: {figures['fast_s']:.1f} s).")
    print(f"Refresh on {KBPS} kbps / {RTT_MS} ms: {figures['slow_s']:.1f} s (worker), "
          f"{figures['slow_wall_s']:.1f} s to the indicator; {figures['failed']} pages failed.")


if __name__ == "__main__":
    main()
