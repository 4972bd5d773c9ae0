"""Locust scenario for ``make load-test``: facilitators search partners and open households,
businesses read their introductions.

Run by ``tests/load/run.py`` (which builds the data and starts the server); by hand::

    LOAD_ACCOUNTS=accounts.json .venv/bin/locust -f tests/load/locustfile.py --host http://127.0.0.1:5150

``LOAD_ACCOUNTS`` is a JSON file ``{"password": ..., "facilitators": [[email, kecamatan], ...],
"businesses": [email, ...]}``. Users log in through the real form (CSRF token read from the
page). Requests are named by page so that the statistics group them. A 503 answer that is
the app's "database unavailable" page is reported as its own failure kind, so the fault
phase can tell it apart from anything else. With ``LOAD_EVENTS`` set, every request is
also appended to that file as a JSON line (time, page, status, ok), for the recovery timeline.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)"')
MATCH_LINK = re.compile(r'href="/matches/(\d+)"')
# The 503 page: "Temporarily unavailable" in Indonesian or English.
DB_DOWN_MARKERS = ("Sementara tidak tersedia", "Temporarily unavailable")
# Only the login page has the password field.
LOGIN_FORM_MARKER = 'autocomplete="current-password"'

# What facilitators type, typos included, as they search for their KPM.
QUERIES = (
    "jahit", "jahitt", "penjahit", "kue", "kue basah", "katering", "warung", "dagang", "sembako", "bumdes",
    "padat karya", "pelatihan", "pelatihan jahit", "ternak", "domba", "lele", "kebun", "sayur", "online",
    "jualan online", "cuci gosok", "laundry", "salon", "kerajinan", "anyaman bambu", "kopi", "homestay",
    "keripik", "sandal", "di rumah", "borongan", "magang", "modal", "koperasi", "kerudung", "bordir",
)
NAMES = ("Siti", "Euis", "Neneng", "Imas", "Yeti", "Lilis", "Rina", "Dewi", "Nur", "Aisyah", "Titin", "Ratna")
OFFER_KINDS = ("job", "apprenticeship", "supplier", "training", "bumdes", "padat_karya", "cooperative")
STATUSES = ("active", "in_progress")

_accounts: dict | None = None
_lock = threading.Lock()
_cycles: dict[str, itertools.cycle] = {}
_events_file = None


def accounts() -> dict:
    """The accounts file named by ``LOAD_ACCOUNTS``, read once."""
    global _accounts
    if _accounts is None:
        path = os.environ.get("LOAD_ACCOUNTS")
        if not path:
            raise RuntimeError("LOAD_ACCOUNTS must name the accounts JSON file (tests/load/run.py writes it)")
        with open(path, encoding="utf-8") as handle:
            _accounts = json.load(handle)
    return _accounts


def next_account(kind: str):
    """Hand out the accounts of ``kind`` in turn, so that concurrent users are different people."""
    with _lock:
        if kind not in _cycles:
            pool = list(accounts()[kind])
            random.Random(kind).shuffle(pool)
            _cycles[kind] = itertools.cycle(pool)
        return next(_cycles[kind])


@events.init.add_listener
def _open_events_log(environment, **_kwargs) -> None:
    global _events_file
    path = os.environ.get("LOAD_EVENTS")
    if path:
        _events_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed at quit


@events.request.add_listener
def _log_request(request_type, name, response_time, response_length, response=None, exception=None, **_kw) -> None:
    if _events_file is None:
        return
    status = getattr(response, "status_code", 0) if response is not None else 0
    line = {"t": time.time(), "name": name, "status": status, "ok": exception is None, "ms": round(response_time)}
    if exception is not None:
        line["error"] = str(exception)[:120]
    with _lock:
        _events_file.write(json.dumps(line) + "\n")
        _events_file.flush()


@events.quitting.add_listener
def _close_events_log(environment, **_kwargs) -> None:
    if _events_file is not None:
        _events_file.close()


class AppUser(FastHttpUser):
    """Shared behaviour: logging in through the form and checking answers.

    FastHttpUser (geventhttpclient) rather than HttpUser: it spends far less CPU per request,
    and the load generator shares the machine with the server.
    """

    abstract = True
    wait_time = between(1, 4)  # reading the page, typing the next search

    def check(self, response, expect: str | None = None) -> bool:
        """Mark the response failed unless it is a 200 page (holding ``expect`` when given)."""
        if response.status_code == 503 and any(marker in response.text for marker in DB_DOWN_MARKERS):
            response.failure("503 database-unavailable page")
            return False
        if response.status_code != 200:
            reason = f"HTTP {response.status_code}"
            if not response.status_code and getattr(response, "error", None) is not None:
                reason = f"no answer ({type(response.error).__name__})"
            response.failure(reason)
            return False
        if self.logged_in and LOGIN_FORM_MARKER in response.text:
            response.failure("sent back to the login page")
            return False
        if expect and expect not in response.text:
            response.failure(f"page without {expect!r}")
            return False
        response.success()
        return True

    logged_in = False

    def log_in(self, email: str) -> None:
        """Log in through the real form, CSRF token included."""
        self.logged_in = False
        with self.client.get("/auth/login", name="login form", catch_response=True) as page:
            if not self.check(page):
                return
            token = CSRF.search(page.text)
        if token is None:
            return
        data = {"email": email, "password": accounts()["password"], "csrf_token": token.group(1)}
        with self.client.post("/auth/login", data=data, name="log in (+ home page)", catch_response=True) as answer:
            if answer.status_code == 200 and LOGIN_FORM_MARKER in answer.text:
                answer.failure("login refused")
                return
            self.logged_in = self.check(answer)

    def ensure_logged_in(self) -> bool:
        """Log in again after a failed login (for example while the database was down)."""
        if not self.logged_in:
            self.log_in(self.email)
        return self.logged_in


class Facilitator(AppUser):
    """A pendamping: searches partners for her KPM, browses and opens her households."""

    weight = 3

    def on_start(self) -> None:
        """Log in as the next facilitator account."""
        self.email, self.kecamatan = next_account("facilitators")
        self.household_ids: list[int] = []
        self.log_in(self.email)

    @task(4)
    def search_partners(self) -> None:
        """The "Find partners" page, with what facilitators really type and pick."""
        if not self.ensure_logged_in():
            return
        roll = random.random()
        if roll < 0.2:
            params = {}  # the page as the menu opens it
        elif roll < 0.55:
            params = {"q": random.choice(QUERIES)}
        elif roll < 0.8:
            params = {"q": random.choice(QUERIES), "kecamatan": self.kecamatan}
        else:
            params = {"kind": random.choice(OFFER_KINDS), "kecamatan": self.kecamatan}
        with self.client.get("/partners/search", params=params, name="partners.search", catch_response=True) as page:
            self.check(page, expect='role="search"')

    @task(2)
    def caseload(self) -> None:
        """Her households: a page of the list, a name search or a status filter."""
        if not self.ensure_logged_in():
            return
        roll = random.random()
        if roll < 0.55:
            params = {"page": random.randint(1, 10)}
        elif roll < 0.85:
            params = {"q": random.choice(NAMES)}
        else:
            params = {"status": random.choice(STATUSES)}
        with self.client.get("/households/", params=params, name="households.index", catch_response=True) as page:
            if self.check(page):
                found = [int(value) for value in HOUSEHOLD_LINK.findall(page.text)]
                self.household_ids = (found + self.household_ids)[:60]

    @task(4)
    def household(self) -> None:
        """One household's page, picked from the lists she has seen."""
        if not self.ensure_logged_in():
            return
        if not self.household_ids:
            self.caseload()
            return
        household_id = random.choice(self.household_ids)
        with self.client.get(f"/households/{household_id}", name="households.detail", catch_response=True) as page:
            self.check(page)


class Business(AppUser):
    """A local business: reads the introductions in its inbox and opens them."""

    weight = 1

    def on_start(self) -> None:
        """Log in as the next business with introductions."""
        self.email = next_account("businesses")
        self.match_ids: list[int] = []
        self.log_in(self.email)

    @task(2)
    def inbox(self) -> None:
        """The inbox of introductions."""
        if not self.ensure_logged_in():
            return
        with self.client.get("/matches/inbox", name="matches.inbox", catch_response=True) as page:
            if self.check(page):
                self.match_ids = [int(value) for value in MATCH_LINK.findall(page.text)]

    @task(3)
    def introduction(self) -> None:
        """One introduction's page."""
        if not self.ensure_logged_in():
            return
        if not self.match_ids:
            self.inbox()
            return
        match_id = random.choice(self.match_ids)
        with self.client.get(f"/matches/{match_id}", name="matches.detail", catch_response=True) as page:
            self.check(page)
