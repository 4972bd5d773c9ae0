"""The landing page and each role's home page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from ..partners import services as partner_services
from . import services

bp = Blueprint("main", __name__)


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
    if user.role == Role.FACILITATOR:
        summary = services.caseload_summaries([user.id])[user.id]
        return render_template(
            "main/home_facilitator.html",
            summary=summary,
            pipeline=services.match_pipeline([user.id]),
            households=services.recent_households(user),
        )
    if user.role in Role.PARTNERS:
        organization = user.organization
        offers = partner_services.organization_offers(organization) if organization else []
        return render_template("main/home_partner.html", organization=organization, offers=offers)
    if user.role == Role.COORDINATOR:
        facilitators = services.facilitators_in_area(user)
        summaries = services.caseload_summaries([f.id for f in facilitators])
        return render_template(
            "main/home_coordinator.html",
            facilitators=facilitators,
            summaries=summaries,
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


@bp.route("/healthz")
def healthz():
    """Liveness probe for the process manager: answers without touching the database."""
    return {"status": "ok"}
