"""Models and migrations agree, and the chain upgrades and downgrades on every backend."""

from __future__ import annotations

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect

from tests.conftest import fresh_database_url, make_app


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a temporary SQLite file, or a new PostgreSQL database."""
    with fresh_database_url(tmp_path, "migrations") as url:
        yield url


def test_migrations_upgrade_check_and_downgrade(empty_database_url):
    """A deployment's `flask db upgrade` would fail, or leave the schema unlike the models."""
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        engine = create_engine(empty_database_url)
        tables = set(inspect(engine).get_table_names())
        assert {"region", "user", "household", "organization", "offer", "match", "match_event"} <= tables
        check()  # raises (SystemExit) when the models have changes no migration holds
        downgrade(revision="base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        engine.dispose()
