"""Security controls shared by every blueprint: response headers, login throttling, proxies.

Headers come from Flask-Talisman and throttling from Flask-Limiter; this module holds our
choices for both so that they are read in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, Response, request
from flask_limiter.util import get_remote_address
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import db, limiter, talisman

# Everything the pages use is served by the app itself; no inline script or style is allowed.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Nobody embeds the app, so it asks for no device features either.
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()", "usb": "()"}

# Five failures a minute per account and per address, as the facilitators' guide promises.
FAILED_LOGIN_LIMIT = "5 per minute"
# Guessing a reset code is guessing a password: the same limit applies.
RESET_CODE_LIMIT = "5 per minute"
# Self-registration creates accounts for a coordinator to review: a few an hour is plenty.
REGISTRATION_LIMIT = "10 per hour"


def init_security(app: Flask) -> None:
    """Install the headers, the limiter and (when configured) the proxy fix on ``app``."""
    trusted_proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if trusted_proxies:
        # Behind nginx or a load balancer the client address comes from X-Forwarded-For;
        # trusting it without a proxy would let anyone pick the address they are throttled by.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies)  # type: ignore[method-assign]
    talisman.init_app(
        app,
        force_https=app.config.get("FORCE_HTTPS", False),
        strict_transport_security=True,
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        x_xss_protection=False,  # obsolete, and harmful in old browsers; the CSP does the job
    )
    # Flask-Limiter falls back on the shared limiter's last setting: an app made with the limiter
    # off (a benchmark, a test) would switch it off for every app made after it in the process.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    app.after_request(forbid_storing)
    with app.app_context():
        # Every database error passes here before it is raised, logged or shown.
        event.listen(db.engine, "handle_error", redact_database_error)


# A value PostgreSQL quotes at the end of a message: ``invalid input syntax for type integer: "12x"``.
_QUOTED_VALUE = re.compile(r': ".*"$')


def redact_database_error(context: ExceptionContext) -> None:
    """Keep values out of database errors, and so out of the log and any traceback.

    ``hide_parameters`` (see :class:`~matchmaker.config.Config`) keeps SQLAlchemy from listing
    a statement's parameters; PostgreSQL adds its own ``DETAIL`` lines (``Key (nik)=(3201…)
    already exists``, ``Failing row contains (…)``) and may quote a bad value in the message.
    Only the first line of the driver's message is kept, with any quoted value replaced.
    """
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is None or len(error.args) != 1 or not isinstance(error.args[0], str):
            continue
        message = error.args[0]
        # SQLAlchemy's message is "(driver.ErrorClass) <driver message>": the same first line.
        first_line = _QUOTED_VALUE.sub(': "…"', message.split("\n", 1)[0])
        if first_line != message:
            error.args = (first_line,)


def forbid_storing(response: Response) -> Response:
    """Keep every page and download out of browser and proxy caches: ``Cache-Control: no-store``.

    Pages carry personal data (a full NIK, a phone number, a reset code) or a form's CSRF
    token, and a shared phone or a kiosk's browser cache must not keep them. The app's own
    stylesheet and scripts (the ``static`` endpoint) keep their usual revalidated caching.
    """
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def _submitted_email() -> str:
    """The account a login or reset attempt is aimed at, in the form the database stores."""
    return "account:" + (request.form.get("email") or "").strip().lower()


def _failed(response: Response) -> bool:
    """A login or reset form that comes back instead of redirecting is a failed attempt."""
    return response.status_code != 302


def limit_failed_attempts(limit: str, *, per_account: bool = True) -> Callable:
    """Throttle a POST form by failed attempts, per client address and (for forms that name an
    account by its e-mail address) per account."""

    def decorate(view: Callable) -> Callable:
        per_address = limiter.limit(
            limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed,
            scope=f"{view.__name__}-by-address",
        )
        if not per_account:
            return per_address(view)
        by_account = limiter.limit(
            limit, key_func=_submitted_email, methods=["POST"], deduct_when=_failed,
            scope=f"{view.__name__}-by-account",
        )
        return per_address(by_account(view))

    return decorate


def _current_account() -> str:
    """The logged-in user, for limits on what she does with her own account."""
    from flask_login import current_user

    return f"user:{current_user.id}"


def limit_password_changes(view: Callable) -> Callable:
    """Throttle wrong current passwords on the change-password form, per account."""
    return limiter.limit(
        FAILED_LOGIN_LIMIT, key_func=_current_account, methods=["POST"], deduct_when=_failed, scope="password-change"
    )(view)


def limit_registrations(view: Callable) -> Callable:
    """Throttle partner self-registration per client address (successful or not)."""
    return limiter.limit(REGISTRATION_LIMIT, methods=["POST"], scope="registration")(view)
