"""``/api/v1/jobs``: background work the caller asked for (a large import), as its page shows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, url_for
from flask_login import current_user
from flask_smorest import Blueprint

from ...households.messages import message
from ...tasks import services as task_services
from ...tasks.models import JobStatus
from .core import problem, protect
from .schemas_imports import JobSchema

blp = protect(Blueprint(
    "api_v1_jobs", __name__, url_prefix="/api/v1/jobs",
    description="Background work you asked for: its progress, then where its result is.",
))

# Results that are an API resource: the job's result endpoint (a page) and the API's for it.
RESULT_RESOURCES = {"households.import_preview": ("api_v1_imports.get_import", {"batch_id": "import_id"})}


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value else None


def representation(job) -> dict[str, Any]:
    """A job as the API tells it: its state, progress and (once done) its result's resource or refusal."""
    result = job.result or {}
    result_url = refusal = None
    if job.status == JobStatus.DONE and "refused" in result:
        refusal = {"file": [message(result["refused"], **result.get("params", {}))]}
    elif job.status == JobStatus.DONE and result.get("endpoint") in RESULT_RESOURCES:
        endpoint, names = RESULT_RESOURCES[result["endpoint"]]
        result_url = url_for(endpoint, **{names[key]: value for key, value in result.get("values", {}).items()
                                          if key in names})
    return {
        "id": job.id, "kind": job.name, "status": job.status, "progress": job.percent,
        "attempts": job.attempts, "max_attempts": job.max_attempts,
        "result_url": result_url, "refusal": refusal,
        "created_at": _utc(job.created_at), "finished_at": _utc(job.finished_at),
    }


def job_answer(job, status: int = 200):
    """The job, with its address in ``Location`` when it was just made."""
    headers = {"Location": url_for("api_v1_jobs.get_job", job_id=job.id)} if status == 202 else {}
    return representation(job), status, headers


@blp.route("/<int:job_id>", methods=["GET"])
@blp.response(200, JobSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def get_job(job_id: int):
    """A job you asked for: `status` and `progress` while it runs, then `result_url` (or `refusal`)."""
    job = task_services.visible_job(current_user, job_id)
    if job is None:
        raise problem(404)
    g.api_target = ("job", job.id)
    return job_answer(job)
