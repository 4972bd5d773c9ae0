"""SQL statements per page of the load scenario (issue #15), at two sizes of the load district.

Each page of ``tests/load/locustfile.py`` is requested as the load test's users request it,
on a district of 300 and one of 600 households built by ``flask seed load``; every SQL
statement the request runs is counted. Counts are deterministic: each page must stay within
its budget, and must run the same number of statements at both sizes (a page must not grow
with data it does not show: no query per row, no query per household of the caseload).
"""

from __future__ import annotations

import re
from collections import Counter as Tally
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from matchmaker.demo.load import load_district
from matchmaker.extensions import db
from matchmaker.models import Match, MatchStatus, Offer, OfferStatus, User
from matchmaker.reference.regions import load_regions_subset
from matchmaker.reference.skills import load_skills
from tests.conftest import TEST_DISTRICT, fresh_database_url, make_app

PASSWORD = "uji-beban-test"  # noqa: S105 - a throwaway test district
SIZES = ((300, 60), (600, 120))
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)"')
MATCH_LINK = re.compile(r'href="/matches/(\d+)"')

# The most statements each page may run, warm (after one request of the same page), logged in.
# Before issue #15 (300 / 600 households): log in 15/17, facilitator home 13, business home 6,
# search 4-6 (q and kecamatan 4/6), caseload 8, household 27, inbox 12/14, introduction 16.
BUDGETS = {
    "login form": 0,
    # Her account (read, last login written), then her home page below.
    "log in (+ home page)": 9,
    # Her account and areas, due check-ins (twice: the bell, the list), unmatched and recent households
    # with their desa; the counts come from the short-lived cache.
    "home (facilitator)": 6,
    "home (business)": 5,
    # Her account, the count and one page of ids, the page's offers and their skills.
    "partners.search": 5,
    # Her account, the search index's freshness check (the offer table's count, highest id and
    # latest edit), the ids of the candidates the filters keep, the page's offers and their skills.
    "partners.search q": 5,
    "partners.search q kecamatan": 5,
    "partners.search kind kecamatan": 3,
    # Her account and areas, the count, the page, the page's desa.
    "households.index": 4,
    "households.index q": 4,
    "households.index status": 4,
    # Her page: profile, skills, matches, graduation, history and its home visits (one statement each).
    "households.detail": 16,
    "matches.inbox": 9,
    "matches.detail": 9,
}


class Counter:
    """Counts the statements run on an engine while ``active``."""

    def __init__(self) -> None:
        self.count = 0
        self.active = False

    def __call__(self, *_args: object) -> None:
        if self.active:
            self.count += 1


def _log_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"{email} could not log in"
    return client


def _measure(app: Flask) -> dict[str, int]:
    """Statements per page, each page requested once to warm up and once counted."""
    with app.app_context():
        # The kecamatan with the most published offers, and a word of its newest offer's title:
        # the filtered search finds something at both sizes.
        offers_per_kecamatan = Tally(
            code.rsplit(".", 1)[0] for code in db.session.scalars(
                select(Offer.desa_code).where(Offer.status == OfferStatus.OPEN, Offer.desa_code.is_not(None))
            )
        )
        kecamatan = min(offers_per_kecamatan, key=lambda code: (-offers_per_kecamatan[code], code))
        title = db.session.scalar(
            select(Offer.title).where(Offer.desa_code.startswith(kecamatan + "."), Offer.status == OfferStatus.OPEN)
            .order_by(Offer.created_at.desc(), Offer.id.desc()).limit(1)
        )
        word = max(re.findall(r"[A-Za-z]{4,}", title), key=len).lower()
        business = db.session.scalar(
            select(User.email)
            .join(Offer, Offer.organization_id == User.organization_id)
            .join(Match, Match.offer_id == Offer.id)
            .where(User.email.like("usaha%@load.test"), Match.status != MatchStatus.PROPOSED)
            .order_by(User.id)
            .limit(1)
        )
        engine = db.engine
    assert business, "the load district has no business with introductions"
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        pendamping = _log_in(app, "pendamping1@load.test")
        usaha = _log_in(app, business)
        first_household = int(HOUSEHOLD_LINK.findall(pendamping.get("/households/").get_data(as_text=True))[0])
        first_match = int(MATCH_LINK.findall(usaha.get("/matches/inbox").get_data(as_text=True))[0])
        pages: dict[str, Callable[[], object]] = {
            "login form": lambda: app.test_client().get("/auth/login"),
            "log in (+ home page)": lambda: app.test_client().post(
                "/auth/login", data={"email": "pendamping2@load.test", "password": PASSWORD}, follow_redirects=True
            ),
            "home (facilitator)": lambda: pendamping.get("/home"),
            "home (business)": lambda: usaha.get("/home"),
            "partners.search": lambda: pendamping.get("/partners/search"),
            "partners.search q": lambda: pendamping.get("/partners/search?q=jahit"),
            "partners.search q kecamatan": lambda: pendamping.get(
                f"/partners/search?q={word}&kecamatan={kecamatan}"
            ),
            "partners.search kind kecamatan": lambda: pendamping.get(
                f"/partners/search?kind=job&kecamatan={kecamatan}"
            ),
            "households.index": lambda: pendamping.get("/households/?page=2"),
            "households.index q": lambda: pendamping.get("/households/?q=Siti"),
            "households.index status": lambda: pendamping.get("/households/?status=active"),
            "households.detail": lambda: pendamping.get(f"/households/{first_household}"),
            "matches.inbox": lambda: usaha.get("/matches/inbox"),
            "matches.detail": lambda: usaha.get(f"/matches/{first_match}"),
        }
        counts: dict[str, int] = {}
        for name, request_page in pages.items():
            assert request_page().status_code == 200, name
            counter.count, counter.active = 0, True
            response = request_page()
            counter.active = False
            assert response.status_code == 200, name
            counts[name] = counter.count
        return counts
    finally:
        event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture(scope="module")
def counts(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, int]]:
    """Statements per page on a district of each size (built once for the module)."""
    results: dict[int, dict[str, int]] = {}
    for households, offers in SIZES:
        folder: Path = tmp_path_factory.mktemp(f"district{households}")
        with fresh_database_url(folder, f"qc{households}") as url:
            app = make_app(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
            with app.app_context():
                db.create_all()
                load_regions_subset(db.session, [TEST_DISTRICT])
                load_skills(db.session)
                load_district(db.session, households=households, offers=offers, password=PASSWORD)
                db.session.remove()
            try:
                # The test client runs each request in its own context, inside this one (as in the app fixture).
                with app.app_context():
                    results[households] = _measure(app)
            finally:
                with app.app_context():
                    db.session.remove()
                    for engine in db.engines.values():
                        engine.dispose()
    return results


@pytest.mark.parametrize("page", list(BUDGETS))
def test_page_runs_few_statements_whatever_the_district_size(counts, page):
    """A page of the load scenario would slow down as the district grows (a query per row) or waste the server's CPU."""
    small, large = (counts[households][page] for households, _ in SIZES)
    assert small == large, f"{page}: {small} statements at {SIZES[0][0]} households, {large} at {SIZES[1][0]}"
    assert large <= BUDGETS[page], f"{page}: {large} statements, budget {BUDGETS[page]}"
