"""gunicorn settings for ``make load-test``: each worker writes its garbage-collector pauses.

Passed with ``-c``; every collection longer than 5 ms is appended to
``$LOAD_GC_LOG_DIR/gc-<pid>.txt`` as ``<unix time> <generation> <ms>``, and ``run.py`` reports
how many fell in the measured run and the longest. A full collection holds the interpreter,
so it stalls every thread of the worker at once.
"""

from __future__ import annotations

import gc
import os
import time

LONG_MS = 5.0


def post_fork(server, worker) -> None:
    """Start logging this worker's collections (gunicorn hook)."""
    folder = os.environ.get("LOAD_GC_LOG_DIR")
    if not folder:
        return
    log = open(os.path.join(folder, f"gc-{os.getpid()}.txt"), "a", encoding="utf-8")  # noqa: SIM115
    started = [0.0]

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        pause = (time.perf_counter() - started[0]) * 1000
        if pause > LONG_MS:
            log.write(f"{time.time():.3f} {info['generation']} {pause:.1f}\n")
            log.flush()

    gc.callbacks.append(record)
