"""`make run`'s wrapper: the worker starts beside the web server and stops with it."""

from __future__ import annotations

import subprocess
import sys

from matchmaker.tasks import beside


def test_the_worker_stops_when_the_web_server_stops(monkeypatch):
    """After Ctrl-C (or a crash of gunicorn) a worker would keep running on its own, holding the queue."""
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(args, *rest, **kwargs):
        process = real_popen(args, *rest, **kwargs)
        started.append(process)
        return process

    # A stand-in worker that would run for a minute; the web server is a command that exits with 3.
    monkeypatch.setattr(beside, "worker_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(beside.subprocess, "Popen", popen)
    code = beside.main([sys.executable, "-c", "raise SystemExit(3)"])
    assert code == 3
    worker, server = started
    assert worker.poll() is not None and server.poll() == 3


def test_the_wrapper_needs_a_command():
    """`python -m matchmaker.tasks.beside` alone would start a worker with nothing beside it."""
    assert beside.main([]) == 2
