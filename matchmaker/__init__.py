"""Mitra Graduasi: matching PKH households with local partners on their way to graduation."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from .config import INSTANCE_DIR, PROJECT_DIR, Config


class ConfigurationError(RuntimeError):
    """Raised when the app is started without a setting it cannot run without."""


def create_app(config: type | dict[str, Any] | None = None) -> Flask:
    """Build the Flask application.

    ``config`` is a config class or a mapping of overrides applied after :class:`Config`;
    the test suite passes :class:`~matchmaker.config.TestConfig`.
    """
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(Config)
    os.makedirs(app.instance_path, exist_ok=True)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _load_instance_secret(app)
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = "dev-only-insecure-key"  # noqa: S105
        else:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "string (for example: python3 -c 'import secrets; print(secrets.token_hex(32))')."
            )

    _check_timezone(app)

    from . import extensions

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_DIR / "migrations"))
    extensions.csrf.init_app(app)
    from .caching import init_cache

    init_cache(app)
    from .security import init_security

    init_security(app)
    from .i18n import init_i18n

    init_i18n(app)
    from .auth.login import init_login

    init_login(app)
    from .tasks import init_tasks

    init_tasks(app)

    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .main.views import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    from .api.views import bp as api_bp

    app.register_blueprint(api_bp)
    from .api.v1 import init_api

    init_api(app)
    from .households.views import bp as households_bp

    app.register_blueprint(households_bp)
    from .partners.views import bp as partners_bp

    app.register_blueprint(partners_bp)
    from .graduation.views import bp as graduation_bp

    app.register_blueprint(graduation_bp)

    from .matches.ranking import init_ranking
    from .matches.views import bp as matches_bp

    app.register_blueprint(matches_bp)
    init_ranking(app)
    from .notifications.views import bp as notifications_bp

    app.register_blueprint(notifications_bp)
    # Offline work (issue 17): home visits, the outbox's sync endpoint and the conflict page.
    from .sync.views import bp as sync_bp
    from .visits.views import bp as visits_bp

    app.register_blueprint(visits_bp)
    app.register_blueprint(sync_bp)

    from .submissions import new_token

    app.jinja_env.globals["new_submission_token"] = new_token
    from .cli import register_cli

    register_cli(app)
    from .errors import register_error_handlers

    register_error_handlers(app)
    from .static_files import init_static_files

    init_static_files(app)
    from .offline.views import init_offline

    init_offline(app)
    from .warmup import start_warm_up

    start_warm_up(app)
    return app


def _check_timezone(app: Flask) -> None:
    """Refuse to start with an unknown ``TIMEZONE``; WIB/WITA/WIT become their IANA names."""
    from .clock import resolve_timezone

    try:
        name = resolve_timezone(app.config.get("TIMEZONE"))
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc
    app.config["TIMEZONE"] = name
    app.config["BABEL_DEFAULT_TIMEZONE"] = name


def _load_instance_secret(app: Flask) -> None:
    """Use ``instance/secret_key`` (written by ``make run`` for the demo) when no key is set."""
    if app.config.get("SECRET_KEY") or app.testing:
        return
    path = os.path.join(app.instance_path, "secret_key")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            app.config["SECRET_KEY"] = handle.read().strip()
