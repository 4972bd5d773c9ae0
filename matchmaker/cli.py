"""Command-line commands: ``flask --app wsgi seed regions|skills|demo``."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .extensions import db

seed_cli = AppGroup("seed", help="Load reference data and the demo district.")


def _progress(done: int, total: int) -> None:
    click.echo(f"\r  {done:,}/{total:,}", nl=False)
    if done >= total:
        click.echo()


@seed_cli.command("regions")
def seed_regions() -> None:
    """Load every Indonesian administrative region (Kemendagri codes); safe to run again."""
    from .reference.regions import load_regions

    started = time.perf_counter()
    click.echo("Loading administrative regions…")
    inserted = load_regions(db.session, progress=_progress)
    click.echo(f"Regions: {inserted:,} added in {time.perf_counter() - started:.1f} s.")


@seed_cli.command("skills")
def seed_skills() -> None:
    """Load the canonical skills vocabulary; safe to run again."""
    from .reference.skills import load_skills

    inserted, updated = load_skills(db.session)
    click.echo(f"Skills: {inserted} added, {updated} updated.")


@seed_cli.command("demo")
@click.option("--password", envvar="DEMO_PASSWORD", required=True, help="Password of every demo account.")
def seed_demo(password: str) -> None:
    """Load the demo district of Kabupaten Bogor; safe to run again."""
    from .demo.district import load_demo

    started = time.perf_counter()
    from flask import current_app

    # Where the app reads its learned model (instance/ranker-model.pkl unless configured; tests set none).
    configured = current_app.config.get("RANKER_MODEL_PATH")
    model_path = Path(configured) if configured else None
    counts = load_demo(db.session, password=password, progress=lambda message: click.echo(f"  {message}"),
                       model_path=model_path)
    summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    click.echo(f"Demo district: {summary} added in {time.perf_counter() - started:.1f} s.")


@seed_cli.command("load")
@click.option("--households", default=100_000, show_default=True, help="KPM households (250 per facilitator).")
@click.option("--offers", default=10_000, show_default=True, help="Offers and programs of the partners.")
@click.option("--password", envvar="LOAD_PASSWORD", default=None, help="Password of every load-test account.")
def seed_load(households: int, offers: int, password: str | None) -> None:
    """Build a full-size district for load tests (accounts …@load.test); does nothing if already there."""
    from .demo.load import DEFAULT_PASSWORD, LoadDataError, load_district

    started = time.perf_counter()
    password = password or DEFAULT_PASSWORD
    try:
        summary = load_district(
            db.session, households=households, offers=offers, password=password,
            progress=lambda message: click.echo(f"  {message}"),
        )
    except LoadDataError as error:
        raise click.ClickException(str(error)) from error
    if summary.already_loaded:
        click.echo(f"Load district already there ({summary.line()}): nothing added.")
    else:
        click.echo(f"Load district: {summary.line()} added in {time.perf_counter() - started:.1f} s.")
    click.echo(f"Accounts: pendamping1@load.test …, usaha1@load.test …, koordinator@load.test; password {password}")


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    from .graduation.cli import graduation_cli
    from .households.cli import households_cli
    from .matches.cli import matches_cli, ranker_cli
    from .reference.cli import regions_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(regions_cli)
    app.cli.add_command(households_cli)
    app.cli.add_command(graduation_cli)
    app.cli.add_command(ranker_cli)
    app.cli.add_command(matches_cli)
