"""Background work on a task queue (Huey): see :mod:`.queue` for storage and reliability, :mod:`.jobs`
for the tasks, :mod:`.services` for asking for work, ``flask --app wsgi worker`` for the worker.

Settings (environment variables, or the app's config):

- ``TASK_QUEUE_URL``: empty for a SQLite file in ``instance/`` (the default), ``redis://…`` in production;
- ``TASK_QUEUE_IMMEDIATE``: ``1`` runs every task in the web process at once (the tests do this);
- ``IMPORT_QUEUE_ROWS``: sheets with more data rows are checked in the background (default 300);
- ``EXPORT_QUEUE_ROWS``: caseload exports of more households are written in the background (default 1000);
- ``TASK_RETRY_SECONDS``: the first pause before a failed job is tried again (default 30, then ×4).
"""

from __future__ import annotations

import os

from flask import Flask

TRUE = ("1", "true", "yes")


def init_tasks(app: Flask) -> None:
    """Configure the queue from the app's settings, bind it to ``app``, add the pages and the worker command."""
    from . import jobs, models  # noqa: F401 - the tasks and the job table are registered on import
    from .cli import bench_queue_import_command, worker_command
    from .queue import bind_app, configure
    from .views import bp

    app.config.setdefault("TASK_QUEUE_URL", os.environ.get("TASK_QUEUE_URL", ""))
    immediate = os.environ.get("TASK_QUEUE_IMMEDIATE", "").lower() in TRUE or bool(app.testing)
    app.config.setdefault("TASK_QUEUE_IMMEDIATE", immediate)
    app.config.setdefault("IMPORT_QUEUE_ROWS", int(os.environ.get("IMPORT_QUEUE_ROWS", "300")))
    app.config.setdefault("EXPORT_QUEUE_ROWS", int(os.environ.get("EXPORT_QUEUE_ROWS", "1000")))
    app.config.setdefault("TASK_RETRY_SECONDS", int(os.environ.get("TASK_RETRY_SECONDS", "30")))
    configure(app.config["TASK_QUEUE_URL"], immediate=bool(app.config["TASK_QUEUE_IMMEDIATE"]),
              instance_path=app.instance_path)
    bind_app(app)
    app.register_blueprint(bp)
    from ..admin import jobs_views  # noqa: F401 - the admin's jobs page, on the admin blueprint

    app.cli.add_command(worker_command)
    app.cli.add_command(bench_queue_import_command)
