"""The installable shell: web app manifest, service worker, the list of pages to keep, clearing.

See :mod:`matchmaker.offline` for what is kept and README "Privacy" for why.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..models import Role
from . import is_offline_copy, mask_long_numbers, offline_static_urls, offline_urls, session_marker, slim_html

bp = Blueprint("offline", __name__)

# The app's brand colour (app.css ``--brand``): the phone's status bar and splash screen.
THEME_COLOUR = "#0b6e4f"
BACKGROUND_COLOUR = "#f6f8fa"
# The session key that asks the next page (the login page after logging out) to clear the phone.
CLEAR_FLAG = "mg_clear"
LOGOUT_ENDPOINTS = ("auth.logout", "auth.logout_everywhere")


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the site's root so that its scope is the whole site."""
    path = Path(current_app.static_folder or "") / "sw.js"
    response = send_file(path, mimetype="text/javascript", max_age=0)
    # Browsers look for a new version on each visit; nothing in it is personal.
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest: lets Android add Mitra Graduasi to the home screen, full-screen."""
    icon = lambda size, purpose: {  # noqa: E731 - four lines of the same shape
        "src": url_for("static", filename=f"icons/icon-{size}{'-maskable' if purpose == 'maskable' else ''}.png"),
        "sizes": f"{size}x{size}",
        "type": "image/png",
        "purpose": purpose,
    }
    body = {
        "name": "Mitra Graduasi",
        "short_name": _("Graduation"),
        "description": _("Matching PKH households with local partners on their way to graduation."),
        "lang": "id",
        "start_url": url_for("main.home"),
        "scope": "/",
        "id": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [icon(192, "any"), icon(512, "any"), icon(192, "maskable"), icon(512, "maskable")],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/offline/pages.json")
@login_required
def pages() -> Response:
    """What this user's phone keeps: her pages and the static files they need (nothing for other roles)."""
    return jsonify(
        user=current_user.id,
        session=session_marker(current_user),
        max_days=int(current_app.config["OFFLINE_MAX_DAYS"]),
        pages=offline_urls(current_user),
        static=offline_static_urls(current_user),
    )


@bp.get("/offline/unavailable")
@login_required
def unavailable() -> str:
    """Kept on the phone, and shown offline in place of a page it does not keep."""
    return render_template("offline/unavailable.html")


def body_attributes() -> Markup:
    """The ``<body>`` attributes offline.js reads: who is logged in, this login, what to keep.

    ``data-user`` and ``data-session`` are the contract with the outbox script (per-user names);
    ``data-mg-clear`` asks the page to delete everything the phone keeps (after a logout).
    """
    attributes = {"data-offline-days": str(int(current_app.config["OFFLINE_MAX_DAYS"]))}
    if current_user.is_authenticated:
        attributes["data-user"] = str(current_user.id)
        attributes["data-session"] = session_marker(current_user)
        attributes["data-offline"] = "pages" if current_user.role == Role.FACILITATOR else "none"
    elif session.pop(CLEAR_FLAG, False):
        attributes["data-mg-clear"] = "1"
    # Markup.format escapes each value.
    return Markup(" ").join(Markup('{}="{}"').format(name, value) for name, value in attributes.items())


def _mark_logout(response: Response) -> Response:
    """After a logout, clear the site's storage (Cache Storage, IndexedDB, service worker).

    ``Clear-Site-Data`` does it where the browser honours it; the login page the logout leads to
    also carries ``data-mg-clear`` so that offline.js deletes every ``mg-`` cache and database.
    """
    if request.endpoint in LOGOUT_ENDPOINTS and request.method == "POST" and response.status_code in (302, 303):
        response.headers["Clear-Site-Data"] = '"storage"'
        session[CLEAR_FLAG] = True
    return response


def _mask_offline_copy(response: Response) -> Response:
    """A page copied for the phone carries no full NIK or No. KK, whatever its template shows; and no indentation."""
    if response.mimetype == "text/html" and not response.direct_passthrough and is_offline_copy():
        response.set_data(slim_html(mask_long_numbers(response.get_data(as_text=True))))
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Mg-Offline-Copy"]))
    return response


def init_offline(app: Flask) -> None:
    """Register the shell's routes, template helpers and response hooks; call after the static files.

    The masking hook is added last so that it runs before Flask-Compress compresses the page
    (Flask runs ``after_request`` functions in reverse order of registration).
    """
    app.config.setdefault("OFFLINE_MAX_DAYS", 14)
    app.register_blueprint(bp)
    app.jinja_env.globals["offline_body_attributes"] = body_attributes
    app.jinja_env.globals["offline_copy"] = is_offline_copy
    app.after_request(_mark_logout)
    app.after_request(_mask_offline_copy)
