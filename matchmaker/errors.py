"""Error pages in the user's language, without tracebacks."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from .extensions import db

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
    def not_found(_error):
        return render(404, _("Page not found"), _("The page does not exist or is not available to you."))

    @app.errorhandler(413)
    def too_large(_error):
        return render(413, _("File too large"), _("The file is larger than the app accepts."))

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        log.error("database unavailable: %s", type(error).__name__)
        return render(503, _("Temporarily unavailable"), _("The database cannot be reached. Try again in a minute."))

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render(
            500, _("Something went wrong"), _("The error has been noted. Try again, or tell your coordinator.")
        )
