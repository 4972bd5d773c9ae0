"""Flask-Login wiring: sessions that end when the account's session generation changes."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models import User


def load_user(login_id: str) -> User | None:
    """The account of a session or remember cookie, if that login is still valid.

    ``login_id`` is what :meth:`User.get_id` gave at login. A login made before the account's
    last logout, password change, reset, disable, role or area change carries an old
    generation and is refused, and so is any login of an account that is not active.
    """
    parts = login_id.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 18:
        return None
    # Her areas come in the same query: most pages scope what they show by them.
    user = db.session.get(User, int(parts[0]), options=[joinedload(User.areas)])
    if user is None or not user.is_active or not user.holds_session(parts[1], parts[2]):
        return None
    return user


def init_login(app: Flask) -> None:
    """Attach Flask-Login to ``app`` and tell it how to load users."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
