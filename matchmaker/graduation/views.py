"""Graduation pages: the readiness checklist, graduating a household, the coordinator's queue, check-ins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..auth.decorators import roles_required
from ..extensions import db
from ..households import services as household_services
from ..models import GraduationCheckin, GraduationRecord, GraduationStatus, Household, HouseholdStatus, Role
from . import services
from .forms import ApproveForm, AssessmentForm, CheckinForm, GraduateForm, RejectForm, apply_errors
from .readiness import Readiness

bp = Blueprint("graduation", __name__, url_prefix="/graduation")

VIEWERS = (Role.FACILITATOR, Role.COORDINATOR)


@dataclass
class GraduationSummary:
    """What the household page shows about graduation."""

    readiness: Readiness
    pending: GraduationRecord | None
    latest: GraduationRecord | None
    checkins: list[GraduationCheckin]
    can_manage: bool
    can_submit: bool


def graduation_summary(household: Household) -> GraduationSummary:
    """The household page's graduation card, for the current user.

    Computed once per request and household: the page's next action and the card both use it.
    """
    memo: dict[int, GraduationSummary] = g.setdefault("graduation_summaries", {})
    if household.id in memo:
        return memo[household.id]
    records = services.records_of(household)
    pending = next((record for record in records if record.status == GraduationStatus.PENDING), None)
    can_manage = services.can_manage(current_user, household)
    memo[household.id] = summary = GraduationSummary(
        readiness=services.readiness(household),
        pending=pending,
        latest=records[0] if records else None,
        checkins=services.checkins_of(household),
        can_manage=can_manage,
        # services.can_submit, without asking the database again for the pending record.
        can_submit=can_manage
        and household.status not in (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED)
        and pending is None,
    )
    return summary


@bp.app_context_processor
def _template_helpers() -> dict[str, object]:
    # The household page belongs to the households domain: it asks for the card through this helper.
    return {"graduation_summary": graduation_summary}


def _household_or_404(household_id: int) -> Household:
    household = household_services.get_visible_household(current_user, household_id)
    if household is None:
        abort(404)
    return household


@bp.route("/households/<int:household_id>/readiness", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def readiness(household_id: int):
    """The checklist with its score; her facilitator confirms what the data cannot tell."""
    household = _household_or_404(household_id)
    manage = services.can_manage(current_user, household)
    form = AssessmentForm(obj=services.get_assessment(household)) if manage else None
    if form is not None and form.is_submitted():
        if not form.validate():
            flash(_("Check the highlighted fields."), "error")
        else:
            try:
                services.save_assessment(current_user, household, form.data_object())
            except services.GraduationInvalid as invalid:
                apply_errors(form, invalid.errors)
            else:
                flash(_("The checklist was saved."), "success")
                return redirect(url_for("households.detail", household_id=household.id))
    elif form is not None and form.children_in_school.data is None:
        form.children_in_school.data = ""
    return render_template(
        "graduation/readiness.html", household=household, check=services.readiness(household), form=form,
    )


@bp.route("/households/<int:household_id>/graduate", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def graduate(household_id: int):
    """Her facilitator records the graduation; a coordinator approves it."""
    household = _household_or_404(household_id)
    if not services.can_manage(current_user, household):
        abort(403)
    check = services.readiness(household)
    form = GraduateForm()
    if not form.is_submitted():
        form.graduated_on.data = services.today()
        form.graduation_type.data = "alamiah" if check.natural_possible and not check.ready else "sejahtera_mandiri"
    elif form.validate():
        done_url = url_for("households.detail", household_id=household.id)
        earlier = submissions.claim(form, current_user, fallback_url=done_url)
        if earlier is not None:
            return submissions.redirect_to_earlier(earlier)
        try:
            services.submit(current_user, household, form.data_object())
        except services.GraduationInvalid as invalid:
            db.session.rollback()
            apply_errors(form, invalid.errors)
        else:
            submissions.complete(form, done_url)
            flash(_("The graduation was sent to the coordinator for approval."), "success")
            return redirect(done_url)
    blocked = not services.can_submit(current_user, household)
    return render_template("graduation/graduate.html", household=household, check=check, form=form, blocked=blocked)


@bp.route("/queue")
@roles_required(Role.COORDINATOR)
def queue():
    """The graduations of the coordinator's district waiting for her approval."""
    return render_template(
        "graduation/queue.html",
        records=services.review_queue(current_user),
        reviewed=services.recent_reviews(current_user),
    )


def _record_or_404(record_id: int) -> GraduationRecord:
    record = services.visible_record(current_user, record_id)
    if record is None:
        abort(404)
    return record


def _render_record(record: GraduationRecord, approve_form: ApproveForm, reject_form: RejectForm, status: int = 200):
    reviewer = services.can_review(current_user, record.household)
    return render_template(
        "graduation/record.html",
        record=record,
        household=record.household,
        check=services.readiness(record.household),
        can_review=reviewer and record.status == GraduationStatus.PENDING,
        approve_form=approve_form,
        reject_form=reject_form,
        checkins=services.checkins_of(record.household),
    ), status


@bp.route("/records/<int:record_id>")
@roles_required(*VIEWERS)
def record(record_id: int):
    """A graduation record with the household's checklist; the coordinator approves or rejects it here."""
    return _render_record(_record_or_404(record_id), ApproveForm(), RejectForm())


@bp.route("/records/<int:record_id>/approve", methods=["POST"])
@roles_required(Role.COORDINATOR)
def approve(record_id: int):
    """Approve: the household graduates and its check-ins are scheduled."""
    record = _record_or_404(record_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render_record(record, form, RejectForm(), status=422)
    try:
        services.approve(current_user, record, form.reason.data or "")
    except services.NotAllowed:
        abort(403)
    except services.GraduationInvalid as invalid:
        db.session.rollback()
        if "reason" not in invalid.errors:
            flash(_("This graduation has already been reviewed."), "warning")
            return redirect(url_for("graduation.record", record_id=record.id))
        apply_errors(form, invalid.errors)
        return _render_record(record, form, RejectForm(), status=422)
    flash(_("Graduation approved: %(name)s has graduated.", name=record.household.full_name), "success")
    return redirect(url_for("graduation.queue"))


@bp.route("/records/<int:record_id>/reject", methods=["POST"])
@roles_required(Role.COORDINATOR)
def reject(record_id: int):
    """Reject with a reason; the facilitator may submit again."""
    record = _record_or_404(record_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(current_user, record, form.reason.data or "")
        except services.NotAllowed:
            abort(403)
        except services.GraduationInvalid as invalid:
            apply_errors(form, invalid.errors)
        else:
            flash(_("Graduation rejected; the facilitator will read your reason."), "success")
            return redirect(url_for("graduation.queue"))
    return _render_record(record, ApproveForm(), form, status=422)


@bp.route("/checkins")
@roles_required(Role.FACILITATOR)
def checkins():
    """Every check-in of her graduated households: overdue and due first, then upcoming, then done."""
    rows = services.facilitator_checkins(current_user, within_days=None, include_done=True)
    open_rows = [row for row in rows if row.state != "done"]
    done_rows = sorted((row for row in rows if row.state == "done"), key=lambda row: row.checkin.done_on,
                       reverse=True)
    return render_template("graduation/checkins.html", open_rows=open_rows, done_rows=done_rows)


@bp.route("/checkins/<int:checkin_id>", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def checkin(checkin_id: int):
    """Record what she found on a follow-up visit."""
    visit = services.visible_checkin(current_user, checkin_id)
    if visit is None:
        abort(404)
    form = CheckinForm(obj=visit)
    if not form.is_submitted() and visit.done_on is None:
        form.done_on.data = services.today()
    elif form.is_submitted() and form.validate():
        try:
            services.record_checkin(current_user, visit, form.data_object())
        except services.GraduationInvalid as invalid:
            apply_errors(form, invalid.errors)
        else:
            flash(_("The check-in was recorded."), "success")
            return redirect(url_for("graduation.checkins"))
    return render_template(
        "graduation/checkin.html", visit=visit, household=visit.household, form=form,
        state=services.checkin_state(visit, services.today()),
    )
