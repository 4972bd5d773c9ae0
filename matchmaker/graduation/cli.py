"""``flask graduation ...``: the daily reminder of check-ins that have come due."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from . import services

graduation_cli = AppGroup("graduation", help="Graduation follow-up.")


@graduation_cli.command("notify-due")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Count as if today were this day (YYYY-MM-DD).")
def notify_due_command(on: dt.datetime | None) -> None:
    """Notify facilitators of the check-ins due by today that they were not told of yet; run it daily."""
    count = services.notify_due(on.date() if on else None)
    click.echo(f"Check-in reminders sent: {count}.")
