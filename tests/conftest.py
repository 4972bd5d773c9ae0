"""Shared fixtures: an app on a fresh database per test, a client, factories and ``login_as``.

The backend is chosen by ``MATCHMAKER_TEST_BACKEND`` (``sqlite``, the default, or
``postgresql``, which reads ``TEST_DATABASE_URL``); ``make test`` runs the suite on both.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from matchmaker.models import (
    Household,
    Organization,
    OrgKind,
    OrgStatus,
    Region,
    Role,
    User,
    UserStatus,
    utcnow,
)

BACKEND = os.environ.get("MATCHMAKER_TEST_BACKEND", "sqlite")
PASSWORD = "rahasia-123"
# Kab. Bogor: the district every test (and the demo) lives in.
TEST_DISTRICT = "32.01"
CIBUNGBULANG = "32.01.16"
SUKAMAJU = "32.01.16.2013"
DRAMAGA = "32.01.30"


def database_url() -> str:
    """The URL of the test database for the selected backend."""
    if BACKEND == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            raise pytest.UsageError("MATCHMAKER_TEST_BACKEND=postgresql needs TEST_DATABASE_URL")
        return url
    return "sqlite://"


_schema_ready = False


@contextmanager
def fresh_database_url(directory: Path, name: str) -> Iterator[str]:
    """An empty database of the selected backend for one test: a SQLite file in ``directory``,
    or a new PostgreSQL database on the test server, dropped afterwards."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{directory / (name + '.sqlite3')}"
        return
    url = make_url(database_url())
    database = f"{name}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield url.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def _reset_postgres_schema() -> None:
    """Create the schema once per session; later tests start from emptied tables."""
    global _schema_ready
    # Modules with their own minimal app (tests/reference, tests/demo) may have dropped tables.
    if not _schema_ready or not inspect(db.engine).has_table("household"):
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        _schema_ready = True


def _empty_postgres_tables() -> None:
    names = ", ".join(f'"{table.name}"' for table in db.metadata.tables.values())
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in its own application context.

    The ``app`` fixture keeps a context open for the test body; without this, requests
    would share its ``g`` (and so Flask-Login's user and Flask-Babel's locale).
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The request committed through its own session: let the test body see it.
        db.session.expire_all()
        return response


def make_app(**overrides: object) -> Flask:
    """Build an app on the test database with ``overrides`` applied to :class:`TestConfig`."""
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = database_url()
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = FreshContextClient
    return application


@pytest.fixture
def app() -> Iterator[Flask]:
    """An app whose database is fresh for this test and holds the regions of Kab. Bogor."""
    from matchmaker.reference.regions import load_regions_subset

    application = make_app()
    with application.app_context():
        if BACKEND == "postgresql":
            _reset_postgres_schema()
        else:
            db.create_all()
        load_regions_subset(db.session, [TEST_DISTRICT])
        db.session.commit()
        yield application
        db.session.remove()
        if BACKEND == "postgresql":
            _empty_postgres_tables()
        # Each test builds its own app and engine: close its pool now (for SQLite's in-memory database
        # that drops it), or PostgreSQL's connections pile up until the server refuses new clients.
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def file_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The test app on PostgreSQL, or an app on a SQLite file when testing SQLite.

    For tests where threads must really race, or where the connection pool is dropped: an
    in-memory SQLite database serialises everything through one connection and dies with it.
    """
    if BACKEND == "postgresql":
        yield request.getfixturevalue("app")
        return
    from matchmaker.reference.regions import load_regions_subset

    application = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.sqlite3'}")
    with application.app_context():
        db.create_all()
        load_regions_subset(db.session, [TEST_DISTRICT])
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


_serial = itertools.count(1)


def make_user(
    role: str = Role.FACILITATOR,
    *,
    email: str | None = None,
    name: str | None = None,
    status: str = UserStatus.ACTIVE,
    areas: list[str] | None = None,
    organization: Organization | None = None,
    password: str = PASSWORD,
) -> User:
    """Create and commit a user; facilitators get Cibungbulang and coordinators Kab. Bogor by default."""
    number = next(_serial)
    if areas is None:
        areas = {Role.FACILITATOR: [CIBUNGBULANG], Role.COORDINATOR: [TEST_DISTRICT]}.get(role, [])
    user = User(
        email=email or f"{role}{number}@example.test",
        name=name or f"{role.title()} {number}",
        role=role,
        status=status,
        organization=organization,
    )
    user.set_password(password)
    user.areas = [db.session.get(Region, code) for code in areas]
    db.session.add(user)
    db.session.commit()
    return user


def make_organization(
    kind: str = OrgKind.BUSINESS,
    *,
    name: str | None = None,
    status: str = OrgStatus.ACTIVE,
    desa_code: str = SUKAMAJU,
) -> Organization:
    """Create and commit a partner organization."""
    organization = Organization(
        kind=kind,
        name=name or f"Mitra {next(_serial)}",
        status=status,
        desa_code=desa_code,
        verified_at=utcnow() if status == OrgStatus.ACTIVE else None,
    )
    db.session.add(organization)
    db.session.commit()
    return organization


def make_household(facilitator: User | None, *, desa_code: str = SUKAMAJU, **fields: object) -> Household:
    """Create and commit a household with a structurally valid NIK."""
    number = next(_serial)
    values: dict[str, object] = {
        "nik": f"320116{450290 + number % 9:06d}{number:04d}"[:16],
        "full_name": f"Siti Aminah {number}",
        "desa_code": desa_code,
        "facilitator_id": facilitator.id if facilitator else None,
    }
    values.update(fields)
    household = Household(**values)
    db.session.add(household)
    db.session.commit()
    return household


@pytest.fixture
def factories() -> dict[str, Callable[..., object]]:
    """The small factories, for tests that prefer a fixture to an import."""
    return {"user": make_user, "organization": make_organization, "household": make_household}


def log_in(client: FlaskClient, user: User, password: str = PASSWORD):
    """Log ``user`` in through the login form."""
    return client.post("/auth/login", data={"email": user.email, "password": password})


@pytest.fixture
def login_as(app: Flask, client: FlaskClient) -> Callable[..., User]:
    """``login_as(role)`` creates a user of that role (partners with an organization) and logs in."""

    def _login_as(role: str, **kwargs: object) -> User:
        if role in Role.PARTNERS and "organization" not in kwargs:
            kind = OrgKind.BUSINESS if role == Role.BUSINESS else OrgKind.VILLAGE_OFFICE
            kwargs["organization"] = make_organization(kind)
        user = make_user(role, **kwargs)  # type: ignore[arg-type]
        response = log_in(client, user)
        assert response.status_code == 302, "login failed"
        return user

    return _login_as
