"""A serving worker warms up once as it starts: indexes built, long-lived heap out of the collector's way."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

from matchmaker import warmup
from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.partners import search
from matchmaker.reference import resolver
from tests.conftest import make_organization, make_user
from tests.partners.helpers import TODAY, make_offer


@pytest.fixture
def unfrozen():
    """Undo the freeze and the switch interval that a warm-up leaves in this test process."""
    interval, threshold = sys.getswitchinterval(), gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    sys.setswitchinterval(interval)


def test_warm_up_builds_the_search_documents_and_freezes_the_heap(app, unfrozen):
    """Without the warm-up, each worker's first search (and every full GC pass) would stall its requests."""
    organization = make_organization(name="Konveksi Warmup")
    offer = make_offer(organization, title="Penjahit gamis warmup")
    search._search_cache.documents.clear()
    gc.unfreeze()
    warmup.warm_up(app)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == warmup.YOUNG_THRESHOLD
    assert any(key[0] == offer.id for key in search._search_cache.documents)
    with app.app_context():
        facilitator = make_user(Role.FACILITATOR)
        rows = search.search_offers(facilitator, search.OfferFilters(q="warmup"), TODAY)
    assert [row.offer.id for row in rows] == [offer.id]


def test_region_picker_index_is_built_as_the_worker_starts(app, monkeypatch, unfrozen):
    """The first region search on each worker would wait 1.4-2.1 s for its index."""
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    monkeypatch.setattr(app, "testing", False)
    warmup.start_warm_up(app)
    assert [thread.name for thread in started] == ["worker-warm"]
    resolver._indexes.pop(db.engine, None)
    started[0].run()
    assert db.engine in resolver._indexes


def test_no_warm_up_in_tests_or_commands(app, unfrozen):
    """A test run or a ``flask`` command would start threads reading a database that may have no tables."""
    assert warmup.start_warm_up(app) is None


def test_warm_up_starts_when_serving_and_can_be_switched_off(app, monkeypatch, unfrozen):
    """A worker would serve its first searches cold, or ignore WORKER_WARM=0."""
    monkeypatch.setattr(warmup, "warm_up", lambda _app: None)
    app.testing = False
    try:
        thread = warmup.start_warm_up(app)
        assert thread is not None
        thread.join(5)
        assert sys.getswitchinterval() == pytest.approx(warmup.SWITCH_INTERVAL)
        app.config["WORKER_WARM_ON_START"] = False
        assert warmup.start_warm_up(app) is None
    finally:
        app.testing = True
