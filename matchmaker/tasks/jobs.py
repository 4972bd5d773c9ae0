"""The work done in the background: each task calls the same service as its page or CLI command.

On request: a large household import (:func:`importer.create_import_from_table`, then the usual
preview), a kecamatan's batch proposals (:mod:`matchmaker.matches.allocation`), ``ranker train``
(:func:`matchmaker.matches.learning.train`) and the caseload export
(:func:`matchmaker.households.exporter.export_caseload`). On the worker's clock (UTC, no cron):
``graduation notify-due`` and ``partners close-expired`` daily, the ranker's retraining weekly.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app
from huey import crontab

from .. import clock
from ..extensions import db
from ..models import User
from .queue import JobRun, background, scheduled

# Results name the page that shows them (endpoint and its values): a worker has no request to build URLs in.
EXPORT_KEEP_SECONDS = 24 * 3600


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} no longer exists")
    return user


# On request ---------------------------------------------------------------------------------------


@background("households.import")
def import_households(run: JobRun, facilitator_id: int, content: bytes, filename: str,
                      update_existing: bool) -> dict[str, Any]:
    """Read and check a large sheet and keep its preview: :func:`importer.create_import`, as for a small one.

    A file the importer refuses is an answer, not a failure: it is not tried again, and the
    job's page shows the importer's message.
    """
    from ..households import importer

    facilitator = _user(facilitator_id)
    run.report(1, 2, "checking")
    try:
        batch = importer.create_import(facilitator, content, filename, update_existing=update_existing)
    except importer.ImportFileError as error:
        return {"refused": error.code, "params": dict(error.params)}
    return {"endpoint": "households.import_preview", "values": {"batch_id": batch.id},
            "rows": len(batch.preview.get("rows", []))}


@background("matches.plan_batch")
def plan_batch_proposals(run: JobRun, kecamatan_code: str, lang: str) -> dict[str, Any]:
    """Compute a kecamatan's batch proposals without writing them: the figures and the fingerprint."""
    from ..matches.allocation import plan_batch

    plan = plan_batch(kecamatan_code, lang=lang)
    return {
        "kecamatan": plan.kecamatan_code,
        "fingerprint": plan.fingerprint,
        "proposals": len(plan.assignments),
        "unmatched_households": plan.unmatched_households,
        "offers_considered": plan.offers_considered,
        "places_available": plan.places_available,
        "total_score": plan.total_score,
        "pairs": [[a.household.id, a.offer.id, round(a.score, 6), a.position, list(a.reasons)]
                  for a in plan.assignments],
    }


@background("matches.apply_batch")
def apply_batch_proposals(run: JobRun, actor_id: int, kecamatan_code: str, fingerprint: str | None,
                          lang: str, only: list[str] | None = None) -> dict[str, Any]:
    """Write a kecamatan's batch proposals (``only`` the ticked pairs, if given); a plan that changed
    since its preview is reported, not written."""
    from ..matches.allocation import PlanChanged, apply_batch

    try:
        plan = apply_batch(_user(actor_id), kecamatan_code, fingerprint, lang=lang, only=only)
    except PlanChanged as changed:
        return {"kecamatan": kecamatan_code, "changed": True, "fingerprint": changed.plan.fingerprint,
                "proposals": 0}
    return {"kecamatan": kecamatan_code, "changed": False, "fingerprint": plan.fingerprint,
            "proposals": len(plan.assignments)}


def _train(min_decisions: int | None) -> dict[str, Any]:
    """What ``flask ranker train`` does: train, then make the ranking index rebuild with the result."""
    from ..matches.learning import MIN_DECISIONS, train
    from ..matches.ranking import get_index

    # The same model path as the CLI command.
    path = current_app.config.get("RANKER_MODEL_PATH") or str(Path(current_app.instance_path) / "ranker-model.pkl")
    report = train(Path(path), min_decisions=MIN_DECISIONS if min_decisions is None else min_decisions)
    get_index().invalidate()
    return {"decisions": report.n_decisions, "adopted": report.adopted, "reason": report.reason,
            "rule_accuracy": report.rule_accuracy, "model_accuracy": report.model_accuracy}


@background("ranker.train", max_attempts=2)
def train_ranker(run: JobRun, min_decisions: int | None = None) -> dict[str, Any]:
    """``ranker train`` on request."""
    return _train(min_decisions)


def export_dir() -> Path:
    """Where finished exports wait for their download (a day at most: they hold personal data)."""
    return Path(current_app.config.get("TASK_EXPORT_DIR") or Path(current_app.instance_path) / "exports")


def purge_exports(now: float | None = None) -> int:
    """Delete exports older than a day; returns how many."""
    folder = export_dir()
    if not folder.is_dir():
        return 0
    limit = (now or time.time()) - EXPORT_KEEP_SECONDS
    removed = 0
    for path in folder.glob("*.xlsx"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@background("households.export")
def export_caseload(run: JobRun, user_id: int, filters: dict[str, str]) -> dict[str, Any]:
    """The caseload export (audited by the exporter), written to a file that only its owner may download."""
    from ..households.exporter import export_caseload as write_caseload
    from ..households.services import CaseloadFilters

    content, count = write_caseload(_user(user_id), CaseloadFilters(**filters))
    purge_exports()
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{run.job.id}-{secrets.token_hex(8)}.xlsx"
    (folder / name).write_bytes(content)
    return {"file": name, "count": count, "download_name": f"kpm-{clock.today():%Y%m%d}.xlsx"}


# On the clock (UTC) ---------------------------------------------------------------------------------


def _day(at: dt.datetime) -> str:
    return at.date().isoformat()


def _week(at: dt.datetime) -> str:
    year, week, _weekday = at.isocalendar()
    return f"{year}-W{week:02d}"


# 23:00 UTC is 06:00 in Jakarta: the bell is right when the facilitators start their day.
@scheduled("graduation.notify_due", crontab(minute="0", hour="23"), _day)
def notify_due(run: JobRun) -> dict[str, Any]:
    """``flask graduation notify-due``, daily."""
    from ..graduation import services

    return {"notified": services.notify_due()}


# 17:05 UTC is 00:05 in Jakarta: offers whose end date was yesterday close just after midnight.
@scheduled("partners.close_expired", crontab(minute="5", hour="17"), _day)
def close_expired(run: JobRun) -> dict[str, Any]:
    """``flask partners close-expired``, daily."""
    from ..partners import services

    return {"closed": services.close_expired_offers()}


# Sunday 19:00 UTC is Monday 02:00 in Jakarta, when nobody is deciding on proposals.
@scheduled("ranker.retrain", crontab(minute="0", hour="19", day_of_week="0"), _week)
def retrain_ranker(run: JobRun) -> dict[str, Any]:
    """``flask ranker train``, weekly."""
    return _train(None)
