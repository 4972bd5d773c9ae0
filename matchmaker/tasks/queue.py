"""The task queue (Huey), its storage, and the job records around every task.

Storage is chosen by one setting, ``TASK_QUEUE_URL``: empty (the default) keeps the queue in a
SQLite file in ``instance/`` (``make run`` needs nothing else); ``redis://host:port/db`` puts it
in Redis (production); ``sqlite:////path/file`` names another SQLite file. The test suite (and
``TASK_QUEUE_IMMEDIATE=1``) runs every task in-process at once, Huey's immediate mode.

Each task is declared with :func:`background` (run on request) or :func:`scheduled` (run by the
worker's clock, no cron). Around the task's own function this module keeps a :class:`Job` row:

- one row per request key (unique), so the same request enqueued twice runs once;
- the worker claims a row before running it; a row already running or finished is not run again;
- a failure is retried with growing delays (``TASK_RETRY_SECONDS``, times 4 each try) up to the
  job's ``max_attempts``, then recorded as failed with its error for the admin's jobs page;
- every task runs inside an application context of the app that configured the queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.exceptions import RetryTask
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User, utcnow
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

QUEUE_NAME = "matchmaker"
DEFAULT_MAX_ATTEMPTS = 4
DEFAULT_RETRY_SECONDS = 30
ERROR_LIMIT = 2000

# Created in immediate mode (in memory, nothing touched on import); init_tasks() sets the real storage.
# results=False: outcomes live in the job table, so the queue's store keeps no result per task.
huey = Huey(QUEUE_NAME, immediate=True, utc=True, results=False)
_state: dict[str, Any] = {"app": None}


def storage_for(url: str, instance_path: str) -> tuple[type, dict[str, Any]]:
    """The Huey storage class and its arguments for ``TASK_QUEUE_URL``."""
    url = (url or "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url[len("sqlite:///"):]}
    if url:
        raise ValueError("TASK_QUEUE_URL must start with redis://, rediss://, unix:// or sqlite:///")
    return SqliteStorage, {"filename": os.path.join(instance_path, "tasks.sqlite3")}


def configure(url: str, *, immediate: bool, instance_path: str) -> None:
    """Point the queue at its storage; ``immediate`` runs tasks in-process as they are enqueued."""
    storage_class, kwargs = storage_for(url, instance_path)
    huey.storage_class = storage_class
    huey.storage_kwargs = kwargs
    huey._immediate = immediate
    huey.storage = MemoryStorage(QUEUE_NAME) if immediate else storage_class(QUEUE_NAME, **kwargs)


def bind_app(app: Flask) -> None:
    """Tasks run inside an application context of ``app``."""
    _state["app"] = app


@contextmanager
def app_context():
    """The bound app's context, or the current one when a task runs in-process inside it."""
    if has_app_context():
        yield
        return
    app = _state["app"]
    if app is None:
        raise RuntimeError("the task queue has no app: call matchmaker.tasks.init_tasks(app) first")
    with app.app_context():
        yield


@dataclass
class JobRun:
    """What a task's function gets first: its job row, and a way to report progress."""

    job: Job

    def report(self, done: int, total: int, stage: str = "") -> None:
        """Record progress and commit it, for the progress page.

        Commits the session: call it only where the task has nothing of its own pending.
        """
        self.job.progress, self.job.total, self.job.stage = done, total, stage[:40]
        db.session.commit()


def retry_delay(attempt: int) -> int:
    """Seconds to wait after failed try number ``attempt`` (1-based): the base, times 4 each try."""
    base = int(current_app.config.get("TASK_RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
    return base * 4 ** (attempt - 1)


def describe(error: BaseException) -> str:
    """An error as the admin sees it: its class and message, bounded."""
    text = f"{type(error).__name__}: {error}".strip()
    return text[:ERROR_LIMIT]


def _claim(job_id: int) -> Job | None:
    """Mark the job running (one more try) unless it is running or finished already; commits."""
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(JobStatus.RUNNABLE))
        .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, started_at=utcnow(), next_try_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    return job


def _execute(job_id: int, func: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Run ``func`` for the job once, recording its outcome; raise RetryTask to try again later."""
    job = _claim(job_id)
    if job is None:
        logger.info("job %s is not waiting to run: not run again", job_id)
        return None
    try:
        result = func(JobRun(job), *args)
    except Exception as error:
        db.session.rollback()
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        job.error = describe(error)
        if job.attempts < job.max_attempts:
            delay = retry_delay(job.attempts)
            job.status, job.next_try_at = JobStatus.RETRYING, utcnow() + dt.timedelta(seconds=delay)
            db.session.commit()
            logger.warning("job %s (%s) failed on try %d, retried in %d s", job.id, job.name, job.attempts, delay)
            raise RetryTask(delay=delay) from error
        job.status, job.finished_at = JobStatus.FAILED, utcnow()
        db.session.commit()
        logger.error("job %s (%s) failed on its last try (%d)", job.id, job.name, job.attempts)
        raise
    job.status, job.finished_at, job.error = JobStatus.DONE, utcnow(), None
    job.result = result if isinstance(result, dict) else None
    job.progress = job.total
    db.session.commit()
    return None


class BackgroundTask:
    """A task run on request: :meth:`enqueue` records the job and queues it once per key."""

    def __init__(self, name: str, func: Callable[..., Any], max_attempts: int) -> None:
        self.name, self.func, self.max_attempts = name, func, max_attempts

        def run(job_id: int, *args: Any) -> None:
            with app_context():
                _execute(job_id, func, args)

        run.__name__ = name
        self.task = huey.task(name=name)(run)

    def enqueue(self, key: str, *args: Any, user: User | None = None) -> tuple[Job, bool]:
        """Queue the task for request ``key``; commits.

        Returns the job and whether it is new: a key seen before returns its earlier job and
        queues nothing. Arguments must be picklable; ``user`` is who may watch the job.
        """
        key = f"{self.name}:{key}"[:160]
        existing = db.session.scalar(select(Job).where(Job.key == key))
        if existing is not None:
            return existing, False
        job = Job(key=key, name=self.name, user_id=user.id if user is not None else None,
                  max_attempts=self.max_attempts, status=JobStatus.QUEUED)
        db.session.add(job)
        try:
            db.session.commit()
        except IntegrityError:
            # A concurrent twin of this request committed the key first.
            db.session.rollback()
            return db.session.scalar(select(Job).where(Job.key == key)), False
        job_id = job.id
        try:
            self.task(job_id, *args)
        except Exception as error:
            db.session.rollback()
            job = db.session.get(Job, job_id)
            job.status, job.error, job.finished_at = JobStatus.FAILED, describe(error), utcnow()
            db.session.commit()
            raise
        job = db.session.get(Job, job_id)
        db.session.refresh(job)
        return job, True


def background(name: str, *,
               max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Callable[[Callable[..., Any]], BackgroundTask]:
    """Declare a task run on request; its function takes a :class:`JobRun` and picklable arguments."""

    def decorator(func: Callable[..., Any]) -> BackgroundTask:
        task = BackgroundTask(name, func, max_attempts)
        REGISTRY[name] = task
        return task

    return decorator


@dataclass
class ScheduledTask:
    """A task the worker's clock runs: ``schedule`` says when, ``period`` names one run (its job key)."""

    name: str
    func: Callable[..., Any]
    schedule: Callable[[dt.datetime], bool]
    period: Callable[[dt.datetime], str]
    task: Any = None

    def run_now(self, at: dt.datetime | None = None) -> Job:
        """Run (or, if this period's run already happened, skip) this period's job; returns it."""
        key = f"{self.name}:{self.period(at or utcnow())}"
        job = db.session.scalar(select(Job).where(Job.key == key))
        if job is None:
            job = Job(key=key, name=self.name, status=JobStatus.QUEUED, max_attempts=DEFAULT_MAX_ATTEMPTS)
            db.session.add(job)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                job = db.session.scalar(select(Job).where(Job.key == key))
        _execute(job.id, self.func, ())
        return db.session.get(Job, job.id)


def scheduled(name: str, schedule: Callable[[dt.datetime], bool],
              period: Callable[[dt.datetime], str]) -> Callable[[Callable[..., Any]], ScheduledTask]:
    """Declare a periodic task (Huey's scheduler enqueues it when ``schedule`` matches the minute)."""

    def decorator(func: Callable[..., Any]) -> ScheduledTask:
        entry = ScheduledTask(name, func, schedule, period)

        def run() -> None:
            with app_context():
                entry.run_now()

        run.__name__ = name
        entry.task = huey.periodic_task(schedule, name=name)(run)
        SCHEDULE[name] = entry
        return entry

    return decorator


REGISTRY: dict[str, BackgroundTask] = {}
SCHEDULE: dict[str, ScheduledTask] = {}


def run_due(at: dt.datetime | None = None) -> int:
    """Run the queued retries due by ``at`` (UTC) in this process; returns how many ran.

    For immediate mode (tests, ``TASK_QUEUE_IMMEDIATE``): the worker does this by itself.
    """
    at = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    tasks = huey.read_schedule(at)
    for task in tasks:
        huey.execute(task, timestamp=at)
    return len(tasks)
