"""The home visit form of a household (also shown on her page, where it works offline)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..auth.decorators import roles_required
from ..clock import today
from ..extensions import db
from ..households import services as household_services
from ..models import Household, Role
from . import services
from .forms import VisitForm, apply_errors

bp = Blueprint("visits", __name__, url_prefix="/households")


def _own_household_or_404(household_id: int) -> Household:
    household = household_services.get_visible_household(current_user, household_id)
    if household is None or not household_services.can_edit(current_user, household):
        abort(404)
    return household


@bp.app_template_global()
def visit_form() -> VisitForm:
    """A fresh visit form, dated today, for the household page."""
    form = VisitForm(formdata=None)
    form.visited_on.data = today()
    return form


@bp.route("/<int:household_id>/visits/new", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def new(household_id: int):
    """Record a visit to one of her households: date (not in the future), notes, what changed."""
    household = _own_household_or_404(household_id)
    form = VisitForm()
    if not form.is_submitted():
        form.visited_on.data = today()
    elif form.validate():
        earlier = submissions.claim(form, current_user, fallback_url=url_for("households.detail",
                                                                             household_id=household.id))
        if earlier is not None:
            return submissions.redirect_to_earlier(earlier)
        try:
            services.record_visit(current_user, household, form.data_object())
        except services.VisitInvalid as invalid:
            db.session.rollback()
            apply_errors(form, invalid.errors)
        else:
            url = url_for("households.detail", household_id=household.id) + "#visits"
            submissions.complete(form, url)
            flash(_("The visit is recorded."), "success")
            return redirect(url)
    return render_template("visits/new.html", household=household, form=form), 422 if form.errors else 200
