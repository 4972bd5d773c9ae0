"""What a serving worker does once as it starts, so that requests do not pay for it.

Each gunicorn worker builds, in a background thread, the region picker's index and the partner
search's documents (otherwise the first search on the worker builds them, taking seconds), then
settles its heap: everything alive then (the app, the reference data, those indexes) lives as
long as the process, so it is moved out of the garbage collector's view with :func:`gc.freeze`.
Before that, each full collection walked those millions of objects and held the interpreter
for 350-480 ms, every few seconds under load, stalling the worker's every thread (measured
with ``gc.callbacks`` during ``make load-test LOAD_USERS=100``).

The switch interval is shortened for the same reason: a request waiting on the database gives
up the interpreter, and with the default 5 ms it waits that long to get it back from a thread
that is computing, once per query.

Nothing of this runs in tests or under a ``flask`` command (the database may not have its
tables yet); ``WORKER_WARM=0`` turns it off.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading

import click
from flask import Flask

# Seconds a thread computing keeps the interpreter before a waiting thread gets it (default 0.005).
SWITCH_INTERVAL = 0.0005
# Allocations between young collections once the heap is frozen (default 700): a request makes
# tens of thousands of short-lived objects, and with nothing old left to weigh against them,
# every tenth of every tenth young collection was a full one, twenty times a minute.
YOUNG_THRESHOLD = 10_000

logger = logging.getLogger(__name__)


def _enabled_by_environment() -> bool:
    return os.environ.get("WORKER_WARM", "1").strip().lower() in ("1", "true", "yes", "")


def start_warm_up(app: Flask) -> threading.Thread | None:
    """Warm ``app``'s worker in a background thread when it is serving; return the thread."""
    app.config.setdefault("WORKER_WARM_ON_START", _enabled_by_environment())
    serving = not app.testing and click.get_current_context(silent=True) is None
    if not (serving and app.config["WORKER_WARM_ON_START"]):
        return None
    sys.setswitchinterval(SWITCH_INTERVAL)
    thread = threading.Thread(target=warm_up, args=(app,), name="worker-warm", daemon=True)
    thread.start()
    return thread


def warm_up(app: Flask) -> None:
    """Build the region picker's index and the search documents, then settle the heap."""
    from .extensions import db
    from .models import RegionLevel
    from .partners.search import warm_search_documents
    from .reference import resolver

    with app.app_context():
        for name, build in (
            # The villages (every form's picker) and all levels (the API's default).
            ("region picker", lambda: resolver.warm_up((RegionLevel.VILLAGE, None))),
            ("partner search", warm_search_documents),
        ):
            try:
                build()
            except Exception as exc:  # the first request builds it instead, and shows any error
                logger.warning("%s not warmed: %s", name, type(exc).__name__)
            finally:
                db.session.remove()
    settle_heap()


def settle_heap() -> None:
    """Collect once, keep every object alive now out of later collections, collect less often."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
