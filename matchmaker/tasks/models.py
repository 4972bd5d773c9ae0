"""The job table: one row per request for background work, and its outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class JobStatus:
    """Where a job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"  # failed at least once, waiting for its next try
    DONE = "done"
    FAILED = "failed"  # failed on its last try: shown to the admin
    RUNNABLE = (QUEUED, RETRYING)
    FINISHED = (DONE, FAILED)


class Job(db.Model):
    """A piece of background work that someone (or the schedule) asked for.

    ``key`` is unique: the same request (an upload's once-only token, a schedule's day) maps to
    one row, so a repeated request finds the job it already made and the worker runs it once.
    ``error`` holds the exception's class and message, never the task's arguments (they may be
    personal data); ``result`` is what the page needs to show the outcome.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=4)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(40), default="")
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    @property
    def percent(self) -> int:
        """How far along the job is, 0 to 100."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return max(0, min(100, round(100 * self.progress / self.total)))
