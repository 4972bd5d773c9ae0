"""The administrator's view of background jobs: failed ones with their error, and the recent ones."""

from __future__ import annotations

from flask import render_template, request

from ..auth.decorators import roles_required
from ..models import Role
from ..tasks import services
from ..tasks.models import JobStatus
from ..tasks.views import STATUS_LABELS
from .views import bp


@bp.route("/jobs")
@roles_required(Role.ADMIN)
def jobs():
    """Background jobs, newest first; ``?status=failed`` lists the failures to look at."""
    status = request.args.get("status") or None
    if status not in STATUS_LABELS:
        status = None
    return render_template(
        "admin/jobs.html", jobs=services.jobs_for_admin(status), status=status, counts=services.status_counts(),
        status_labels=STATUS_LABELS, failed=JobStatus.FAILED,
    )
