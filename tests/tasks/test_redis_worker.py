"""A real worker process runs a job from a real Redis server (the production setup)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from matchmaker.extensions import db
from matchmaker.tasks import services
from matchmaker.tasks.models import Job, JobStatus
from matchmaker.tasks.queue import configure

PROJECT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.stdout.read().decode(errors="replace")[-3000:] if process.stdout else ""


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of this test's own on a free loopback port, without persistence."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed: install Debian's redis-server (apt-get install redis-server); "
                    ".ci/run installs it for CI.")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - Debian's redis-server, on loopback
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = _stop(process)
                pytest.fail(f"redis-server did not start: {output}")
            time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        _stop(process)


def test_a_worker_process_runs_a_job_queued_in_redis(file_app, redis_url, tmp_path):
    """In production (Redis and `flask worker`), queued work would never run, and imports would wait forever."""
    env = {
        **os.environ,
        "DATABASE_URL": file_app.config["SQLALCHEMY_DATABASE_URI"],
        "TASK_QUEUE_URL": redis_url,
        "SECRET_KEY": "worker-test-secret",
        "TASK_QUEUE_IMMEDIATE": "",
    }
    worker = subprocess.Popen(  # noqa: S603 - the app's own worker command
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    configure(redis_url, immediate=False, instance_path=str(tmp_path))
    try:
        job = services.queue_ranker_training(None, request_key="redis-integration", min_decisions=5)
        assert job.status == JobStatus.QUEUED  # queued in Redis, not run by this process
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            db.session.expire_all()
            job = db.session.get(Job, job.id)
            if job.status in JobStatus.FINISHED or time.monotonic() > deadline or worker.poll() is not None:
                break
            time.sleep(0.2)
    finally:
        configure("", immediate=True, instance_path=str(tmp_path))
        output = _stop(worker, signal.SIGINT)
    assert job.status == JobStatus.DONE, f"job {job.status} ({job.error}); worker said:\n{output}"
    assert job.attempts == 1
    assert job.result["decisions"] == 0 and job.result["reason"] == "too_few"
