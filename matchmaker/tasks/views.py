"""Pages of background jobs: a job's progress and outcome, the export download, asking for an export."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from .. import submissions
from ..auth.decorators import roles_required
from ..models import Role
from . import services
from .jobs import export_dir
from .models import JobStatus

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# How often a waiting page reloads itself (a <meta http-equiv="refresh">: no script needed).
REFRESH_SECONDS = 2

STAGE_LABELS = {
    "checking": _l("Reading and checking every row"),
}
STATUS_LABELS = {
    JobStatus.QUEUED: _l("Waiting"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.RETRYING: _l("Failed, will be tried again"),
    JobStatus.DONE: _l("Done"),
    JobStatus.FAILED: _l("Failed"),
}

# The figures of a finished job's result that its page shows, in the reader's language.
RESULT_LABELS = {
    "rows": _l("Rows checked"),
    "count": _l("Households exported"),
    "proposals": _l("Proposals"),
    "unmatched_households": _l("Households without a match"),
    "offers_considered": _l("Offers considered"),
    "places_available": _l("Free places"),
    "decisions": _l("Decisions learned from"),
    "adopted": _l("New ranking adopted"),
    "changed": _l("Changed since the preview: nothing written"),
    "notified": _l("Reminders sent"),
    "closed": _l("Offers closed"),
}


def result_figures(job) -> list[tuple[str, object]]:
    """The labelled figures of a finished job's result (booleans as Yes/No)."""
    from flask_babel import gettext as _

    figures = []
    for key, text in RESULT_LABELS.items():
        if key in (job.result or {}):
            value = job.result[key]
            figures.append((str(text), (_("Yes") if value else _("No")) if isinstance(value, bool) else value))
    return figures


def refusal(job) -> str | None:
    """Why the importer refused a queued sheet, in the reader's language (as the upload form would say it)."""
    result = job.result or {}
    if job.status != JobStatus.DONE or "refused" not in result:
        return None
    from ..households.messages import message

    return message(result["refused"], **result.get("params", {}))


class ExportForm(submissions.OnceOnlyForm):
    """The button that asks for a caseload export (CSRF and a once-only token)."""


def result_url(job) -> str | None:
    """The page that shows a finished job's result, if it has one."""
    result = job.result or {}
    if "endpoint" in result:
        try:
            return url_for(result["endpoint"], **result.get("values", {}))
        except BuildError:
            return None
    if "file" in result:
        return url_for("jobs.download", job_id=job.id)
    return None


@bp.route("/<int:job_id>")
@login_required
def detail(job_id: int):
    """A job's progress (the page reloads itself until it is done), then its result."""
    job = services.visible_job(current_user, job_id)
    if job is None:
        abort(404)
    target = result_url(job) if job.status == JobStatus.DONE else None
    if target is not None and job.result and "endpoint" in job.result:
        return redirect(target)
    page = render_template(
        "jobs/detail.html", target=target, figures=result_figures(job) if job.status == JobStatus.DONE else [],
        refusal=refusal(job), **progress_context(job),
    )
    return refreshing(current_app.make_response(page), job)


def progress_context(job) -> dict[str, object]:
    """What ``jobs/_progress.html`` (the progress bar and the job's state) needs, for any page that waits on a job."""
    return {"job": job, "refresh": REFRESH_SECONDS, "waiting": job.status not in JobStatus.FINISHED,
            "status_label": STATUS_LABELS.get(job.status, job.status), "stage_label": STAGE_LABELS.get(job.stage, "")}


def refreshing(response, job):
    """``response``, reloading itself while ``job`` is not finished."""
    if job.status not in JobStatus.FINISHED:
        # The browser reloads the page by itself (the Refresh header): the bar moves without any script.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):
    """A finished export, for the user who asked for it only."""
    job = services.visible_job(current_user, job_id)
    if job is None or job.user_id != current_user.id or job.status != JobStatus.DONE or not job.result:
        abort(404)
    name = job.result.get("file", "")
    path = export_dir() / name
    if not name or "/" in name or not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=job.result.get("download_name", "export.xlsx"))


@bp.route("/export/caseload", methods=["POST"])
@roles_required(Role.FACILITATOR, Role.COORDINATOR)
def export_caseload():
    """Ask for the caseload export (with the caseload's filters in the query string) in the background."""
    from ..households.forms import FilterForm

    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    filters = FilterForm(request.args).filters()
    job = services.queue_caseload_export(current_user, filters, request_key=form.submission_token.data)
    current_app.logger.info("caseload export queued as job %s", job.id)
    return redirect(url_for("jobs.detail", job_id=job.id))
