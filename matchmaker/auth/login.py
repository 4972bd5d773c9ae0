"""Flask-Login wiring."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import User


def init_login(app: Flask) -> None:
    """Attach Flask-Login to ``app`` and tell it how to load users."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))
