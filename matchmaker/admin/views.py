"""Pages for coordinators and the administrator."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import roles_required
from ..auth.services import AccountError
from ..extensions import db
from ..labels import label
from ..models import OrgStatus, Role, User
from ..pagination import clamp_page, page_arg, page_count, page_slice
from ..partners import services as partner_services
from . import services
from .forms import ConfirmForm, RejectOrganizationForm, StaffAccountForm, SuspendOrganizationForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

MANAGERS = (Role.COORDINATOR, Role.ADMIN)


@bp.route("/organizations")
@roles_required(*MANAGERS)
def organizations():
    """The verification queue (and the other states, by tab)."""
    status = request.args.get("status", OrgStatus.PENDING)
    if status not in OrgStatus.ALL:
        status = OrgStatus.PENDING
    return render_template(
        "admin/organizations.html",
        organizations=services.organizations_for_review(current_user, status),
        status=status,
        statuses=OrgStatus.ALL,
        confirm_form=ConfirmForm(),
        reject_form=RejectOrganizationForm(),
    )


def _organization_or_404(organization_id: int):
    organization = services.get_reviewable_organization(current_user, organization_id)
    if organization is None:
        abort(404)
    return organization


@bp.route("/organizations/<int:organization_id>/approve", methods=["POST"])
@roles_required(*MANAGERS)
def approve_organization(organization_id: int):
    """Verify an organization: its members can log in and publish."""
    organization = _organization_or_404(organization_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.approve_organization(current_user, organization)
    except AccountError:
        flash(_("This organization is already verified."), "warning")
    else:
        flash(_("%(name)s is verified. Its members can now log in.", name=organization.name), "success")
    return redirect(url_for("admin.organizations"))


@bp.route("/organizations/<int:organization_id>/reject", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def reject_organization(organization_id: int):
    """Refuse a registration, with a reason the applicant sees."""
    organization = _organization_or_404(organization_id)
    form = RejectOrganizationForm()
    if form.validate_on_submit():
        try:
            services.reject_organization(current_user, organization, form.reason.data)
        except AccountError:
            flash(_("Only a registration that is waiting can be rejected."), "warning")
        else:
            flash(_("The registration of %(name)s was rejected.", name=organization.name), "info")
        return redirect(url_for("admin.organizations"))
    return render_template("admin/reject_organization.html", organization=organization, form=form)


@bp.route("/organizations/<int:organization_id>")
@roles_required(*MANAGERS)
def organization_detail(organization_id: int):
    """Everything about one organization: profile, members, offers, verification history."""
    organization = _organization_or_404(organization_id)
    return render_template(
        "admin/organization.html",
        organization=organization,
        members=partner_services.members_of(organization),
        rows=partner_services.organization_offers(organization),
        confirm_form=ConfirmForm(),
    )


@bp.route("/organizations/<int:organization_id>/suspend", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def suspend_organization(organization_id: int):
    """Suspend an organization, with a reason its members read."""
    organization = _organization_or_404(organization_id)
    form = SuspendOrganizationForm()
    if form.validate_on_submit():
        try:
            services.suspend_organization(current_user, organization, form.reason.data)
        except AccountError:
            flash(_("Only a verified organization can be suspended."), "warning")
        else:
            flash(_("%(name)s is suspended: its offers are no longer proposed.", name=organization.name), "info")
        return redirect(url_for("admin.organization_detail", organization_id=organization.id))
    return render_template("admin/suspend_organization.html", organization=organization, form=form)


@bp.route("/organizations/<int:organization_id>/reinstate", methods=["POST"])
@roles_required(*MANAGERS)
def reinstate_organization(organization_id: int):
    """Lift a suspension."""
    organization = _organization_or_404(organization_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.reinstate_organization(current_user, organization)
    except AccountError:
        flash(_("This organization is not suspended."), "warning")
    else:
        flash(_("%(name)s is active again.", name=organization.name), "success")
    return redirect(url_for("admin.organization_detail", organization_id=organization.id))


@bp.route("/users")
@roles_required(*MANAGERS)
def users():
    """Accounts this coordinator (or the admin) looks after, one page at a time (a district has hundreds)."""
    everyone = services.manageable_users(current_user)
    per_page = current_app.config["PER_PAGE"]
    page = clamp_page(page_arg(), len(everyone), per_page)
    return render_template(
        "admin/users.html", users=page_slice(everyone, page, per_page), total=len(everyone), page=page,
        pages=page_count(len(everyone), per_page), confirm_form=ConfirmForm(),
    )


STAFF_ERRORS = {
    "email_taken": ("email", lambda: _("An account with this e-mail address already exists.")),
    "bad_role": ("role", lambda: _("You cannot create an account with this role.")),
    "no_area": ("areas", lambda: _("Choose at least one area.")),
    "area_outside": ("areas", lambda: _("Choose areas inside your own district.")),
}


def _area_codes(form: StaffAccountForm, assignable: set[str]) -> list[str] | None:
    """The areas of the picker rows in order, without repeats; None (with the rows' errors set) if one is unknown."""
    codes: list[str] = []
    valid = True
    for entry in form.areas:
        row = entry.form
        if not (row.name.data or "").strip() and not (row.code.data or "").strip():
            continue
        code = services.resolve_area(current_user, row.name.data, row.code.data, assignable)
        if code is None:
            row.name.errors = [*row.name.errors, _("No area you may assign has this name: type a few letters "
                                                   "and choose it from the list.")]
            valid = False
        elif code not in codes:
            codes.append(code)
    return codes if valid else None


def _label_area_rows(form: StaffAccountForm) -> None:
    """Each picker row its own label: one label for several inputs would confuse a screen reader."""
    for number, entry in enumerate(form.areas, start=1):
        entry.form.name.label.text = _("Assigned area %(number)d", number=number)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_user():
    """Create a facilitator account (or, for the admin, a coordinator) with areas chosen in the region picker."""
    form = StaffAccountForm()
    form.role.choices = [(role, label("role", role)) for role in services.roles_creatable_by(current_user)]
    _label_area_rows(form)
    if form.validate_on_submit():
        assignable = {region.code for region in services.assignable_areas(current_user)}
        codes = _area_codes(form, assignable)
        if codes is not None and not codes:
            form.areas[0].form.name.errors = [*form.areas[0].form.name.errors, STAFF_ERRORS["no_area"][1]()]
        elif codes is not None:
            try:
                user = services.create_staff_account(
                    current_user,
                    role=form.role.data,
                    email=form.email.data,
                    name=form.name.data,
                    phone=form.phone.data,
                    password=form.password.data,
                    area_codes=codes,
                )
            except AccountError as exc:
                db.session.rollback()
                field_name, message = STAFF_ERRORS[exc.code]
                target = form.areas[0].form.name if field_name == "areas" else getattr(form, field_name)
                target.errors = [*target.errors, message()]
            else:
                flash(_("The account of %(name)s is ready.", name=user.name), "success")
                return redirect(url_for("admin.users"))
    levels = services.area_levels(current_user)
    within = None if current_user.role == Role.ADMIN else next(iter(current_user.area_codes), None)
    return render_template("admin/new_user.html", form=form, area_level=levels[0] if len(levels) == 1 else "",
                           area_within=within)


def _managed_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not services.can_manage(current_user, user):
        abort(404)
    return user


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@roles_required(*MANAGERS)
def issue_reset(user_id: int):
    """Issue a one-time reset code and show it once."""
    user = _managed_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    issued = services.issue_reset_for(current_user, user)
    reset_url = url_for("auth.reset_password", code=issued.code, _external=True)
    return render_template("admin/reset_issued.html", user=user, issued=issued, reset_url=reset_url)


@bp.route("/users/<int:user_id>/status", methods=["POST"])
@roles_required(*MANAGERS)
def set_user_status(user_id: int):
    """Disable or re-enable an account."""
    user = _managed_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    enable = request.form.get("enable") == "1"
    services.set_user_enabled(current_user, user, enable)
    if enable:
        flash(_("The account of %(name)s is active again.", name=user.name), "success")
    else:
        flash(_("The account of %(name)s is disabled.", name=user.name), "info")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/sessions", methods=["POST"])
@roles_required(*MANAGERS)
def end_sessions(user_id: int):
    """Log an account out on every device."""
    user = _managed_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.end_sessions_of(current_user, user)
    flash(_("%(name)s is logged out on every device.", name=user.name), "info")
    return redirect(url_for("admin.users"))
