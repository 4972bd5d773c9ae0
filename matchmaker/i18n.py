"""Language selection and the Indonesian formatting of dates and amounts.

Bahasa Indonesia is the default for everyone; English is chosen explicitly and then
remembered on the user's account (or in the session before logging in).
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale as babel_get_locale
from flask_login import current_user

from . import clock
from .extensions import babel
from .labels import label

SESSION_LANGUAGE_KEY = "lang"


def select_locale() -> str:
    """Pick the UI language: the user's saved choice, the session's, or Indonesian."""
    languages = current_app.config["LANGUAGES"]
    # CLI commands translate too (the importer's messages); they have no user or session.
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.preferred_language in languages:
        return current_user.preferred_language
    chosen = session.get(SESSION_LANGUAGE_KEY)
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language of the current request as a plain code (``"id"`` or ``"en"``)."""
    return str(babel_get_locale() or "id")


def format_date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """Format a date the Indonesian way: ``20 Agu 2020`` (``20 Aug 2020`` in English).

    A timestamp (stored in UTC) is dated by the installation's clock, so that the day shown
    agrees with the time its history shows.
    """
    if value is None:
        return "–"
    return babel_format_date(clock.local_date(value), "d MMM y", locale=locale or current_language())


def format_datetime(value: dt.datetime | None, locale: str | None = None) -> str:
    """Format a UTC timestamp in the installation's time zone: ``20 Agu 2020 14.05``."""
    if value is None:
        return "–"
    locale = locale or current_language()
    pattern = "d MMM y HH.mm" if locale == "id" else "d MMM y HH:mm"
    return babel_format_datetime(clock.local(value), pattern, tzinfo=clock.zone(), locale=locale)


def format_rupiah(amount: int | float | None) -> str:
    """Format an amount in Rupiah with Indonesian grouping: ``Rp1.500.000``."""
    if amount is None:
        return "–"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{format_decimal(abs(int(round(amount))), locale='id')}"


def format_number(value: int | float) -> str:
    """Format a count with the grouping of the current language (``12.500`` / ``12,500``)."""
    return format_decimal(value, locale=current_language())


def init_i18n(app: Flask) -> None:
    """Attach Flask-Babel and the formatting filters to ``app``."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["rupiah"] = format_rupiah
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["label"] = label
