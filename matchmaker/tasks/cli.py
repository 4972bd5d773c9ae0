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


@click.command("bench-queue-import")
@click.option("--rows", default=10_000, show_default=True, help="Rows in the generated workbook.")
@click.option("--with-worker/--no-worker", default=True, show_default=True,
              help="Start a worker process for the run (else one must be running already).")
@click.option("--timeout", default=600, show_default=True, help="Seconds to wait for the preview.")
@click.option("--compare", is_flag=True, help="Also time the same preview made in-process, without the queue.")
@with_appcontext
def bench_queue_import_command(rows: int, with_worker: bool, timeout: int, compare: bool) -> None:
    """Time a generated import through the queue: the upload's answer, then the preview being ready.

    Uses the workbook of ``households bench-import``, the upload view's own steps (read, queue) and
    a real worker; the bench facilitator, her preview and the job are deleted afterwards.
    """
    import subprocess
    import sys
    import time

    from flask import current_app
    from sqlalchemy import select

    from ..extensions import db
    from ..households.cli import bench_workbook
    from ..models import HouseholdImport, Region, RegionLevel, Role, User
    from .models import Job, JobStatus
    from .queue import huey
    from .services import import_threshold, new_request_key, queue_import, sheet_rows_over

    district = current_app.config["HOME_DISTRICT"]
    kecamatan = {r.code: r for r in db.session.scalars(
        select(Region).where(Region.level == RegionLevel.SUBDISTRICT, Region.parent_code == district))}
    villages = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.VILLAGE, Region.parent_code.in_(list(kecamatan)))).all()
    if not villages:
        raise click.ClickException(f"no villages of {district} in the database: run `flask --app wsgi seed regions`")
    kabupaten = db.session.get(Region, district)
    desa = [(v.name, kecamatan[v.parent_code].name, kabupaten.display_name if kabupaten else "",
             v.parent_code.replace(".", "")) for v in villages]
    content = bench_workbook(rows, desa)
    queue = "in-process (immediate)" if huey.immediate else (current_app.config.get("TASK_QUEUE_URL") or "sqlite")
    click.echo(f"Workbook: {rows:,} rows, {len(content) / 1e6:.1f} MB; queue: {queue.split(':', 1)[0]}.")
    user = User(email=f"bench-queue-{new_request_key()[:8]}@localhost.invalid", name="Bench", role=Role.FACILITATOR)
    user.set_password(new_request_key())
    user.areas = [kabupaten] if kabupaten else []
    db.session.add(user)
    db.session.commit()
    worker = None
    if with_worker and not huey.immediate:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"],  # noqa: S603
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        # Start the clock once the worker is up (its app built), as a worker of `make run` would be.
        ready = worker.stdout.readline() if worker.stdout else ""
        if not ready.startswith("worker:"):
            raise click.ClickException("the worker did not start")
    job_id = None
    try:
        started = time.perf_counter()
        # What the upload view does: count the rows up to the threshold, then queue the file.
        if not sheet_rows_over(content, "bench.xlsx", import_threshold()):
            raise click.ClickException(f"{rows} rows are not over IMPORT_QUEUE_ROWS ({import_threshold()})")
        job = queue_import(user, content, "bench.xlsx", update_existing=False, request_key=new_request_key())
        job_id = job.id
        answered = time.perf_counter()
        while True:
            db.session.expire_all()
            job = db.session.get(Job, job_id)
            if job.status in JobStatus.FINISHED or time.perf_counter() - started > timeout:
                break
            time.sleep(0.05)
        done = time.perf_counter()
        if job.status != JobStatus.DONE:
            raise click.ClickException(f"the job ended {job.status}: {job.error or 'timed out'}")
        batch = db.session.get(HouseholdImport, job.result["values"]["batch_id"])
        statuses: dict[str, int] = {}
        for row in batch.preview["rows"]:
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1
        click.echo(
            f"Upload answered in {answered - started:.2f} s (counting rows to the threshold, queueing); preview ready "
            f"{done - started:.1f} s after the upload ({done - answered:.1f} s in the queue and worker); "
            f"rows: {statuses} ({db.engine.dialect.name})."
        )
    finally:
        if worker is not None:
            from .beside import stop

            stop(worker)
        db.session.rollback()
        if job_id is not None:
            job = db.session.get(Job, job_id)
            if job is not None and job.result and "values" in job.result:
                db.session.query(HouseholdImport).filter_by(id=job.result["values"]["batch_id"]).delete()
            db.session.query(Job).filter_by(id=job_id).delete()
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
    if compare:
        _time_direct_import(content, kabupaten)


def _time_direct_import(content: bytes, kabupaten) -> None:
    """The same preview made in-process (what a request did before the queue), for comparison; deleted after."""
    import time

    from ..extensions import db
    from ..households import importer
    from ..models import Role, User
    from .services import new_request_key

    user = User(email=f"bench-direct-{new_request_key()[:8]}@localhost.invalid", name="Bench", role=Role.FACILITATOR)
    user.set_password(new_request_key())
    user.areas = [kabupaten] if kabupaten else []
    db.session.add(user)
    db.session.commit()
    try:
        started = time.perf_counter()
        batch = importer.create_import(user, content, "bench.xlsx", update_existing=False)
        click.echo(f"The same preview made in-process (no queue): {time.perf_counter() - started:.1f} s.")
        db.session.delete(batch)
        db.session.commit()
    finally:
        db.session.rollback()
        db.session.delete(db.session.get(User, user.id))
        db.session.commit()
