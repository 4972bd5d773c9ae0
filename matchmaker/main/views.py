"""The landing page and each role's home page."""

from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..graduation import services as graduation_services
from ..models import Role, User
from ..partners import services as partner_services
from . import dashboards, services
from .menu import current_section, menu_items

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("main", __name__)


@bp.app_context_processor
def _menu_helpers() -> dict[str, object]:
    # Computed only when the header asks for it (logged-in pages).
    def main_menu():
        return menu_items(current_user, request.endpoint)

    return {"main_menu": main_menu, "current_section": current_section}


@bp.route("/")
def index():
    """Send visitors to the login page and users to their home page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@login_required
def home():
    """Each role has its own home page."""
    user: User = current_user
    today = clock.today()
    if user.role == Role.FACILITATOR:
        # The bell should show due check-ins even where the daily `graduation notify-due` is not scheduled.
        graduation_services.notify_due(today, facilitator=user)
        return render_template(
            "main/home_facilitator.html",
            board=dashboards.facilitator_dashboard(user, today),
            households=services.recent_households(user),
        )
    if user.role in Role.PARTNERS:
        organization = user.organization
        rows = dashboards.program_rows(organization, today) if organization else []
        waiting = dashboards.waiting_introductions(organization) if organization else []
        can_publish = partner_services.can_publish(organization) if organization else False
        return render_template("main/home_partner.html", organization=organization, offers=rows,
                               fill_percent=dashboards.fill_percent, waiting=waiting, can_publish=can_publish)
    if user.role == Role.COORDINATOR:
        fsort = dashboards.normalise_sort(request.args.get("fsort"))
        ksort = dashboards.normalise_sort(request.args.get("ksort"))
        return render_template(
            "main/home_coordinator.html",
            board=dashboards.coordinator_dashboard(user, today, fsort, ksort),
            fsort=fsort,
            ksort=ksort,
            pending_count=services.pending_organizations_count(user),
        )
    if user.role == Role.ADMIN:
        coordinators = db.session.scalars(
            select(User).where(User.role == Role.COORDINATOR).order_by(User.name)
        ).all()
        return render_template(
            "main/home_admin.html", counts=services.users_by_role(), coordinators=coordinators
        )
    abort(403)


@bp.route("/home/<table>.xlsx")
@login_required
def export_table(table: str):
    """A table of the user's dashboard as .xlsx (the facilitator and coordinator tables sorted as on screen)."""
    sort = request.args.get("sort")
    try:
        content = dashboards.export_table(current_user, table, clock.today(), sort)
    except dashboards.UnknownTable:
        abort(404)
    name = f"{table}-{clock.today():%Y%m%d}.xlsx"
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/healthz")
def healthz():
    """Liveness probe for the process manager: answers without touching the database."""
    return {"status": "ok"}
