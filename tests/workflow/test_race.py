"""Places are never over-filled: parallel starts on an offer's last place, on SQLite and PostgreSQL.

On SQLite the database is a file (an in-memory one would serialise everything through one
connection and prove nothing); on PostgreSQL (``MATCHMAKER_TEST_BACKEND=postgresql``) it is the
test database. Each request runs in its own thread, client, application context and connection.
"""

from __future__ import annotations

import threading
import time

from flask import Flask

from matchmaker.extensions import db
from matchmaker.models import Match, MatchEvent, MatchStatus, Role
from tests.conftest import BACKEND, log_in, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

from .conftest import World, make_match

RACERS = 8


def _world() -> World:
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization()
    partner = make_user(Role.BUSINESS, organization=organization)
    household = make_household(facilitator, **SEWER)
    offer = make_offer(organization, places=3)
    return World(facilitator, make_user(Role.COORDINATOR), household, organization, partner, offer,
                 facilitator, facilitator, partner)


def _fire(app: Flask, user, urls: list[str], data: dict) -> tuple[list[tuple[int, str]], float]:
    """POST each url from its own thread, all released at once; return (status, body) and the seconds taken."""
    clients = []
    for _url in urls:
        client = app.test_client()
        with app.app_context():
            log_in(client, user)
        clients.append(client)
    barrier = threading.Barrier(len(urls))
    results: list[tuple[int, str] | None] = [None] * len(urls)

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait()
            response = clients[index].post(urls[index], data=data)
            results[index] = (response.status_code, response.get_data(as_text=True))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(urls))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.perf_counter() - started
    assert all(result is not None for result in results), "a request did not finish"
    return results, elapsed  # type: ignore[return-value]


def test_parallel_starts_on_the_last_place_let_exactly_one_through(file_app):
    """Two facilitators confirming at once could both take an offer's last place."""
    world = _world()
    for _ in range(2):
        make_match(world, MatchStatus.STARTED, household=make_household(world.facilitator, **SEWER))
    racers = [make_match(world, MatchStatus.ACCEPTED, household=make_household(world.facilitator, **SEWER))
              for _ in range(RACERS)]
    urls = [f"/matches/{match.id}/start" for match in racers]
    results, elapsed = _fire(file_app, world.facilitator, urls, {"started_on": "2026-11-27"})
    statuses = sorted(status for status, _body in results)
    print(f"\n[{BACKEND}] {RACERS} parallel starts on the last place: {statuses.count(302)} started, "
          f"{statuses.count(409)} refused, in {elapsed:.2f} s")
    assert statuses == [302] + [409] * (RACERS - 1)
    assert all("Kuota sudah penuh" in body for status, body in results if status == 409)
    db.session.expire_all()
    taken = db.session.query(Match).filter(Match.offer_id == world.offer.id,
                                           Match.status.in_(("started", "completed"))).count()
    assert taken == world.offer.places == 3
    assert db.session.query(MatchEvent).filter(MatchEvent.to_status == "started",
                                               MatchEvent.from_status == "accepted").count() == 3


def test_parallel_double_submits_of_one_start_write_one_event(file_app):
    """A double tap on "Start" with a weak signal could write the start twice."""
    world = _world()
    match = make_match(world, MatchStatus.ACCEPTED)
    results, _elapsed = _fire(file_app, world.facilitator, [f"/matches/{match.id}/start"] * 4,
                              {"started_on": "2026-11-27"})
    assert sorted(status for status, _body in results) == [302, 409, 409, 409]
    db.session.expire_all()
    assert db.session.query(MatchEvent).filter(MatchEvent.match_id == match.id,
                                               MatchEvent.to_status == "started").count() == 1
