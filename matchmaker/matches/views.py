"""Match pages: the coordinator's batch proposals for a kecamatan."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
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
from .allocation import PlanChanged, apply_batch, plan_batch
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
    """Choose a kecamatan, preview the proposals for its unmatched households, then confirm."""
    choices = _allowed_kecamatan()
    choose = ChooseKecamatanForm(request.args if request.method == "GET" else None)
    choose.kecamatan.choices = [("", _("Choose a kecamatan"))] + [(code, f"Kec. {name}") for code, name in choices]
    allowed = {code for code, _name in choices}
    confirm = ConfirmBatchForm()
    plan = None
    page = page_arg()
    if request.method == "POST":
        if confirm.validate_on_submit() and confirm.kecamatan.data in allowed:
            page = int(confirm.page.data) if (confirm.page.data or "").isdigit() else 1
            ticked = request.form.getlist("pair")
            try:
                if ticked:
                    written = apply_batch(current_user, confirm.kecamatan.data, confirm.fingerprint.data,
                                          lang=current_language(), only=ticked)
                else:
                    plan = plan_batch(confirm.kecamatan.data, lang=current_language())
                    if plan.fingerprint != confirm.fingerprint.data:
                        raise PlanChanged(plan)
            except PlanChanged as changed:
                plan = changed.plan
                flash(_("Proposals or offers changed since the preview. Check the new preview and confirm again."),
                      "warning")
            else:
                if not ticked:
                    flash(_("No proposal is ticked: tick the ones to create."), "error")
                else:
                    count = len(written.assignments)
                    flash(ngettext("%(num)d proposal was created.", "%(num)d proposals were created.", count),
                          "success")
                    return redirect(url_for("matches.batch", kecamatan=written.kecamatan_code))
            choose.kecamatan.data = confirm.kecamatan.data
        else:
            flash(_("The confirmation was not valid. Choose the kecamatan again."), "error")
            return redirect(url_for("matches.batch"))
    elif request.args.get("kecamatan") and choose.validate():
        plan = plan_batch(choose.kecamatan.data, lang=current_language())
    rows, pages = [], 1
    if plan is not None:
        page = clamp_page(page, len(plan.assignments), BATCH_PAGE_SIZE)
        pages = page_count(len(plan.assignments), BATCH_PAGE_SIZE)
        rows = page_slice(plan.assignments, page, BATCH_PAGE_SIZE)
        confirm.kecamatan.data = plan.kecamatan_code
        confirm.fingerprint.data = plan.fingerprint
        confirm.page.data = str(page)
    names = dict(choices)
    return render_template("matches/batch.html", choose=choose, confirm=confirm, plan=plan, rows=rows, page=page,
                           pages=pages, first=(page - 1) * BATCH_PAGE_SIZE, mask_nik=mask_nik,
                           kecamatan_name=names.get(plan.kecamatan_code) if plan else None)


# The workflow's routes live in their own module of this blueprint; importing it registers them.
from . import workflow_views  # noqa: E402, F401
