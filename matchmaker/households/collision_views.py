"""The coordinator's NIK cases: routes of the ``households`` blueprint; the rules live in :mod:`.collisions`."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import roles_required
from ..extensions import db
from ..models import NikCollisionStatus, Role
from ..phones import mask_phone
from . import collisions, services
from .forms import CollisionDecisionForm
from .nik import mask_nik
from .views import bp

CASE_VIEWERS = (Role.COORDINATOR, Role.ADMIN)


@bp.app_template_global()
def open_nik_cases() -> int:
    """How many NIK cases wait for the current coordinator's (or the admin's) decision."""
    if not current_user.is_authenticated or current_user.role not in CASE_VIEWERS:
        return 0
    return collisions.open_count(current_user)


@bp.route("/collisions")
@roles_required(*CASE_VIEWERS)
def collisions_index():
    """Open NIK cases of her district (every case for the admin), oldest first, and the latest decided."""
    return render_template(
        "households/collisions.html",
        open_cases=collisions.cases_for(current_user),
        transferred=collisions.cases_for(current_user, NikCollisionStatus.TRANSFERRED, 20),
        rejected=collisions.cases_for(current_user, NikCollisionStatus.REJECTED, 20),
    )


ERRORS = {
    "decided": lambda: _("This case has already been decided."),
    "note_required": lambda: _("Write a note saying what was wrong."),
    "not_facilitator": lambda: _("The facilitator who submitted the NIK no longer covers that desa: keep it "
                                 "or ask the admin."),
}


@bp.route("/collisions/<int:case_id>", methods=["GET", "POST"])
@roles_required(*CASE_VIEWERS)
def collision(case_id: int):
    """Both records side by side and the decision: move the household, or keep it (a correction)."""
    case = collisions.get_visible_case(current_user, case_id)
    if case is None:
        abort(404)
    form = CollisionDecisionForm()
    status = 200
    if form.validate_on_submit():
        try:
            collisions.decide(current_user, case, collisions.Decision(form.decision.data, form.note.data or ""))
        except collisions.CollisionError as error:
            db.session.rollback()
            target = form.note if error.code == "note_required" else form.decision
            target.errors = [*target.errors, ERRORS[error.code]()]
            status = 409 if error.code == "decided" else 400
        else:
            flash(_("NIK case %(case)s is decided; both facilitators are notified.", case=case.id), "success")
            return redirect(url_for("households.collisions_index"))
    elif form.is_submitted():
        status = 400
    identity = collisions.can_see_identity(current_user)
    born = case.submitted.get("birth_date")
    return render_template(
        "households/collision.html", case=case, household=case.household, submitted=case.submitted, form=form,
        submitted_born=dt.date.fromisoformat(born) if born else None, identity=identity,
        can_open=services.can_view(current_user, case.household),
        nik=(lambda value: value) if identity else mask_nik, phone=(lambda value: value) if identity else mask_phone,
    ), status
