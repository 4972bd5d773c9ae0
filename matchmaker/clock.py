"""One clock for the whole app: the installation's time zone.

Timestamps are stored in UTC (``models.utcnow``); every "today" and every date or time shown to
a person is taken in the installation's zone, the ``TIMEZONE`` setting (Asia/Jakarta, WIB, by
default; Asia/Makassar, WITA, or Asia/Jayapura, WIT, in other provinces). Without this, a consent
recorded at 00.54 WIB would be dated the day before, because 00.54 WIB is 17.54 UTC.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Jakarta"
# The names Indonesians use for their three zones, accepted as well as the IANA names.
ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def resolve_timezone(name: str | None) -> str:
    """The IANA name for ``name`` (an IANA name or WIB/WITA/WIT); ``ValueError`` if unknown."""
    text = (name or "").strip() or DEFAULT_TIMEZONE
    text = ALIASES.get(text.upper(), text)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"TIMEZONE={name!r} is not a known time zone. Use Asia/Jakarta (WIB), "
            "Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
        ) from exc
    return text


def zone() -> ZoneInfo:
    """The installation's time zone (from the app's config, or the environment outside an app)."""
    if has_app_context():
        name = current_app.config.get("TIMEZONE") or DEFAULT_TIMEZONE
    else:
        name = resolve_timezone(os.environ.get("TIMEZONE"))
    return ZoneInfo(name)


def now() -> dt.datetime:
    """The current moment as an aware datetime in the installation's zone."""
    return dt.datetime.now(zone())


def today() -> dt.date:
    """Today's date in the installation's time zone."""
    return now().date()


def local(value: dt.datetime) -> dt.datetime:
    """``value`` in the installation's zone; a naive value is a stored UTC timestamp."""
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    return aware.astimezone(zone())


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The local calendar day of a stored timestamp (a plain date is returned as it is)."""
    if isinstance(value, dt.datetime):
        return local(value).date()
    return value
