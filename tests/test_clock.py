"""One clock: every "today" and every date or time shown is in the installation's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker import ConfigurationError, clock
from matchmaker.extensions import db
from matchmaker.i18n import format_date, format_datetime
from matchmaker.models import Match, MatchEvent, MatchStatus, Role
from tests.conftest import log_in, make_app, make_household, make_organization, make_user
from tests.matches.factories import make_offer

# 00.54 WIB on 3 December is 17.54 UTC on 2 December: timestamps are stored in UTC.
AFTER_MIDNIGHT_WIB = dt.datetime(2026, 12, 2, 17, 54)


def test_consent_after_midnight_shows_the_same_day_as_its_history(app, client):
    """A consent recorded at 00.54 WIB would be dated the day before the history shows."""
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator)
    offer = make_offer(make_organization())
    match = Match(household_id=household.id, offer_id=offer.id, status=MatchStatus.PROPOSED,
                  consent_at=AFTER_MIDNIGHT_WIB, created_by_id=facilitator.id)
    match.events.append(MatchEvent(actor_id=facilitator.id, to_status=MatchStatus.PROPOSED,
                                   created_at=AFTER_MIDNIGHT_WIB))
    db.session.add(match)
    db.session.commit()
    log_in(client, facilitator)
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert "3 Des 2026 00.54" in page
    assert "pada 3 Des 2026" in page and "2 Des 2026" not in page


def test_dates_and_times_follow_the_configured_zone(app):
    """An installation in Sulawesi (WITA) would see Jakarta's day and hour."""
    late_evening_wib = dt.datetime(2026, 12, 2, 16, 30)  # 23.30 WIB, 00.30 WITA
    assert format_date(late_evening_wib, "id") == "2 Des 2026"
    assert format_datetime(late_evening_wib, "id") == "2 Des 2026 23.30"
    app.config["TIMEZONE"] = "Asia/Makassar"
    assert format_date(late_evening_wib, "id") == "3 Des 2026"
    assert format_datetime(late_evening_wib, "id") == "3 Des 2026 00.30"
    assert clock.local_date(dt.date(2026, 12, 2)) == dt.date(2026, 12, 2)
    assert clock.today() == dt.datetime.now(clock.zone()).date()


def test_timezone_is_checked_at_start_up():
    """A mistyped TIMEZONE would start an app that dates everything wrongly."""
    with pytest.raises(ConfigurationError, match="Asia/Jakarta"):
        make_app(TIMEZONE="Asia/Jakartaa")
    wita = make_app(TIMEZONE="WITA")
    assert wita.config["TIMEZONE"] == wita.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Makassar"
    assert make_app(TIMEZONE="WIT").config["TIMEZONE"] == "Asia/Jayapura"
