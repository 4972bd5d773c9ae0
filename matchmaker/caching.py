"""Short-lived caches of per-request work: reference look-ups, navigation counts, dashboard figures.

One Flask-Caching ``SimpleCache`` per app and process (values are pickled, so no ORM object
or session state is ever shared between requests). A cached value names the tables it was
computed from; every commit that wrote one of those tables in this process moves that table's
generation, which is part of the key, so the next request computes afresh. Other processes
(the other gunicorn workers, the task worker) notice a change when the entry's short
lifetime ends. Keys that depend on a user name that user (their id), so one user's figures
are never served to another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

T = TypeVar("T")
cache = Cache()
# How long a value may be served after a change made in another process, in seconds.
SHORT = 30
REFERENCE = 300
_CHANGED = "cache_changed_tables"
_MISSING = object()


def init_cache(app: Flask) -> None:
    """Attach the cache to ``app`` (a ``SimpleCache`` of this process unless configured)."""
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", SHORT)
    app.config.setdefault("CACHE_THRESHOLD", 20_000)
    cache.init_app(app)


def generation(table: str) -> int:
    """How many commits in this process have written ``table`` (0 before the first)."""
    return cache.get(f"generation:{table}") or 0


def remember(key: str, compute: Callable[[], T], *, tables: Iterable[str], timeout: int = SHORT) -> T:
    """``compute()``, or its value cached under ``key`` while none of ``tables`` changed here
    and for at most ``timeout`` seconds."""
    tables = sorted(tables)
    full_key = key + "|" + ",".join(f"{table}:{generation(table)}" for table in tables)
    value = cache.get(full_key)
    if value is None:
        value = (compute(),)
        cache.set(full_key, value, timeout=timeout)
    return value[0]


def tables_changed(tables: Iterable[str]) -> None:
    """Move the generation of ``tables``: values computed from them are not served again here."""
    for table in tables:
        key = f"generation:{table}"
        cache.set(key, (cache.get(key) or 0) + 1, timeout=0)


def _note(session: Session, tables: Iterable[str]) -> None:
    session.info.setdefault(_CHANGED, set()).update(tables)


def _table_names(objects: Iterable[Any]) -> set[str]:
    names = set()
    for obj in objects:
        table = getattr(type(obj), "__tablename__", None)
        if table:
            names.add(table)
    return names


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    _note(session, _table_names([*session.new, *session.dirty, *session.deleted]))


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    # UPDATE / DELETE / INSERT statements run through the session bypass the flush.
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if table is not None and getattr(table, "name", None):
            _note(state.session, [table.name])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if changed and has_app_context() and "cache" in current_app.extensions:
        tables_changed(changed)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)

