"""``flask --app wsgi worker``: the process that runs queued and scheduled tasks (``make run`` starts it)."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks run at once (threads).")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run background tasks and the schedule (notify-due, close-expired daily; ranker retraining weekly)."""
    from flask import current_app

    from .queue import huey

    if huey.immediate:
        raise click.ClickException("TASK_QUEUE_IMMEDIATE is set: tasks run in the web process, no worker is needed.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    backend = current_app.config.get("TASK_QUEUE_URL") or "sqlite (instance/tasks.sqlite3)"
    # Name the kind of store, never the URL itself: it may carry a password.
    click.echo(f"worker: queue in {backend.split(':', 1)[0]}, {workers} thread(s)")
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                    check_worker_health=True)
    consumer.run()
