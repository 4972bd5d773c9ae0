"""An import that dies halfway (a crash, a killed process, a lost server) leaves nothing half-written."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from matchmaker.extensions import db
from matchmaker.households import importer
from matchmaker.households.cli import bench_workbook
from matchmaker.models import AuditEvent, Household, HouseholdImport, Role, User
from tests.conftest import BACKEND, TEST_DISTRICT, fresh_database_url, log_in, make_app, make_user

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CIBUNGBULANG_DESA = [("Sukamaju", "Cibungbulang", "Kab. Bogor", "320116")]


def _households() -> int:
    return db.session.scalar(select(func.count()).select_from(Household))


def test_a_crash_during_the_web_import_writes_nothing_and_the_batch_can_be_confirmed_again(app, client, monkeypatch):
    """A crash in the middle of an import would leave part of the file in her caseload, or block a retry."""
    facilitator = make_user(Role.FACILITATOR)
    log_in(client, facilitator)
    upload = client.post(
        "/households/import", data={"file": (io.BytesIO(bench_workbook(60, CIBUNGBULANG_DESA)), "kpm.xlsx")},
        content_type="multipart/form-data",
    )
    confirm_url = upload.headers["Location"] + "/confirm"
    real_write = importer._write

    def write_then_crash(*args, **kwargs):
        real_write(*args, **kwargs)  # every row is inserted, then the process "dies" before the commit
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(importer, "_write", write_then_crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post(confirm_url).status_code == 500
    assert _households() == 0
    assert db.session.scalar(select(HouseholdImport.applied_at)) is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "household.import")) == 0
    monkeypatch.setattr(importer, "_write", real_write)
    assert client.post(confirm_url).status_code == 302
    assert _households() == 60


def _writing_started(url: str, database_file: Path | None) -> bool:
    """Whether the importer has begun writing rows in its (uncommitted) transaction."""
    if database_file is not None:
        # SQLite creates the rollback journal at the transaction's first write.
        return database_file.with_name(database_file.name + "-journal").exists()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'household' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
            )).first())
    finally:
        engine.dispose()


def test_an_import_killed_halfway_leaves_nothing_half_written(tmp_path):
    """Killing the import command (or the server dying) mid-way would leave part of a file imported."""
    from matchmaker.reference.regions import load_regions_subset

    rows = 6000
    workbook = tmp_path / "kpm.xlsx"
    workbook.write_bytes(bench_workbook(rows, CIBUNGBULANG_DESA))
    with fresh_database_url(tmp_path, "killed") as url:
        application = make_app(SQLALCHEMY_DATABASE_URI=url)
        with application.app_context():
            db.create_all()
            load_regions_subset(db.session, [TEST_DISTRICT])
            make_user(Role.FACILITATOR, email="bu.ani@example.test")
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        database_file = Path(url.removeprefix("sqlite:///")) if BACKEND != "postgresql" else None
        environment = dict(os.environ, DATABASE_URL=url, SECRET_KEY="kill-test-secret", FLASK_APP="wsgi")
        command = [sys.executable, "-m", "flask", "households", "import", str(workbook),
                   "--facilitator", "bu.ani@example.test"]
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment,  # noqa: S603 - our own CLI
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not _writing_started(url, database_file):
            if process.poll() is not None:
                raise AssertionError("the import ended before it started writing: " + process.stderr.read().decode())
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL, "the import finished before it could be killed"

        with application.app_context():
            assert _households() == 0
            assert db.session.scalar(select(func.count()).select_from(User)) == 1
            db.session.remove()
            db.engine.dispose()
        finished = subprocess.run(command, cwd=PROJECT_ROOT, env=environment, capture_output=True,  # noqa: S603
                                  text=True, timeout=300)
        assert finished.returncode == 0, finished.stderr
        with application.app_context():
            assert _households() == rows
            db.session.remove()
            db.engine.dispose()
