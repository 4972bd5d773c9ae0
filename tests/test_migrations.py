"""Models and migrations agree, and the chain upgrades and downgrades on every backend."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import BACKEND, database_url, make_app


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a temporary SQLite file, or a new PostgreSQL database."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = make_url(database_url())
    name = f"migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
