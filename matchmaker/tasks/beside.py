"""Run a command with the task worker beside it: ``python -m matchmaker.tasks.beside gunicorn …``.

``make run`` uses it so that one Ctrl-C (or gunicorn stopping for any reason) also stops the
worker: the worker gets SIGINT, Huey's graceful stop (it finishes the task in hand), and is
killed if it has not stopped within :data:`GRACE_SECONDS`.
"""

from __future__ import annotations

import signal
import subprocess
import sys

GRACE_SECONDS = 20


def worker_command() -> list[str]:
    """The worker, run by the same Python as this wrapper."""
    return [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]


def stop(process: subprocess.Popen, *, signalled: bool = False) -> None:
    """Ask ``process`` to stop (unless the terminal already did: a second SIGINT would cut short
    Huey's graceful stop), then make sure it has."""
    if process.poll() is not None:
        return
    if not signalled:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: list[str]) -> int:
    """Start the worker, run ``argv`` in the foreground, stop the worker when it ends; return its exit code."""
    if not argv:
        print("usage: python -m matchmaker.tasks.beside COMMAND [ARG...]", file=sys.stderr)
        return 2
    worker = subprocess.Popen(worker_command())  # noqa: S603 - our own worker, by the same Python
    main_process = None
    interrupted = False
    try:
        main_process = subprocess.Popen(argv)  # noqa: S603 - the command line make run gives
        while True:
            try:
                return main_process.wait()
            except KeyboardInterrupt:
                # The terminal sent SIGINT to the whole group: the command and the worker are stopping too.
                interrupted = True
    finally:
        if main_process is not None:
            stop(main_process, signalled=interrupted)
        stop(worker, signalled=interrupted)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
