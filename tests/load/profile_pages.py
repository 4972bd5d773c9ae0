"""``make load-profile``: where each page of the load scenario spends its time.

Runs the pages of ``tests/load/locustfile.py`` in-process (Flask's test client) against the
load district that ``make load-test`` built and kept (its own PostgreSQL cluster, or
``LOAD_DATABASE_URL``), as the same accounts, with the same kinds of searches. Each page is
warmed up, then requested ``--requests`` times while every SQL statement is counted and
timed and the thread's CPU time is read, then ``--requests`` times more under pyinstrument.
Writes a Markdown note (``--out``, default ``tests/load/profiles/latest.md``) with, per page:
CPU ms per request, queries per request and their time, and the profile's top entries (own
time, and the app's own functions by total time).

In-process figures are per request on one thread, so other work on the machine disturbs
them far less than it does the latencies of a load run.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import secrets
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import run as load_run  # noqa: E402 - the load test's cluster and accounts

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)"')
MATCH_LINK = re.compile(r'href="/matches/(\d+)"')


@dataclass
class PageFigures:
    """What one page cost over its measured requests."""

    requests: int = 0
    cpu: float = 0.0
    wall: float = 0.0
    queries: int = 0
    query_time: float = 0.0
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=int(os.environ.get("PROFILE_REQUESTS", "30")),
                        help="measured requests per page (PROFILE_REQUESTS, 30)")
    parser.add_argument("--out", default=os.environ.get("PROFILE_OUT", str(HERE / "profiles" / "latest.md")),
                        help="the Markdown note to write (PROFILE_OUT)")
    parser.add_argument("--title", default=os.environ.get("PROFILE_TITLE", "Profile of the load scenario"))
    parser.add_argument("--top", type=int, default=12, help="entries per list (12)")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", ""))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("LOAD_PG_PORT", "54340")))
    parser.add_argument("--pg-dir", default=os.environ.get("LOAD_PG_DIR", load_run.PG_DIR))
    return parser.parse_args()


class Visitor:
    """A logged-in test client of one account."""

    def __init__(self, app, email: str, password: str) -> None:
        self.client = app.test_client()
        page = self.client.get("/auth/login")
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        self.login_form = {"email": email, "password": password, "csrf_token": token}
        answer = self.client.post("/auth/login", data=self.login_form, follow_redirects=True)
        if 'autocomplete="current-password"' in answer.get_data(as_text=True):
            sys.exit(f"login refused for {email}")


class _Locustfile:
    """The locustfile's word lists, read without importing it (locust monkey-patches the process)."""

    def __init__(self) -> None:
        tree = ast.parse((HERE / "locustfile.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("QUERIES", "NAMES", "OFFER_KINDS", "STATUSES"):
                    setattr(self, node.targets[0].id, ast.literal_eval(node.value))


def scenario(app, accounts: dict, rng: random.Random):
    """Page name → a function making one request of that page as the locustfile does."""
    locustfile = _Locustfile()
    password = accounts["password"]
    facilitators = [Visitor(app, email, password) for email, _ in accounts["facilitators"][:4]]
    kecamatan = {id(v): area for v, (_, area) in zip(facilitators, accounts["facilitators"][:4], strict=True)}
    businesses = [Visitor(app, email, password) for email in accounts["businesses"][:4]]
    household_ids: dict[int, list[int]] = {}
    match_ids: dict[int, list[int]] = {}
    for visitor in facilitators:
        html = visitor.client.get("/households/?page=1").get_data(as_text=True)
        household_ids[id(visitor)] = [int(value) for value in HOUSEHOLD_LINK.findall(html)]
    for visitor in businesses:
        html = visitor.client.get("/matches/inbox").get_data(as_text=True)
        match_ids[id(visitor)] = [int(value) for value in MATCH_LINK.findall(html)]
    # A worker of the load test has served searches before it is measured (run.py warms it up):
    # so has this process, once with a text query (the first one reads every offer's texts).
    facilitators[0].client.get("/partners/search", query_string={"q": locustfile.QUERIES[0]})

    def search():
        visitor = rng.choice(facilitators)
        roll = rng.random()
        if roll < 0.2:
            params = {}
        elif roll < 0.55:
            params = {"q": rng.choice(locustfile.QUERIES)}
        elif roll < 0.8:
            params = {"q": rng.choice(locustfile.QUERIES), "kecamatan": kecamatan[id(visitor)]}
        else:
            params = {"kind": rng.choice(locustfile.OFFER_KINDS), "kecamatan": kecamatan[id(visitor)]}
        return visitor.client.get("/partners/search", query_string=params)

    def caseload():
        visitor = rng.choice(facilitators)
        roll = rng.random()
        if roll < 0.55:
            params = {"page": rng.randint(1, 10)}
        elif roll < 0.85:
            params = {"q": rng.choice(locustfile.NAMES)}
        else:
            params = {"status": rng.choice(locustfile.STATUSES)}
        return visitor.client.get("/households/", query_string=params)

    def household():
        visitor = rng.choice(facilitators)
        return visitor.client.get(f"/households/{rng.choice(household_ids[id(visitor)])}")

    def inbox():
        return rng.choice(businesses).client.get("/matches/inbox")

    def introduction():
        visitor = rng.choice([v for v in businesses if match_ids[id(v)]])
        return visitor.client.get(f"/matches/{rng.choice(match_ids[id(visitor)])}")

    def home():
        return rng.choice(facilitators + businesses).client.get("/home")

    def log_in():
        # A fresh client each time: the login form, then the POST that hashes and redirects home.
        email = rng.choice([email for email, _ in accounts["facilitators"][:20]] + accounts["businesses"][:10])
        client = app.test_client()
        page = client.get("/auth/login")
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token},
                           follow_redirects=True)

    return {
        "partners.search": search,
        "households.index": caseload,
        "households.detail": household,
        "matches.inbox": inbox,
        "matches.detail": introduction,
        "main.home": home,
        "log in (+ home page)": log_in,
    }


def top_entries(session, root: Path, count: int) -> tuple[list[tuple], list[tuple]]:
    """(function, place, seconds) by own time, and the app's functions by total time."""
    own: dict[tuple[str, str], float] = defaultdict(float)
    total: dict[tuple[str, str], float] = defaultdict(float)

    def walk(frame, seen: frozenset) -> None:
        key = (frame.function or "?", _place(frame, root))
        if frame.is_synthetic:  # pyinstrument's "[self]" entries: their time is their parent's own time
            return
        own[key] += frame.total_self_time
        # A recursive function counts once per stack, not once per level.
        if key not in seen and key[1].startswith(("matchmaker/", "templates/")):
            total[key] += frame.time
        for child in frame.children:
            walk(child, seen | {key})

    root_frame = session.root_frame()
    if root_frame is not None:
        walk(root_frame, frozenset())
    by_own = sorted(own.items(), key=lambda item: -item[1])[:count]
    by_total = sorted(total.items(), key=lambda item: -item[1])[:count]
    return [(*key, value) for key, value in by_own], [(*key, value) for key, value in by_total]


def _place(frame, root: Path) -> str:
    path = frame.file_path or ""
    if path.startswith(str(root) + "/") and "/.venv/" not in path:
        path = path[len(str(root)) + 1:]
    elif "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    return f"{path}:{frame.line_no or 0}" if frame.line_no else path


def main() -> int:
    """Profile each page; write the note."""
    args = parse_args()
    cluster = None
    url = args.database_url
    if not url:
        cluster = load_run.Cluster(args.pg_dir, args.pg_port)
        was_running = cluster.running()
        cluster.start()
        url = cluster.url
    else:
        was_running = True
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ["WORKER_WARM"] = "0"
    try:
        return profile(args, url)
    finally:
        if cluster is not None and not was_running:
            cluster.stop()


def profile(args: argparse.Namespace, url: str) -> int:
    """Measure every page against the database at ``url``."""
    from pyinstrument import Profiler
    from sqlalchemy import event

    from matchmaker import create_app
    from matchmaker.extensions import db

    accounts_path = Path(os.environ.get("LOAD_OUT", load_run.OUT_DIR)) / "profile-accounts.json"
    accounts_path.parent.mkdir(parents=True, exist_ok=True)
    accounts = load_run.write_accounts(url, accounts_path)
    app = create_app({"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    rng = random.Random(15)
    counters = {"queries": 0, "time": 0.0}

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        counters["queries"] += 1
        counters["time"] += time.perf_counter() - conn.info["started"].pop()

    pages = scenario(app, accounts, rng)
    lines = [f"# {args.title}", ""]
    lines.append(
        f"`{' '.join(['make load-profile'] + [f'PROFILE_OUT={args.out}'])}` — {args.requests} measured "
        f"requests per page, in-process on one thread (Flask test client, PostgreSQL load district), "
        f"after one search with a text query and 5 warm-up requests per page; figures measured "
        f"without the profiler, then the same number of requests profiled; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Wall times include waiting for the CPU "
        f"on a shared machine; CPU and query counts are what to compare."
    )
    lines += ["", "| page | CPU ms/request | wall ms/request | queries/request | query ms/request | statuses |",
              "| --- | ---: | ---: | ---: | ---: | --- |"]
    details: list[str] = []
    summary: dict[str, dict] = {}
    for name, make_request in pages.items():
        for _ in range(5):
            make_request()
        # First the figures, without the profiler (its hooks cost CPU on every call), then the profile.
        figures = PageFigures()
        counters.update(queries=0, time=0.0)
        for _ in range(args.requests):
            cpu, wall = time.thread_time(), time.perf_counter()
            response = make_request()
            figures.cpu += time.thread_time() - cpu
            figures.wall += time.perf_counter() - wall
            figures.statuses[response.status_code] += 1
            figures.requests += 1
        figures.queries, figures.query_time = counters["queries"], counters["time"]
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            make_request()
        profiler.stop()
        n = figures.requests
        statuses = ", ".join(f"{code} ×{count}" for code, count in sorted(figures.statuses.items()))
        lines.append(f"| {name} | {1000 * figures.cpu / n:.1f} | {1000 * figures.wall / n:.1f} | "
                     f"{figures.queries / n:.1f} | {1000 * figures.query_time / n:.1f} | {statuses} |")
        summary[name] = {"cpu_ms": 1000 * figures.cpu / n, "wall_ms": 1000 * figures.wall / n,
                         "queries": figures.queries / n, "query_ms": 1000 * figures.query_time / n}
        by_own, by_total = top_entries(profiler.last_session, ROOT, args.top)
        duration = profiler.last_session.duration or 1.0
        details += ["", f"## {name}", "", "Own time (where the CPU is):", "",
                    "| function | where | ms/request | share |", "| --- | --- | ---: | ---: |"]
        details += [f"| `{func}` | {place} | {1000 * sec / n:.1f} | {100 * sec / duration:.0f}% |"
                    for func, place, sec in by_own]
        details += ["", "The app's functions by total time:", "",
                    "| function | where | ms/request | share |", "| --- | --- | ---: | ---: |"]
        details += [f"| `{func}` | {place} | {1000 * sec / n:.1f} | {100 * sec / duration:.0f}% |"
                    for func, place, sec in by_total]
        print(f"{name:24} cpu {1000 * figures.cpu / n:6.1f} ms  queries {figures.queries / n:5.1f}", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines + details) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
