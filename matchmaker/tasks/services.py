"""Asking for background work and reading its state: what pages, the API and the CLI call.

Each ``queue_*`` function takes a ``request_key``: the same key (a form's once-only token, an
upload's token) returns the job already made for it and queues nothing, so a double tap or a
repeated request runs the work once. Each returns the :class:`Job`; the job's page
(``url_for("jobs.detail", job_id=job.id)``) shows its progress and then where its result is.
"""

from __future__ import annotations

import dataclasses
import secrets

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from . import jobs
from .models import Job, JobStatus

DEFAULT_IMPORT_QUEUE_ROWS = 300
DEFAULT_EXPORT_QUEUE_ROWS = 1000


def new_request_key() -> str:
    """A key for a request that carries none of its own (a script): it is never deduplicated."""
    return secrets.token_urlsafe(24)


def import_threshold() -> int:
    """Sheets with more data rows than this are checked in the background (``IMPORT_QUEUE_ROWS``)."""
    return int(current_app.config.get("IMPORT_QUEUE_ROWS", DEFAULT_IMPORT_QUEUE_ROWS))


def export_threshold() -> int:
    """Caseload exports of more households than this are written in the background (``EXPORT_QUEUE_ROWS``)."""
    return int(current_app.config.get("EXPORT_QUEUE_ROWS", DEFAULT_EXPORT_QUEUE_ROWS))


def sheet_rows_over(content: bytes, filename: str, limit: int) -> bool:
    """Whether an upload has more than ``limit`` filled rows below a header, reading no further than that.

    Quick whatever the sheet's size (it stops at ``limit``); a file the reader refuses counts as
    small, so that the upload form explains the refusal at once.
    """
    from contextlib import closing

    from ..households import importer
    from ..households.sheet_reader import SheetRefused, read_rows

    extension = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if extension not in ("xlsx", "csv") or len(content) > importer.MAX_BYTES:
        return False
    filled = 0
    try:
        # An instructions sheet may come first: count on through the sheets.
        for sheet in range(MAX_SHEETS_COUNTED):
            with closing(read_rows(content, extension, importer.SHEET_LIMITS, sheet)) as rows:
                for _number, cells in rows:
                    if any(cell not in (None, "") for cell in cells):
                        filled += 1
                        if filled > limit + 1:  # one of them is the header row
                            return True
            if extension == "csv":
                break
    except SheetRefused:
        pass
    return False


MAX_SHEETS_COUNTED = 10


def queue_import(facilitator: User, content: bytes, filename: str, *, update_existing: bool, request_key: str) -> Job:
    """Read and check an upload in the background; its result leads to the usual preview."""
    job, _new = jobs.import_households.enqueue(
        f"{facilitator.id}:{request_key}", facilitator.id, content, filename, update_existing, user=facilitator,
    )
    return job


def submit_import(facilitator: User, content: bytes, filename: str, *, update_existing: bool,
                  request_key: str) -> tuple[object | None, Job | None]:
    """What an upload does, from the page or the API: ``(kept upload, None)`` for a sheet read and
    checked at once, ``(None, job)`` for one over :func:`import_threshold` rows, checked by the worker.

    Raises :class:`importer.ImportFileError` (too large, wrong type, unreadable …) for a small
    sheet; a large one refused by the importer ends as the job's refusal.
    """
    from ..households import importer

    if sheet_rows_over(content, filename, import_threshold()):
        return None, queue_import(facilitator, content, filename, update_existing=update_existing,
                                  request_key=request_key)
    return importer.create_import(facilitator, content, filename, update_existing=update_existing), None


def queue_batch_plan(actor: User, kecamatan_code: str, *, lang: str, request_key: str) -> Job:
    """Compute a kecamatan's batch proposals in the background (nothing written).

    The job's ``result`` holds ``fingerprint``, ``proposals``, ``unmatched_households``,
    ``offers_considered``, ``places_available``, ``total_score`` and ``pairs`` (household id, offer id,
    score, position, reasons in ``lang``); confirm with :func:`queue_batch_apply` and that fingerprint.
    """
    job, _new = jobs.plan_batch_proposals.enqueue(f"{actor.id}:{request_key}", kecamatan_code, lang, user=actor)
    return job


def queue_batch_apply(actor: User, kecamatan_code: str, fingerprint: str | None, *, lang: str,
                      request_key: str, only: list[str] | None = None) -> Job:
    """Write a kecamatan's batch proposals in the background (``allocation.apply_batch``), ``only``
    the pairs named (``household:offer``) when given.

    The job's ``result`` has ``proposals`` (how many were written) and ``changed`` (true when the
    plan is no longer the previewed one: nothing was written, ``fingerprint`` is the new plan's).
    """
    job, _new = jobs.apply_batch_proposals.enqueue(
        f"{actor.id}:{request_key}", actor.id, kecamatan_code, fingerprint, lang,
        list(only) if only is not None else None, user=actor,
    )
    return job


def queue_ranker_training(actor: User | None, *, request_key: str, min_decisions: int | None = None) -> Job:
    """``ranker train`` in the background; the result has the decisions counted and whether the model was adopted."""
    job, _new = jobs.train_ranker.enqueue(request_key, min_decisions, user=actor)
    return job


def queue_caseload_export(user: User, filters, *, request_key: str) -> Job:
    """The caseload export in the background; its owner downloads the file from the job's page."""
    job, _new = jobs.export_caseload.enqueue(
        f"{user.id}:{request_key}", user.id, dataclasses.asdict(filters), user=user
    )
    return job


def own_job(user: User, job_id: int, name: str) -> Job | None:
    """The job ``name`` that ``user`` herself asked for, or None (a page that shows its result uses this)."""
    job = db.session.get(Job, job_id) if 0 < job_id <= MAX_JOB_ID else None
    if job is None or job.user_id != user.id or job.name != name:
        return None
    return job


MAX_JOB_ID = 2**31 - 1  # ids are INTEGER columns: past this no row exists, and PostgreSQL would refuse to compare


def visible_job(user: User, job_id: int) -> Job | None:
    """The job if ``user`` asked for it (or is an admin), else None."""
    job = db.session.get(Job, job_id) if 0 < job_id <= MAX_JOB_ID else None
    if job is None:
        return None
    if job.user_id == user.id or user.role == Role.ADMIN:
        return job
    return None


def jobs_for_admin(status: str | None, limit: int = 100) -> list[Job]:
    """The most recent jobs, newest first, of one status or all; failed ones first when all are shown."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
    if status:
        query = query.where(Job.status == status)
    return list(db.session.scalars(query))


def status_counts() -> dict[str, int]:
    """How many jobs are in each status."""
    from sqlalchemy import func

    counts = dict(db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    return {status: int(counts.get(status, 0)) for status in
            (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING, JobStatus.DONE, JobStatus.FAILED)}
