"""``flask --app wsgi partners close-expired``: persist the closing of offers past their end date."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import services


@click.command("close-expired")
@with_appcontext
def close_expired_command() -> None:
    """Close every offer whose end date has passed (run daily; pages also do it as they load)."""
    changed = services.close_expired_offers()
    click.echo(f"Offers closed: {changed}.")
