"""``make security-scan``: sqlmap and wapiti against the app with the demo district, logged in.

The driver builds a throwaway SQLite database (migrations, regions, skills, ``seed demo``
with a generated password) in a temporary folder, serves it with gunicorn on 127.0.0.1
(a free port in 5200-5299) with a generated ``SECRET_KEY``, and logs in through the real
login form (CSRF token and all) as a facilitator, a business and the coordinator. Then:

1. sqlmap tests each search, filter and API parameter (GET only: it never sees a form that
   writes, nor logout), several targets at a time. Any injectable parameter is a finding of
   severity "high".
2. wapiti crawls and attacks the app as each role in turn, then anonymously (the login,
   registration and reset pages). Its JSON report gives each finding a level, mapped to a
   severity as :data:`WAPITI_LEVELS` says.

A summary table lists every finding; the exit status is 1 when any is of medium severity or
above, or when a scan could not do its job (a target not reachable as its role, a tool that
crashed, a session lost mid-scan), so that a broken scan never passes as a clean one.

Environment: ``SCAN_PORT`` (default: the first free port from 5200), ``SCAN_KEEP=1`` keeps
the work folder (database, server log, reports), ``SCAN_WAPITI_ROLES`` (default
``facilitator,business,coordinator,anonymous``), ``SCAN_ONLY`` (``sqlmap`` or ``wapiti``),
``SCAN_WAPITI_ATTACK_SECONDS`` (time limit per wapiti module and role, default 120).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess  # noqa: S404 - the whole point is to run the scanners
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PORTS = range(5200, 5300)

# Demo accounts used, by role (see README, "Demo logins").
ACCOUNTS = {
    "facilitator": "pendamping1@demo.test",
    "business": "usaha1@demo.test",
    "coordinator": "koordinator@demo.test",
}

SEVERITIES = ("info", "low", "medium", "high", "critical")
FAIL_AT = SEVERITIES.index("medium")

# wapiti 3.0.4 gives every finding a level from 0 to 4 (wapitiCore.language.vulnerability:
# INFO_LEVEL "0" ... CRITICAL_LEVEL "4"); we keep its scale, one to one.
WAPITI_LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
# ...except where 3.0.4 rates a class lower than we do: an open redirect from our own login
# or language form hands a phishing page our address (later wapiti versions rate it medium).
WAPITI_FLOORS = {"Open Redirect": "medium"}

# wapiti modules: everything that applies to a Flask app served over HTTP and works offline.
# Left out: ssrf and xxe (they need wapiti's external endpoint on the Internet), nikto, buster,
# backup and htaccess (file brute-forcing for Apache/PHP layouts), shellshock (CGI), wapp
# (fingerprinting), brute_login_form (it would only trip the login throttle).
WAPITI_MODULES = (
    "xss,permanentxss,sql,blindsql,exec,file,redirect,crlf,csrf,http_headers,csp,cookieflags,methods"
)


# Parameters wapiti does not inject into. Tokens: tampering with them only earns a 400, which
# tests nothing. Checkbox lists and counters of the household form: WTForms accepts only the
# listed choices and integers there, and their 28 copies would triple the scan's length.
WAPITI_SKIP = (
    "csrf_token", "submission_token", "constraints", "assets", "skills",
    *(f"components-{key}" for key in ("ibu_hamil", "anak_usia_dini", "anak_sd", "anak_smp", "anak_sma", "lansia",
                                      "disabilitas_berat")),
)


@dataclass
class Finding:
    """One line of the summary: which tool, what, how bad, where."""

    tool: str
    role: str
    finding: str
    severity: str
    url: str
    detail: str = ""

    @property
    def fails(self) -> bool:
        """Medium or above fails the scan."""
        return SEVERITIES.index(self.severity) >= FAIL_AT


@dataclass
class Report:
    """Everything the scan found, plus what stopped it from doing its job."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def log(message: str) -> None:
    """Progress on stderr, flushed at once so that ``make`` shows it as it happens."""
    print(f"[security-scan {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Tools and the throwaway app ---------------------------------------------------------------


def ensure_tools() -> None:
    """Install Debian's sqlmap and wapiti when missing (as root; otherwise say how)."""
    missing = [name for name in ("sqlmap", "wapiti") if shutil.which(name) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"security-scan: {', '.join(missing)} missing; run: sudo apt-get install -y sqlmap wapiti")
    log(f"installing {' '.join(missing)} from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "sqlmap", "wapiti"], check=True, env=env)  # noqa: S607


def free_port() -> int:
    """``SCAN_PORT``, or the first port of 5200-5299 nobody listens on."""
    if os.environ.get("SCAN_PORT"):
        return int(os.environ["SCAN_PORT"])
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    sys.exit("security-scan: no free port in 5200-5299")


def app_env(workdir: Path) -> dict[str, str]:
    """The environment of the throwaway app: its own database and a fresh session key."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'scan.sqlite3'}",
        SECRET_KEY=secrets.token_hex(32),
        FLASK_APP="wsgi",
        PYTHONUNBUFFERED="1",
    )
    return env


def build_database(workdir: Path, env: dict[str, str], password: str) -> None:
    """Migrations, regions, skills and the demo district, as ``make setup`` does, in ``workdir``."""
    flask = str(VENV_BIN / "flask")
    with open(workdir / "setup.log", "w", encoding="utf-8") as out:
        for args, extra in (
            (["db", "upgrade"], {}),
            (["seed", "regions"], {}),
            (["seed", "skills"], {}),
            (["seed", "demo"], {"DEMO_PASSWORD": password}),
        ):
            log(f"flask {' '.join(args)}")
            subprocess.run([flask, *args], cwd=ROOT, env={**env, **extra}, stdout=out, stderr=subprocess.STDOUT,
                           check=True)


def start_server(workdir: Path, env: dict[str, str], port: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:``port``, answering /healthz, with its log in ``workdir``."""
    server_log = open(workdir / "gunicorn.log", "w", encoding="utf-8")  # closed when the process ends
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", "3", "--threads", "4",
         "--timeout", "120", "--access-logfile", "-", "wsgi:app"],
        cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {workdir / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_server(process: subprocess.Popen | None) -> None:
    """Stop gunicorn (its own process group: the master and its workers)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- Logging in through the real form ------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let a 302 come back as it is: a login answers with one, and so does a lost session."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """A cookie jar and the two requests a person makes with it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def get(self, path: str) -> tuple[int, str, str]:
        """``(status, Location, body)`` of a GET."""
        return self._send(urllib.request.Request(self.base + path))  # noqa: S310 - base is http://127.0.0.1

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str, str]:
        """``(status, Location, body)`` of a form POST."""
        body = urllib.parse.urlencode(data).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))  # noqa: S310

    def _send(self, request: urllib.request.Request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.headers.get("Location", ""), answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode("utf-8", "replace")

    def cookie(self, name: str = "session") -> str:
        """The value of a cookie the app set."""
        for cookie in self.jar:
            if cookie.name == name:
                return cookie.value or ""
        raise LookupError(name)


def csrf_token(html: str) -> str:
    """The login form's CSRF token."""
    match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    if match is None:
        raise RuntimeError("no CSRF token on the login page")
    return match.group(1)


def log_in(base: str, email: str, password: str) -> Browser:
    """Log in through the form, as a person would; fail loudly rather than scan anonymously."""
    browser = Browser(base)
    for attempt in range(3):
        _status, _location, page = browser.get("/auth/login")
        status, location, _body = browser.post(
            "/auth/login", {"csrf_token": csrf_token(page), "email": email, "password": password}
        )
        if status == 302 and not location.startswith("/auth/login"):
            break
        if status == 429 and attempt < 2:  # the login throttle: wait for its minute to pass
            time.sleep(61)
            continue
        raise RuntimeError(f"logging in as {email} failed (HTTP {status})")
    if not logged_in(base, browser.cookie()):
        raise RuntimeError(f"logging in as {email} gave no usable session")
    return browser


def logged_in(base: str, cookie: str) -> bool:
    """Whether ``cookie`` still opens the home page (a lost session redirects to the login)."""
    request = urllib.request.Request(base + "/home", headers={"Cookie": f"session={cookie}"})  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status == 200
    except urllib.error.HTTPError:
        return False


# --- sqlmap ------------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The options of every <select> and the links of a page, to fill filters with real values."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, list[str]] = {}
        self.links: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self._select = values.get("name")
            self.options.setdefault(self._select or "", [])
        elif tag == "option" and self._select and values.get("value"):
            self.options[self._select].append(values["value"] or "")
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def read_page(browser: Browser, path: str) -> _FormReader:
    """Parse ``path`` as ``browser``'s user sees it; it must answer 200."""
    status, location, body = browser.get(path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status} {location}".strip())
    reader = _FormReader()
    reader.feed(body)
    return reader


def first_option(reader: _FormReader, name: str, fallback: str = "") -> str:
    """The first real choice of a filter (not "All ..."), so that the page shows results."""
    options = reader.options.get(name) or []
    return options[0] if options else fallback


def first_link(reader: _FormReader, pattern: str) -> re.Match[str]:
    """The first link matching ``pattern``."""
    for link in reader.links:
        match = re.search(pattern, link)
        if match:
            return match
    raise RuntimeError(f"no link like {pattern}")


@dataclass
class Target:
    """A URL whose query parameters sqlmap tests, as ``role``."""

    role: str
    path: str
    params: dict[str, str]

    def url(self, base: str) -> str:
        """The full URL with its realistic values."""
        return f"{base}{self.path}?{urllib.parse.urlencode(self.params)}"


def sqlmap_targets(browsers: dict[str, Browser]) -> list[Target]:
    """Every search, filter and API parameter, with values taken from the pages themselves."""
    facilitator, coordinator = browsers["facilitator"], browsers["coordinator"]
    caseload = read_page(facilitator, "/households/")
    household = first_link(caseload, r"^/households/(\d+)$").group(1)
    filters = {
        "q": "siti",
        "desa": first_option(caseload, "desa"),
        "status": first_option(caseload, "status"),
        "skill_category": first_option(caseload, "skill_category"),
        "work_preference": first_option(caseload, "work_preference"),
    }
    search = read_page(facilitator, "/partners/search")
    directory = read_page(facilitator, "/partners/directory")
    find = read_page(facilitator, f"/matches/households/{household}/find")
    home = read_page(coordinator, "/home")
    batch = read_page(coordinator, "/matches/batch")
    table = first_link(home, r"^/home/(\w+)\.xlsx\?sort=([\w-]+)")
    sort = first_link(home, r"[?&]fsort=([\w-]+)").group(1)
    region_query = {"q": "sukamaju", "level": "desa", "within": "32.01", "limit": "10"}
    return [
        Target("facilitator", "/households/", {**filters, "page": "1"}),
        Target("facilitator", "/households/export.xlsx", filters),
        Target("coordinator", "/households/", {**filters, "desa": first_option(read_page(coordinator, "/households/"),
                                                                              "desa")}),
        Target("facilitator", "/partners/search", {
            "q": "jahit", "kind": first_option(search, "kind"), "category": first_option(search, "category"),
            "kecamatan": first_option(search, "kecamatan"), "show": "all",
        }),
        Target("facilitator", "/partners/directory", {
            "q": "warung", "kind": first_option(directory, "kind"), "kecamatan": first_option(directory, "kecamatan"),
        }),
        Target("facilitator", f"/matches/households/{household}/find", {
            "kind": first_option(find, "kind"), "tier": first_option(find, "tier", "desa"),
        }),
        Target("facilitator", "/api/regions/search", region_query),
        Target("facilitator", "/api/skills/search", {"q": "jahit", "limit": "10"}),
        Target("business", "/api/regions/search", region_query),
        Target("coordinator", "/home", {"fsort": sort, "ksort": sort}),
        Target("coordinator", f"/home/{table.group(1)}.xlsx", {"sort": table.group(2)}),
        Target("coordinator", "/admin/organizations", {"status": "verified"}),
        Target("coordinator", "/matches/batch", {"kecamatan": first_option(batch, "kecamatan")}),
        Target("anonymous", "/auth/register/regions", {"q": "sukamaju", "limit": "10"}),
        Target("anonymous", "/auth/reset", {"code": "ABCD-EFGH"}),
    ]


# Thorough enough to try boolean, error, UNION, stacked and time-based payloads with several
# boundaries on each parameter, in about 15 s a parameter. The database under test is SQLite,
# so payloads for other engines could not succeed and are skipped (--dbms).
SQLMAP_OPTIONS = ("--batch", "--level=2", "--risk=1", "--dbms=SQLite", "--flush-session", "--disable-coloring",
                  "--timeout=30", "--retries=1", "--answers=follow=N")


def run_sqlmap(target: Target, base: str, cookie: str, outdir: Path) -> tuple[Target, str, list[str]]:
    """sqlmap on one target; returns its verdict ("clean", "injectable" or "error") and the evidence."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = ["sqlmap", "-u", target.url(base), "-p", ",".join(target.params), *SQLMAP_OPTIONS,
               f"--output-dir={outdir}"]
    if cookie:
        command.append(f"--cookie=session={cookie}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)  # noqa: S603
    output = result.stdout + result.stderr
    (outdir / "sqlmap.out").write_text(output, encoding="utf-8")
    points = re.findall(r"^Parameter: (.+)$", output, flags=re.MULTILINE)
    if points or "identified the following injection point" in output:
        return target, "injectable", points or ["(see sqlmap.out)"]
    if "all tested parameters do not appear to be injectable" in output:
        return target, "clean", []
    last = [line for line in output.splitlines() if "[CRITICAL]" in line or "[ERROR]" in line][-3:]
    return target, "error", last or [f"sqlmap exited with {result.returncode}"]


def sqlmap_scan(base: str, browsers: dict[str, Browser], workdir: Path, report: Report) -> None:
    """All sqlmap targets, four at a time; a lost session or unreachable target is an error."""
    targets = sqlmap_targets(browsers)
    cookies = {role: browser.cookie() for role, browser in browsers.items()}
    cookies["anonymous"] = ""
    for target in targets:
        status, location, _body = (browsers.get(target.role) or Browser(base)).get(
            f"{target.path}?{urllib.parse.urlencode(target.params)}"
        )
        if status != 200:
            report.errors.append(f"sqlmap target {target.path} answered {status} {location} as {target.role}")
    params = sum(len(target.params) for target in targets)
    log(f"sqlmap: {len(targets)} URLs, {params} parameters, 4 at a time")
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futures = [
            pool.submit(run_sqlmap, target, base, cookies[target.role], workdir / "sqlmap" / f"{index:02d}")
            for index, target in enumerate(targets)
        ]
        for future in concurrent.futures.as_completed(futures):
            target, verdict, evidence = future.result()
            log(f"sqlmap {target.role:<11} {target.path}: {verdict}")
            if verdict == "injectable":
                for point in evidence:
                    report.findings.append(Finding("sqlmap", target.role, f"SQL injection: {point}", "high",
                                                   target.url(base)))
            elif verdict == "error":
                report.errors.append(f"sqlmap could not finish {target.path} as {target.role}: {'; '.join(evidence)}")
    for role, cookie in cookies.items():
        if cookie and not logged_in(base, cookie):
            report.errors.append(f"the {role} session was lost during the sqlmap scan: its results are not trustworthy")
    report.notes.append(f"sqlmap: {len(targets)} URLs, {params} parameters ({' '.join(SQLMAP_OPTIONS[1:4])})")


# --- wapiti ------------------------------------------------------------------------------------


def wapiti_plan(browsers: dict[str, Browser]) -> dict[str, tuple[list[str], list[str]]]:
    """For each role: the pages to start from (forms first) and the pages that prove the login worked.

    Each page of a kind (one household, one match...) stands for the others: crawling all 630
    households would only repeat the same forms.
    """
    facilitator = browsers["facilitator"]
    caseload = read_page(facilitator, "/households/")
    household = first_link(caseload, r"^/households/(\d+)$").group(1)
    business = read_page(browsers["business"], "/partners/offers")
    offer = first_link(business, r"^/partners/offers/(\d+)$").group(1)
    coordinator = read_page(browsers["coordinator"], "/admin/organizations")
    organization = first_link(coordinator, r"^/admin/organizations/(\d+)$").group(1)
    return {
        "facilitator": ([
            "/households/new", f"/households/{household}/edit", f"/graduation/households/{household}/readiness",
            f"/graduation/households/{household}/graduate", "/households/import", "/auth/password",
            "/households/?q=siti&desa=&status=&skill_category=&work_preference=",
            "/partners/search?q=jahit&kind=&category=&kecamatan=&show=all",
            "/partners/directory?q=warung&kind=&kecamatan=",
            f"/matches/households/{household}/find?kind=&tier=",
            "/api/regions/search?q=sukamaju&level=desa&limit=5", "/api/skills/search?q=jahit&limit=5",
            f"/households/{household}", "/graduation/checkins", "/graduation/queue", "/notifications/", "/home",
        ], ["/households/new", f"/households/{household}/edit"]),
        "business": ([
            "/partners/profile/edit", "/partners/offers/new", f"/partners/offers/{offer}/edit", "/partners/members",
            f"/partners/offers/{offer}", f"/matches/offers/{offer}/candidates", "/matches/inbox", "/partners/offers",
            "/partners/profile", "/auth/password", "/home",
        ], ["/partners/offers/new"]),
        "coordinator": ([
            f"/admin/organizations/{organization}", "/admin/users/new", "/admin/users",
            "/admin/organizations?status=verified", "/matches/batch", "/graduation/queue",
            "/households/?q=siti&desa=&status=&skill_category=&work_preference=",
            "/partners/search?q=jahit&kind=&category=&kecamatan=&show=all", "/home?fsort=name&ksort=name",
            "/auth/password", "/home",
        ], ["/admin/users/new"]),
        "anonymous": ([
            "/auth/login?next=/home", "/auth/register", "/auth/reset?code=ABCD-EFGH",
            "/auth/register/regions?q=sukamaju&limit=5",
        ], ["/auth/register"]),
    }


def wapiti_cookie_file(path: Path, cookie: str) -> None:
    """The session cookie in wapiti 3.0.4's JSON cookie format (what ``wapiti-getcookie`` writes)."""
    jar: dict = {HOST: {"/": {}}}
    if cookie:
        jar[HOST]["/"]["session"] = {"value": cookie, "expires": None, "secure": False, "port": None, "version": 0}
    path.write_text(json.dumps(jar), encoding="utf-8")


def run_wapiti(role: str, base: str, cookie: str, seeds: list[str], must_crawl: list[str], workdir: Path,
               report: Report) -> None:
    """One wapiti scan as ``role``; its findings and anything that made it incomplete go to ``report``."""
    folder = workdir / "wapiti" / role
    folder.mkdir(parents=True, exist_ok=True)
    wapiti_cookie_file(folder / "cookie.json", cookie)
    attack_seconds = os.environ.get("SCAN_WAPITI_ATTACK_SECONDS", "120")
    command = [
        "/usr/bin/python3", str(HERE / "wapiti_launcher.py"), "-u", f"{base}/", "--scope", "folder",
        "-c", str(folder / "cookie.json"),
        # Logging out would end the session (and every other session of the account, as would
        # logging out everywhere or a coordinator ending an account's sessions); the language
        # switch only redirects (and is a POST anyway).
        "-x", f"{base}/auth/logout", "-x", f"{base}/auth/logout-everywhere",
        "-x", f"{base}/admin/users/*/sessions", "-x", f"{base}/auth/language",
        *[option for name in WAPITI_SKIP for option in ("--skip", name)],
        # Depth 1: the start pages, their forms and links, but not the forms of every household and
        # offer they link to (the same forms again, for hours).
        "-m", WAPITI_MODULES, "-d", "1", "--max-links-per-page", "20",
        "--max-scan-time", "180", "--max-attack-time", attack_seconds, "-S", "normal", "-t", "30",
        "-f", "json", "-o", str(folder / "report.json"), "--store-session", str(folder / "session"),
        "--store-config", str(folder / "config"), "--flush-session", "-v", "1", "--no-bugreport",
    ]
    for seed in seeds:
        command += ["-s", base + seed]
    log(f"wapiti as {role}: {len(seeds)} start pages, modules {WAPITI_MODULES}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)  # noqa: S603
    output = result.stdout + result.stderr
    (folder / "wapiti.out").write_text(output, encoding="utf-8")
    if result.returncode != 0 or not (folder / "report.json").exists():
        tail = " | ".join(output.strip().splitlines()[-3:])
        report.errors.append(f"wapiti as {role} failed (exit {result.returncode}): {tail}")
        return
    crawled = crawled_urls(folder / "session")
    missing = [path for path in must_crawl if base + path not in crawled]
    if missing:
        report.errors.append(f"wapiti as {role} never reached {', '.join(missing)}: not logged in?")
    stopped = sorted(set(re.findall(r"Max attack time was reached for module (\w+)", output)))
    found = re.search(r"Wapiti found (\d+) URLs and forms", output)
    report.notes.append(
        f"wapiti as {role}: {found.group(1) if found else '?'} URLs and forms"
        + (f"; time limit cut short: {', '.join(stopped)}" if stopped else "")
    )
    report.findings.extend(wapiti_findings(role, json.loads((folder / "report.json").read_text(encoding="utf-8"))))
    if cookie and not logged_in(base, cookie):
        report.errors.append(f"the {role} session was lost during its wapiti scan: its results are not trustworthy")


def crawled_urls(session_folder: Path) -> set[str]:
    """The URLs wapiti's crawler fetched (from its session database)."""
    urls: set[str] = set()
    for database in session_folder.glob("*.db"):
        with sqlite3.connect(database) as connection:
            urls.update(row[0] for row in connection.execute("SELECT path FROM paths"))
    return urls


def wapiti_findings(role: str, data: dict) -> list[Finding]:
    """Vulnerabilities and anomalies (a 500, a timeout) of a wapiti JSON report, with our severity."""
    findings = []
    for section in ("vulnerabilities", "anomalies"):
        for category, items in (data.get(section) or {}).items():
            for item in items:
                severity = WAPITI_LEVELS.get(int(item.get("level") or 0), "info")
                floor = WAPITI_FLOORS.get(category)
                if floor and SEVERITIES.index(floor) > SEVERITIES.index(severity):
                    severity = floor
                where = f"{item.get('method', 'GET')} {item.get('path', '')}"
                if item.get("parameter"):
                    where += f" [{item['parameter']}]"
                info = " ".join(str(item.get("info", "")).split())
                findings.append(Finding("wapiti", role, f"{category}: {info}"[:140], severity, where,
                                        item.get("curl_command", "")))
    return findings


# --- Summary -----------------------------------------------------------------------------------


def print_summary(report: Report) -> None:
    """The findings table, worst first, then what limited the scan."""
    rows = sorted(report.findings, key=lambda f: (-SEVERITIES.index(f.severity), f.tool, f.finding, f.url))
    # The same header missing on every page is one finding, not fifty.
    unique: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in rows:
        unique.setdefault((finding.tool, finding.finding, finding.severity), []).append(finding)
    print()
    print(f"{'tool':<7} {'severity':<9} {'role':<11} {'finding':<70} url")
    print("-" * 140)
    for (tool, text, severity), group in unique.items():
        first = group[0]
        more = f" (+{len(group) - 1} more)" if len(group) > 1 else ""
        print(f"{tool:<7} {severity:<9} {first.role:<11} {text:<70} {first.url}{more}")
    if not unique:
        print("(no findings)")
    print()
    for note in report.notes:
        print(f"note: {note}")
    for error in report.errors:
        print(f"ERROR: {error}")


def main() -> int:
    """Build, serve, log in, scan, report, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="matchmaker-scan-"))
    server = None
    report = Report()
    started = time.monotonic()
    only = os.environ.get("SCAN_ONLY", "")
    try:
        password = "scan-" + secrets.token_urlsafe(9)
        env = app_env(workdir)
        build_database(workdir, env, password)
        port = free_port()
        server = start_server(workdir, env, port)
        base = f"http://{HOST}:{port}"
        log(f"app on {base}, work folder {workdir}")
        browsers = {role: log_in(base, email, password) for role, email in ACCOUNTS.items()}
        if only in ("", "sqlmap"):
            sqlmap_scan(base, browsers, workdir, report)
        if only in ("", "wapiti"):
            plan = wapiti_plan(browsers)
            # The coordinator can suspend organizations and disable accounts: her scan comes after
            # the others, and the anonymous one (which trips the login throttle) comes last.
            roles = os.environ.get("SCAN_WAPITI_ROLES", "facilitator,business,coordinator,anonymous").split(",")
            for role in roles:
                seeds, must_crawl = plan[role]
                cookie = browsers[role].cookie() if role in browsers else ""
                run_wapiti(role, base, cookie, seeds, must_crawl, workdir, report)
        errors_500 = (workdir / "gunicorn.log").read_text(encoding="utf-8", errors="replace").count("Traceback")
        if errors_500:
            report.notes.append(f"the server logged {errors_500} tracebacks (see gunicorn.log with SCAN_KEEP=1)")
    except Exception as error:  # any failure is a failed scan, reported after cleanup
        report.errors.append(f"{type(error).__name__}: {error}")
    finally:
        stop_server(server)
        if os.environ.get("SCAN_KEEP") == "1":
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_summary(report)
    failing = [finding for finding in report.findings if finding.fails]
    minutes = (time.monotonic() - started) / 60
    if failing or report.errors:
        print(f"\nsecurity-scan FAILED after {minutes:.1f} min: {len(failing)} findings of medium severity or above, "
              f"{len(report.errors)} errors.")
        return 1
    print(f"\nsecurity-scan passed after {minutes:.1f} min: no finding of medium severity or above.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
