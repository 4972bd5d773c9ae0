"""Match pages: the coordinator's batch proposals for a kecamatan."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.decorators import roles_required
from ..households.nik import mask_nik
from ..i18n import current_language
from ..models import Role
from ..pagination import clamp_page, page_arg, page_count, page_slice
from ..reference.choices import kecamatan_choices
from ..scoping import code_within
from ..tasks import services as task_services
from ..tasks.models import JobStatus
from ..tasks.views import progress_context, refreshing
from .allocation import PlannedBatch
from .forms import ChooseKecamatanForm, ConfirmBatchForm

bp = Blueprint("matches", __name__, url_prefix="/matches")

MANAGERS = (Role.COORDINATOR, Role.ADMIN)
# Proposals per page of the preview: the confirm buttons above and below stay within a thumb's reach.
BATCH_PAGE_SIZE = 20


def _allowed_kecamatan() -> list[tuple[str, str]]:
    """The kecamatan of the home district inside the coordinator's area (all of them for the admin)."""
    choices = kecamatan_choices()
    if current_user.role == Role.ADMIN:
        return choices
    areas = current_user.area_codes
    return [(code, name) for code, name in choices if code_within(code, areas)]


@bp.route("/batch", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def batch():
    """Choose a kecamatan; the plan is computed on the task queue (the page shows its progress), then
    previewed; the confirmation is written on the queue too, and the new preview follows.

    ``?kecamatan=`` asks for a plan (once per form token), ``&job=`` shows it, ``&applied=`` waits
    for a confirmation's writing.
    """
    choices = _allowed_kecamatan()
    allowed = {code for code, _name in choices}
    if request.method == "POST":
        return _confirm(allowed)
    choose = ChooseKecamatanForm(request.args)
    choose.kecamatan.choices = [("", _("Choose a kecamatan"))] + [(code, f"Kec. {name}") for code, name in choices]
    kecamatan = request.args.get("kecamatan", "")
    if request.args.get("applied"):
        return _after_apply(_job_arg("applied", "matches.apply_batch"), allowed)
    if request.args.get("job"):
        job = _job_arg("job", "matches.plan_batch")
        if job.status != JobStatus.DONE:
            return _waiting(choose, job)
        plan = PlannedBatch.from_result(job.result or {})
        if plan.kecamatan_code not in allowed:
            abort(404)
        return _preview(choose, plan, job, dict(choices))
    if kecamatan and choose.validate():
        token = choose.submission_token.data
        job = task_services.queue_batch_plan(current_user, kecamatan, lang=current_language(),
                                             request_key=f"{kecamatan}:{token}")
        return redirect(url_for("matches.batch", kecamatan=kecamatan, job=job.id))
    return render_template("matches/batch.html", choose=choose, plan=None)


def _job_arg(name: str, job_name: str):
    """The job named by the query argument ``name``, hers and of the kind ``job_name``, else 404."""
    value = request.args.get(name, "")
    job = task_services.own_job(current_user, int(value), job_name) if value.isdigit() else None
    if job is None:
        abort(404)
    return job


def _waiting(choose: ChooseKecamatanForm, job):
    """The page while the job runs (it reloads itself), or says that it failed."""
    page = render_template("matches/batch.html", choose=choose, plan=None, **progress_context(job))
    return refreshing(make_response(page), job)


def _preview(choose: ChooseKecamatanForm, plan: PlannedBatch, job, names: dict[str, str]):
    """A page of a finished plan, with the confirmation form."""
    page = clamp_page(page_arg(), len(plan.pairs), BATCH_PAGE_SIZE)
    rows = plan.load(page_slice(plan.pairs, page, BATCH_PAGE_SIZE))
    confirm = ConfirmBatchForm(formdata=None, kecamatan=plan.kecamatan_code, fingerprint=plan.fingerprint,
                               page=str(page), job=str(job.id))
    choose.kecamatan.data = plan.kecamatan_code
    return render_template("matches/batch.html", choose=choose, confirm=confirm, plan=plan, rows=rows, page=page,
                           pages=page_count(len(plan.pairs), BATCH_PAGE_SIZE), first=(page - 1) * BATCH_PAGE_SIZE,
                           mask_nik=mask_nik, kecamatan_name=names.get(plan.kecamatan_code), plan_job=job)


def _confirm(allowed: set[str]):
    """Queue the ticked proposals' writing (once per form token) and wait for it."""
    confirm = ConfirmBatchForm()
    if not (confirm.validate_on_submit() and confirm.kecamatan.data in allowed):
        flash(_("The confirmation was not valid. Choose the kecamatan again."), "error")
        return redirect(url_for("matches.batch"))
    kecamatan = confirm.kecamatan.data
    page = int(confirm.page.data) if (confirm.page.data or "").isdigit() else 1
    ticked = request.form.getlist("pair")
    if not ticked:
        flash(_("No proposal is ticked: tick the ones to create."), "error")
        plan_job = confirm.job.data if (confirm.job.data or "").isdigit() else None
        if plan_job is None:
            return redirect(url_for("matches.batch", kecamatan=kecamatan))
        return redirect(url_for("matches.batch", kecamatan=kecamatan, job=plan_job, page=page))
    job = task_services.queue_batch_apply(current_user, kecamatan, confirm.fingerprint.data,
                                          lang=current_language(), request_key=confirm.submission_token.data,
                                          only=ticked)
    return redirect(url_for("matches.batch", kecamatan=kecamatan, applied=job.id))


def _after_apply(job, allowed: set[str]):
    """Wait for the writing; then say what it did and ask (once) for the new preview."""
    kecamatan = (job.result or {}).get("kecamatan") or request.args.get("kecamatan", "")
    if job.status != JobStatus.DONE:
        choose = ChooseKecamatanForm(formdata=None)
        choose.kecamatan.choices = [("", _("Choose a kecamatan"))]
        return _waiting(choose, job)
    if kecamatan not in allowed:
        abort(404)
    if job.result.get("changed"):
        flash(_("Proposals or offers changed since the preview. Check the new preview and confirm again."), "warning")
    else:
        count = int(job.result.get("proposals", 0))
        flash(ngettext("%(num)d proposal was created.", "%(num)d proposals were created.", count), "success")
    plan_job = task_services.queue_batch_plan(current_user, kecamatan, lang=current_language(),
                                              request_key=f"after-apply:{job.id}")
    return redirect(url_for("matches.batch", kecamatan=kecamatan, job=plan_job.id))


# The workflow's routes live in their own module of this blueprint; importing it registers them.
from . import workflow_views  # noqa: E402, F401
