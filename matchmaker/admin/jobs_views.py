"""The administrator's view of background jobs: failed ones with their error, the recent ones, and
the button that retrains the ranker now rather than at the weekly run."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from .. import submissions
from ..auth.decorators import roles_required
from ..models import Role
from ..tasks import services
from ..tasks.models import JobStatus
from ..tasks.views import STATUS_LABELS
from .views import bp


class TrainRankerForm(submissions.OnceOnlyForm):
    """The button that retrains the ranker in the background (CSRF and a once-only token)."""


@bp.route("/jobs")
@roles_required(Role.ADMIN)
def jobs():
    """Background jobs, newest first; ``?status=failed`` lists the failures to look at."""
    status = request.args.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    return render_template(
        "admin/jobs.html", jobs=services.jobs_for_admin(status), status=status, counts=services.status_counts(),
        status_labels=STATUS_LABELS, failed=JobStatus.FAILED, train_form=TrainRankerForm(),
    )


@bp.route("/jobs/train-ranker", methods=["POST"])
@roles_required(Role.ADMIN)
def train_ranker():
    """Queue ``ranker train`` now; a second press of the same form finds the same job."""
    form = TrainRankerForm()
    if not form.validate_on_submit():
        abort(400)
    job = services.queue_ranker_training(current_user, request_key=f"admin:{form.submission_token.data}")
    return redirect(url_for("jobs.detail", job_id=job.id))
