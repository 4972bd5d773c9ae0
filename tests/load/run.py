"""``make load-test``: the app under load on gunicorn and PostgreSQL with a full-size district.

Steps: start a PostgreSQL cluster of its own (or use ``LOAD_DATABASE_URL``), migrate, load
the regions, skills and the load district (``flask seed load``: 100,000 households, 10,000
offers; skipped when the database already holds it), start gunicorn, warm up, run the
locust scenario headless (20 users, 3 minutes once all have arrived), then print requests/s, the gunicorn master's
and workers' CPU seconds per request, p50/p95/p99 and failures per page, check them against
the targets and write them to the results folder (``summary.json``, ``summary.txt``). Exits
non-zero when a target or an error is missed.

With ``--fault`` (``make load-test FAULT=1``) it runs the fault phase instead: a shorter
load run during which PostgreSQL is stopped for some seconds and started again. It reports
how many requests failed while the database was down, whether each failure was the app's
503 "database unavailable" page, and how long the app took to serve pages again, without
restarting gunicorn.

Users arrive at ``--spawn-rate`` a second (2: a hundred facilitators open the app within the
same minute), each logging in through the form, and the measured run lasts the ramp plus
``--duration`` at full strength; every request from the first login on is counted. A
thundering herd (``LOAD_SPAWN_RATE=20``: a hundred logins in five seconds, each a deliberate
~135 ms scrypt hash on two cores) is a separate question, reported on its own.

Every setting has an environment variable (see ``--help``); the PostgreSQL data directory
is kept between runs so that the district is built once.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
GC_CONFIG = Path(__file__).resolve().parent / "gc_pauses.py"  # gunicorn settings: workers log long GC pauses

# p95 targets in milliseconds, per page (issue #15: 100 users on two cores): every page within
# 150 ms, the partner search within 300 ms. Pages not named here get DEFAULT_TARGET_MS.
TARGETS_MS = {
    "partners.search": 300,
    "households.index": 150,
    "households.detail": 150,
    "matches.inbox": 150,
    "matches.detail": 150,
    "login form": 150,
}
DEFAULT_TARGET_MS = 150
DB_PAGE_FAILURE = "503 database-unavailable page"
# A throwaway cluster and its results: nothing secret, kept between runs to save the build.
PG_DIR = "/tmp/matchmaker-load-pg"  # noqa: S108
OUT_DIR = "/tmp/matchmaker-load-results"  # noqa: S108


def env(name: str, default: str) -> str:
    """An environment setting with its default."""
    return os.environ.get(name, "").strip() or default


def parse_args() -> argparse.Namespace:
    """Command-line options, each defaulting to an environment variable."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("--users", type=int, default=int(env("LOAD_USERS", "20")), help="concurrent users (LOAD_USERS, 20)")
    add("--duration", default=env("LOAD_DURATION", "3m"), help="run time, locust syntax (LOAD_DURATION, 3m)")
    add("--spawn-rate", type=float, default=float(env("LOAD_SPAWN_RATE", "2")),
        help="users arriving per second (LOAD_SPAWN_RATE, 2)")
    add("--warmup", default=env("LOAD_WARMUP", "20s"), help="warm-up run time (LOAD_WARMUP, 20s)")
    add("--households", type=int, default=int(env("LOAD_HOUSEHOLDS", "100000")), help="(LOAD_HOUSEHOLDS)")
    add("--offers", type=int, default=int(env("LOAD_OFFERS", "10000")), help="(LOAD_OFFERS)")
    add("--database-url", default=env("LOAD_DATABASE_URL", ""), help="use this database (LOAD_DATABASE_URL)")
    add("--pg-port", type=int, default=int(env("LOAD_PG_PORT", "54340")), help="own cluster's port (LOAD_PG_PORT)")
    add("--pg-dir", default=env("LOAD_PG_DIR", PG_DIR), help="own cluster's folder (LOAD_PG_DIR)")
    add("--port", type=int, default=int(env("LOAD_PORT", "5150")), help="gunicorn port (LOAD_PORT, 5150)")
    add("--workers", type=int, default=int(env("LOAD_WORKERS", "2")), help="gunicorn workers (LOAD_WORKERS, 2)")
    add("--threads", type=int, default=int(env("LOAD_THREADS", "4")), help="threads per worker (LOAD_THREADS, 4)")
    add("--out", default=env("LOAD_OUT", OUT_DIR), help="results folder (LOAD_OUT)")
    add("--py-spy", action="store_true", default=env("LOAD_PYSPY", "0") not in ("0", "", "no"),
        help="sample the workers with py-spy and write where their CPU went, per page (LOAD_PYSPY=1)")
    add("--fault", action="store_true", default=env("FAULT", "0") not in ("0", "", "no"),
        help="run the fault phase (FAULT=1)")
    add("--fault-duration", default=env("FAULT_DURATION", "100s"), help="fault phase run time (FAULT_DURATION)")
    add("--fault-at", type=float, default=float(env("FAULT_AT", "30")), help="seconds before the stop (FAULT_AT)")
    add("--fault-down", type=float, default=float(env("FAULT_DOWN", "12")), help="seconds down (FAULT_DOWN)")
    return parser.parse_args()


def say(message: str) -> None:
    """Progress on stdout, flushed (make buffers nothing, but pipes do)."""
    print(f"[load] {message}", flush=True)


def seconds(text: str) -> float:
    """Locust's duration syntax (``3m``, ``90s``, ``1h30m``) in seconds."""
    total, number = 0.0, ""
    for char in text:
        if char.isdigit() or char == ".":
            number += char
        else:
            total += float(number) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
    return total + (float(number) if number else 0.0)


# --- PostgreSQL ------------------------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of the load test's own, kept in ``folder`` between runs."""

    def __init__(self, folder: str, port: int) -> None:
        self.folder = Path(folder)
        self.port = port
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        if not found:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql).")
        self.bin = found[-1].parent
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/load"

    def _run(self, command: str, check: bool = True) -> subprocess.CompletedProcess:
        # initdb and the server refuse to run as root: they belong to the postgres user.
        if os.geteuid() == 0:
            argv = ["su", "postgres", "-s", "/bin/bash", "-c", command]
        else:
            argv = ["bash", "-c", command]
        return subprocess.run(argv, check=check, capture_output=True, text=True)  # noqa: S603

    def running(self) -> bool:
        """Whether the server of this folder is up."""
        if not (self.folder / "data" / "PG_VERSION").exists():
            return False
        return self._run(f"'{self.bin}/pg_ctl' -D '{self.folder}/data' status", check=False).returncode == 0

    def start(self) -> None:
        """Create the cluster on first use, start it, create database ``load``."""
        if not (self.folder / "data" / "PG_VERSION").exists():
            say(f"creating a PostgreSQL cluster in {self.folder} (port {self.port})")
            self.folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres", "postgres")
            self._run(f"'{self.bin}/initdb' -D '{self.folder}/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8")
        if not self.running():
            self._run(
                f"'{self.bin}/pg_ctl' -D '{self.folder}/data' -l '{self.folder}/log' -w "
                f"-o \"-h 127.0.0.1 -p {self.port} -k '{self.folder}'\" start"
            )
        check = "\"SELECT 1 FROM pg_database WHERE datname = 'load'\""
        exists = self._run(f"'{self.bin}/psql' -h 127.0.0.1 -p {self.port} -U postgres -tAc {check}")
        if exists.stdout.strip() != "1":
            self._run(f"'{self.bin}/createdb' -h 127.0.0.1 -p {self.port} -U postgres load")

    def stop(self) -> None:
        """Stop the server now (fast mode: open connections are cut, as in a crash or restart)."""
        self._run(f"'{self.bin}/pg_ctl' -D '{self.folder}/data' -m fast -w stop", check=False)

    def restart_server(self) -> None:
        """Start the server again after :meth:`stop`."""
        self._run(
            f"'{self.bin}/pg_ctl' -D '{self.folder}/data' -l '{self.folder}/log' -w "
            f"-o \"-h 127.0.0.1 -p {self.port} -k '{self.folder}'\" start"
        )


def psycopg_url(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def query(url: str, sql: str) -> list[tuple]:
    """Rows of ``sql`` on the load database."""
    import psycopg

    with psycopg.connect(psycopg_url(url), autocommit=True) as connection:
        cursor = connection.execute(sql)
        return cursor.fetchall() if cursor.description else []


# --- Data ---------------------------------------------------------------------------------------


def flask(app_env: dict[str, str], *args: str) -> str:
    """Run a ``flask --app wsgi`` command; return its output (exit on failure)."""
    result = subprocess.run(  # noqa: S603
        [str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=app_env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_data(args: argparse.Namespace, url: str, app_env: dict[str, str], marker: Path | None) -> str:
    """Migrate and seed unless the district is there; return a line on how the data was obtained."""
    flask(app_env, "db", "upgrade")
    loaded = query(url, "SELECT count(*) FROM \"user\" WHERE email LIKE '%@load.test'")[0][0]
    if loaded:
        households = query(
            url,
            "SELECT count(*) FROM household h JOIN \"user\" u ON u.id = h.facilitator_id "
            "WHERE u.email LIKE '%@load.test'",
        )[0][0]
        built = marker.read_text().strip() if marker and marker.exists() else "earlier"
        return f"reused the load district ({households:,} households; built in {built})"
    started = time.perf_counter()
    say("loading regions and skills…")
    flask(app_env, "seed", "regions")
    flask(app_env, "seed", "skills")
    say(f"building the load district ({args.households:,} households, {args.offers:,} offers)…")
    output = flask(app_env, "seed", "load", "--households", str(args.households), "--offers", str(args.offers))
    say(output.strip().splitlines()[-2])
    query(url, "VACUUM ANALYZE")
    took = time.perf_counter() - started
    if marker:
        marker.write_text(f"{took:.0f} s")
    return f"built the load district in {took:.0f} s (regions, skills, district, VACUUM ANALYZE)"


def write_accounts(url: str, path: Path) -> dict:
    """The facilitators and the businesses with introductions, for the locustfile."""
    facilitators = query(
        url,
        "SELECT u.email, a.region_code FROM \"user\" u JOIN user_area a ON a.user_id = u.id "
        "WHERE u.role = 'facilitator' AND u.email LIKE 'pendamping%@load.test' ORDER BY u.id",
    )
    businesses = query(
        url,
        "SELECT DISTINCT u.email FROM \"user\" u JOIN organization o ON o.id = u.organization_id "
        "JOIN offer f ON f.organization_id = o.id JOIN match m ON m.offer_id = f.id "
        "WHERE u.role = 'business' AND u.email LIKE 'usaha%@load.test' AND m.status <> 'proposed' ORDER BY u.email",
    )
    from matchmaker.demo.load import DEFAULT_PASSWORD

    accounts = {
        "password": os.environ.get("LOAD_PASSWORD") or DEFAULT_PASSWORD,
        "facilitators": [list(row) for row in facilitators],
        "businesses": [row[0] for row in businesses],
    }
    path.write_text(json.dumps(accounts))
    return accounts


# --- The server and locust --------------------------------------------------------------------


def start_gunicorn(args: argparse.Namespace, app_env: dict[str, str], out: Path) -> subprocess.Popen:
    """gunicorn on 127.0.0.1, ready when ``/healthz`` answers."""
    for old in out.glob("gc-*.txt"):
        old.unlink()
    log = open(out / "gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
         # The production timeout; with threads it only restarts a frozen worker (see README).
         "--threads", str(args.threads), "--timeout", "60",
         # Longer than the users' pauses, as a proxy in front would keep them: no race between
         # a connection closed for idleness and the next request sent on it.
         "--keep-alive", "10", "--config", str(GC_CONFIG), "wsgi:app"],
        cwd=ROOT, env={**app_env, "LOAD_GC_LOG_DIR": str(out)}, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start: see {out / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def ramp_seconds(users: int, spawn_rate: float) -> int:
    """Seconds until ``users`` have all arrived at ``spawn_rate`` a second."""
    return math.ceil(users / spawn_rate)


def run_locust(args: argparse.Namespace, users: int, duration: str, accounts: Path, events: Path | None,
               during=None, spawn_rate: float | None = None) -> None:
    """Run the scenario headless; ``during(process)`` runs while it does (the fault phase)."""
    locust_env = {**os.environ, "LOAD_ACCOUNTS": str(accounts)}
    if events is not None:
        events.unlink(missing_ok=True)
        locust_env["LOAD_EVENTS"] = str(events)
    command = [
        str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
        "--spawn-rate", str(spawn_rate or max(1, math.ceil(users / 5))), "--run-time", duration,
        "--host", f"http://127.0.0.1:{args.port}", "--only-summary", "--loglevel", "ERROR",
        "--stop-timeout", "10",
    ]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=locust_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    if during is not None:
        during(process)
    process.wait()


def read_events(path: Path) -> list[dict]:
    """The request log that the locustfile wrote."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values`` (sorted or not)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def target_of(name: str) -> int | None:
    """The p95 target of a page; the login (its password hash is slow on purpose) has none."""
    if name.startswith("log in"):
        return None
    return TARGETS_MS.get(name, DEFAULT_TARGET_MS)


def page_figures(events: list[dict], span: float) -> dict[str, dict]:
    """Requests, errors, requests/s and p50/p95/p99 in ms of each page."""
    figures: dict[str, dict] = {}
    for name in sorted({event["name"] for event in events}):
        times = [event["ms"] for event in events if event["name"] == name]
        figures[name] = {
            "requests": len(times),
            "errors": sum(1 for event in events if event["name"] == name and not event["ok"]),
            "requests_per_s": round(len(times) / span, 2) if span else 0.0,
            "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "p99_ms": percentile(times, 0.99),
            "target_p95_ms": target_of(name),
        }
    return figures


def stats_table(events: list[dict]) -> tuple[list[str], list[str]]:
    """Lines of the per-page table and the list of missed targets."""
    pages = sorted({event["name"] for event in events}, key=lambda name: (name not in TARGETS_MS, name))
    lines = [f"{'page':24} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'target':>8}  ok"]
    missed: list[str] = []
    for name in pages:
        rows = [event for event in events if event["name"] == name]
        times = [event["ms"] for event in rows]
        errors = sum(1 for event in rows if not event["ok"])
        p95 = percentile(times, 0.95)
        target = target_of(name)
        verdict = ""
        if target is not None:
            good = p95 <= target and errors == 0
            verdict = "yes" if good else "NO"
            if not good:
                missed.append(f"{name}: p95 {p95:.0f} ms (target {target}), {errors} errors")
        elif errors:
            verdict = "NO"
            missed.append(f"{name}: {errors} errors")
        lines.append(
            f"{name:24} {len(rows):8d} {errors:6d} {percentile(times, 0.5):7.0f} {p95:7.0f} "
            f"{percentile(times, 0.99):7.0f} {(f'≤{target}' if target else '-'):>8}  {verdict}"
        )
    total = len(events)
    errors = sum(1 for event in events if not event["ok"])
    lines.append(f"{'all':24} {total:8d} {errors:6d}")
    return lines, missed


def failure_kinds(events: list[dict]) -> dict[str, int]:
    """Failed requests counted by what went wrong."""
    kinds: dict[str, int] = {}
    for event in events:
        if not event["ok"]:
            kind = event.get("error", "?")
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


# --- The phases ---------------------------------------------------------------------------------


def server_cpu_seconds(master: int) -> float:
    """User + system CPU seconds of the gunicorn master and its workers, living or ended."""
    import psutil

    process = psutil.Process(master)
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:  # ended since: its time is in children_* once reaped
            continue
        total += child_times.user + child_times.system
    return total


def gc_pauses(out: Path, start: float, end: float) -> dict[str, float]:
    """The workers' GC pauses over 5 ms between ``start`` and ``end`` (see gc_pauses.py)."""
    pauses: list[tuple[int, float]] = []
    for path in out.glob("gc-*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            moment, generation, pause = line.split()
            if start <= float(moment) <= end:
                pauses.append((int(generation), float(pause)))
    full = [pause for generation, pause in pauses if generation == 2]
    return {
        "pauses": len(pauses), "longest_ms": max((pause for _, pause in pauses), default=0.0),
        "full_collections": len(full), "longest_full_ms": max(full, default=0.0),
        "total_ms": round(sum(pause for _, pause in pauses), 1),
    }


def start_py_spy(server: subprocess.Popen, out: Path) -> list[subprocess.Popen]:
    """``py-spy record`` on each worker until stopped, raw stacks into the results folder (its
    messages in ``py-spy.log``). The pauses of sampling lengthen the latencies a little: a run
    with py-spy is for the profile, the targets are judged without it."""
    for old in out.glob("pyspy-*.txt"):
        old.unlink()
    log = open(out / "py-spy.log", "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the samplers
    return [
        subprocess.Popen(  # noqa: S603
            # Blocking: each sample pauses the worker for a moment (py-spy 0.4.0's --nonblocking
            # reads line tables while they change and panicked within minutes under load).
            # --gil: only the thread holding the interpreter, i.e. the worker's Python CPU (a thread
            # waiting for PostgreSQL or for a request would otherwise be counted as busy).
            [str(BIN / "py-spy"), "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--gil",
             "--output", str(out / f"pyspy-{pid}.txt")],
            stdout=log, stderr=subprocess.STDOUT,
        )
        for pid in sorted(worker_pids(server.pid))
    ]


def stop_py_spy(samplers: list[subprocess.Popen], out: Path, title: str) -> None:
    """Stop the samplers (they write their files on SIGINT) and write ``profile-under-load.md``."""
    import signal

    from under_load import summarize

    for sampler in samplers:
        sampler.send_signal(signal.SIGINT)
    for sampler in samplers:
        sampler.wait(timeout=120)
    paths = sorted(out.glob("pyspy-*.txt"))
    if not paths:
        say("py-spy wrote nothing (is ptrace allowed here?)")
        return
    note = out / "profile-under-load.md"
    note.write_text(summarize(paths, title), encoding="utf-8")
    say(f"where the workers' CPU went, per page: {note}")


def load_phase(args: argparse.Namespace, accounts: Path, out: Path, server: subprocess.Popen) -> bool:
    """The measured run; True when every target is met without errors."""
    ramp = ramp_seconds(args.users, args.spawn_rate)
    say(f"measuring: {args.users} users arriving at {args.spawn_rate:g}/s ({ramp} s), then {args.duration}…")
    events_path = out / "requests.jsonl"
    samplers = start_py_spy(server, out) if args.py_spy else []
    cpu_before = server_cpu_seconds(server.pid)
    run_locust(args, args.users, f"{seconds(args.duration) + ramp:.0f}s", accounts, events_path,
               spawn_rate=args.spawn_rate)
    cpu = server_cpu_seconds(server.pid) - cpu_before
    if samplers:
        stop_py_spy(samplers, out, f"Where the workers' CPU went: {args.users} users, {args.duration}")
    events = read_events(events_path)
    lines, missed = stats_table(events)
    span = (events[-1]["t"] - events[0]["t"]) if events else 0
    rate = len(events) / span if span else 0.0
    cpu_ms = 1000 * cpu / len(events) if events else math.nan
    print()
    print(f"Load test: {args.users} users arriving in {ramp} s, then {args.duration} ({span:.0f} s of requests, "
          f"{rate:.1f} requests/s), gunicorn {args.workers}×{args.threads}")
    print(f"CPU per request: {cpu_ms:.1f} ms (gunicorn master and workers: {cpu:.1f} CPU s "
          f"for {len(events)} requests)")
    print("\n".join(lines))
    pauses = gc_pauses(out, events[0]["t"], events[-1]["t"]) if events else {}
    if pauses:
        print(f"GC pauses over 5 ms in the workers: {pauses['pauses']} ({pauses['total_ms']:.0f} ms in all, longest "
              f"{pauses['longest_ms']:.0f} ms); full collections among them: {pauses['full_collections']} "
              f"(longest {pauses['longest_full_ms']:.0f} ms)")
    kinds = failure_kinds(events)
    if kinds:
        print("errors: " + "; ".join(f"{kind} ×{count}" for kind, count in kinds.items()))
    if missed:
        print("TARGETS MISSED: " + " | ".join(missed))
    else:
        print("All targets met, no errors.")
    summary = {
        "users": args.users, "duration": args.duration, "spawn_rate": args.spawn_rate, "ramp_s": ramp,
        "workers": args.workers, "threads": args.threads,
        "seconds": round(span, 1), "requests": len(events), "requests_per_s": round(rate, 2),
        "server_cpu_s": round(cpu, 2), "cpu_ms_per_request": round(cpu_ms, 2),
        "pages": page_figures(events, span), "gc_pauses": pauses, "table": lines, "missed": missed, "errors": kinds,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    (out / "summary.txt").write_text(
        f"{args.users} users (arriving in {ramp} s), then {args.duration}, gunicorn {args.workers}x{args.threads}: "
        f"{rate:.1f} requests/s, "
        f"CPU {cpu_ms:.1f} ms per request\n" + "\n".join(lines) + "\n"
        + (f"GC pauses over 5 ms: {pauses['pauses']}, longest {pauses['longest_ms']:.0f} ms; full collections "
           f"{pauses['full_collections']}, longest {pauses['longest_full_ms']:.0f} ms\n" if pauses else ""),
        encoding="utf-8"
    )
    say(f"results in {out} (summary.json, summary.txt, requests.jsonl)")
    return not missed


def fault_phase(args: argparse.Namespace, cluster: Cluster, server: subprocess.Popen, accounts: Path,
                out: Path) -> bool:
    """Stop PostgreSQL during a load run; check the 503 page and the recovery without a restart."""
    events_path = out / "fault-requests.jsonl"
    moments: dict[str, float] = {}
    workers_before = worker_pids(server.pid)

    def outage(_process: subprocess.Popen) -> None:
        time.sleep(args.fault_at)
        say(f"stopping PostgreSQL for {args.fault_down:.0f} s…")
        moments["down"] = time.time()
        cluster.stop()
        moments["stopped"] = time.time()
        time.sleep(args.fault_down)
        say("starting PostgreSQL again…")
        cluster.restart_server()
        moments["up"] = time.time()

    say(f"fault phase: {args.users} users for {args.fault_duration}, database down at {args.fault_at:.0f} s")
    run_locust(args, args.users, args.fault_duration, accounts, events_path, during=outage)
    events = read_events(events_path)
    down, up = moments["down"], moments["up"]
    before = [e for e in events if e["t"] < down]
    during = [e for e in events if down <= e["t"] < up]
    after = [e for e in events if e["t"] >= up]
    failed_during = [e for e in during if not e["ok"]]
    not_db_page = [e for e in failed_during if e.get("error") != DB_PAGE_FAILURE]
    failures_after = [e for e in after if not e["ok"]]
    last_failure = max((e["t"] for e in failures_after), default=None)
    first_success = min((e["t"] for e in after if e["ok"]), default=None)
    recovered_at = last_failure if last_failure is not None else first_success
    steady = [e for e in after if recovered_at is not None and e["t"] > recovered_at]
    restarted = server.poll() is not None or worker_pids(server.pid) != workers_before
    print()
    print(f"Fault phase: PostgreSQL stopped {moments['stopped'] - down:.1f} s after the order, "
          f"down for {up - down:.1f} s in all (restart included).")
    print(f"  before the stop: {len(before)} requests, {sum(1 for e in before if not e['ok'])} failed")
    print(f"  while down:      {len(during)} requests, {len(failed_during)} failed, "
          f"{len(failed_during) - len(not_db_page)} of them the app's 503 page")
    if not_db_page:
        print("    other failures: " + "; ".join(f"{k} ×{v}" for k, v in failure_kinds(not_db_page).items()))
    kinds_after = "; ".join(f"{k} ×{v}" for k, v in failure_kinds(failures_after).items())
    print(f"  after the start: {len(after)} requests, {len(failures_after)} failed"
          + (f" ({kinds_after})" if failures_after else ""))
    if recovered_at is not None:
        print(f"  time to recovery: {max(0.0, recovered_at - up):.1f} s after PostgreSQL was back; "
              f"{len(steady)} requests since, {sum(1 for e in steady if not e['ok'])} failed")
    print(f"  gunicorn restarted: {'yes' if restarted else 'no'} (same master and workers)")
    good = (
        not any(not e["ok"] for e in before)
        and bool(failed_during) is True
        and not not_db_page
        and recovered_at is not None
        and recovered_at - up <= 15
        and len(steady) > 0
        and all(e["ok"] for e in steady)
        and not restarted
    )
    print("Fault phase passed." if good else "FAULT PHASE FAILED.")
    return good


def worker_pids(master: int) -> set[int]:
    """The gunicorn workers of ``master`` (a restart would change them)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return set(map(int, children.read_text().split())) if children.exists() else set()


def main() -> int:
    """Prepare, serve, warm up, measure (or run the fault phase); return the exit status."""
    args = parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cluster = None
    if args.database_url:
        url = args.database_url
        if args.fault:
            sys.exit("The fault phase stops PostgreSQL: it needs the load test's own cluster, not LOAD_DATABASE_URL.")
        marker = None
    else:
        cluster = Cluster(args.pg_dir, args.pg_port)
        cluster.start()
        url = cluster.url
        marker = cluster.folder / "build-time"
    app_env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32), "FLASK_APP": "wsgi"}
    server = None
    try:
        say(prepare_data(args, url, app_env, marker))
        accounts_path = out / "accounts.json"
        accounts = write_accounts(url, accounts_path)
        say(f"{len(accounts['facilitators'])} facilitators, {len(accounts['businesses'])} businesses with "
            f"introductions; password {accounts['password']}")
        server = start_gunicorn(args, app_env, out)
        say(f"gunicorn on 127.0.0.1:{args.port} ({args.workers} workers × {args.threads} threads); "
            f"warming up for {args.warmup}…")
        run_locust(args, min(args.users, 6), args.warmup, accounts_path, None)
        if args.fault:
            assert cluster is not None
            return 0 if fault_phase(args, cluster, server, accounts_path, out) else 1
        return 0 if load_phase(args, accounts_path, out, server) else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
