"""The notifications page and the bell's count in the navigation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..forms import AppForm
from . import get_own, mark_all_read, mark_read, recent, unread_count, url_of

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkAllForm(AppForm):
    """"Mark all as read": a button, with its CSRF token."""


@bp.app_context_processor
def bell() -> dict[str, object]:
    """Give every template ``unread_notifications()``, counted only when the nav asks for it."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user)

    return {"unread_notifications": unread_notifications}


@bp.route("/")
@login_required
def index():
    """Her notifications, newest first; unread ones are marked in words, not only colour."""
    return render_template("notifications/index.html", items=recent(current_user), form=MarkAllForm())


@bp.route("/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Open a notification: mark it read and go to what it is about."""
    notification = get_own(current_user, notification_id)
    if notification is None:
        abort(404)
    target = url_of(notification, current_user)
    mark_read(notification)
    return redirect(target or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every notification read."""
    if not MarkAllForm().validate_on_submit():
        abort(400)
    mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
