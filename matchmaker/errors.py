"""Error pages in the user's language, without tracebacks."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from .extensions import db, limiter, login_manager

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for the HTTP errors users can meet."""

    def render(code: int, title: str, message: str):
        return render_template("error.html", code=code, title=title, message=message), code

    @app.errorhandler(400)
    def bad_request(_error):
        return render(
            400, _("Request not understood"), _("The page could not understand what was sent. Go back and try again.")
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render(
            400,
            _("The form has expired"),
            _("For your safety the form was refused. Reload the page and send it again."),
        )

    @app.errorhandler(403)
    def forbidden(_error):
        return render(403, _("Not allowed"), _("Your account does not have access to this page."))

    @app.errorhandler(404)
    def not_found(error):
        if _under_api(request.path):
            return _api_problem(error)
        return render(404, _("Page not found"), _("The page does not exist or is not available to you."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        # Pages keep werkzeug's plain answer; the API answers problem+json.
        return _api_problem(error) if _under_api(request.path) else error

    @app.errorhandler(413)
    def too_large(_error):
        return render(413, _("File too large"), _("The file is larger than the app accepts."))

    @app.errorhandler(RateLimitExceeded)
    def too_many_attempts(_error):
        return _too_many_attempts()

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        # The page must not ask the database again: the rollback expired the logged-in user,
        # and the navigation would reload her (or her unread count) and turn this into a 500.
        login_manager._update_request_context_with_user()
        log.error("database unavailable: %s", type(error).__name__)
        return render(503, _("Temporarily unavailable"), _("The database cannot be reached. Try again in a minute."))

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render(
            500, _("Something went wrong"), _("The error has been noted. Try again, or tell your coordinator.")
        )


def _under_api(path: str) -> bool:
    from .api.v1.core import is_api_path

    return is_api_path(path)


def _api_problem(error):
    """An unknown path or a wrong method under /api/v1: problem+json in the caller's language."""
    from .api.v1.core import answer_unrouted

    return answer_unrouted(error)


def _too_many_attempts():
    """Refuse a throttled attempt with the wait in words; the login form stays filled in."""
    current = limiter.current_limit
    window = current.limit.get_expiry() if current else 60
    wait = min(window, max(1, math.ceil(current.reset_at - time.time()))) if current else window
    message = _("Too many failed attempts. For your safety, wait %(seconds)s seconds and try again.", seconds=wait)
    headers = {"Retry-After": str(wait)}
    if request.endpoint == "auth.login":
        from .auth.forms import LoginForm

        form = LoginForm()
        form.password.data = ""
        form.form_errors.append(message)
        return render_template("auth/login.html", form=form), 429, headers
    return render_template("error.html", code=429, title=_("Please wait"), message=message), 429, headers
