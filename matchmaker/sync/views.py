"""The outbox's endpoints (a fresh CSRF token, the replay of one action) and the conflict page.

Authenticated by the session like the pages, and CSRF-checked like every POST (the outbox sends
the token, fetched fresh at replay time, in the ``X-CSRFToken`` header). Answers are JSON: the
outbox tells "applied" from "conflict", "invalid" and "refused" by its ``status``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..auth.decorators import roles_required
from ..models import GraduationCheckin, Household, Role
from . import services

bp = Blueprint("sync", __name__, url_prefix="/sync")


def _json(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _facilitator_or_json_error():
    """The outbox must never read a login page as "applied": not logged in or no facilitator is JSON too."""
    if not current_user.is_authenticated:
        return _json({"status": "login", "message": _("Log in again to send what is waiting.")}, 401)
    if current_user.role != Role.FACILITATOR:
        return _json({"status": "refused", "message": _("Your account does not have access to this.")}, 403)
    return None


@bp.app_template_global()
def offline_version(record: Household | GraduationCheckin) -> str:
    """The version of ``record`` that an offline edit of it carries (``data-offline-version``)."""
    if isinstance(record, Household):
        return services.household_version(record)
    return services.checkin_version(record)


@bp.route("/token")
def token():
    """A fresh CSRF token for a replay (a token kept for hours may belong to an older session)."""
    refusal = _facilitator_or_json_error()
    if refusal is not None:
        return refusal
    return _json({"csrf_token": generate_csrf()})


@bp.route("/actions", methods=["POST"])
def actions():
    """Apply one queued action (the outbox sends them one by one, in the order she made them)."""
    refusal = _facilitator_or_json_error()
    if refusal is not None:
        return refusal
    try:
        action = services.parse_action(request.get_json(silent=True))
    except services.BadAction:
        return _json({"status": "refused", "message": _("The request could not be understood.")}, 400)
    outcome = services.apply_action(current_user, action)
    return _json(outcome.as_json(), outcome.http_status)


@bp.route("/conflicts/<int:conflict_id>", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def resolve(conflict_id: int):
    """Her version and the server's, field by field: she chooses which to keep, applied to the current record."""
    conflict = services.visible_conflict(current_user, conflict_id)
    if conflict is None:
        abort(404)
    notice = None
    status = 200
    if request.method == "POST":
        choices = {key.removeprefix("choice-"): value for key, value in request.form.items()
                   if key.startswith("choice-")}
        outcome = services.resolve(current_user, conflict, choices, request.form.get("version", ""))
        if outcome.status == "applied":
            flash(_("Your choices are saved."), "success")
            return redirect(outcome.url or url_for("main.index"))
        notice = outcome.message
        if outcome.errors:
            notice = " ".join([notice or "", *(text for texts in outcome.errors.values() for text in texts)])
        status = outcome.http_status
        conflict = services.visible_conflict(current_user, conflict_id)
        if conflict is None:
            abort(404)
    record, differences, _mine, _theirs = services.compare(conflict, current_user)
    if record is None:
        abort(404)
    return render_template("sync/resolve.html", conflict=conflict, record=record, differences=differences,
                           version=offline_version(record), notice=notice), status
