"""Small builders for the graduation and dashboard tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matchmaker.clock import today as local_today
from matchmaker.extensions import db
from matchmaker.graduation.readiness import add_months
from matchmaker.models import Household, Match, MatchStatus, Offer, Organization, ReadinessAssessment
from tests.matches.factories import make_offer


def today() -> dt.date:
    """The app's today (Western Indonesian Time), as the services see it."""
    return local_today()


def months_ago(months: int, days: int = 0) -> dt.date:
    """A day ``months`` calendar months (and ``days`` more days) before today."""
    return add_months(today(), -months) - dt.timedelta(days=days)


def add_match(
    household: Household,
    offer: Offer | None = None,
    *,
    organization: Organization | None = None,
    status: str = MatchStatus.STARTED,
    started_on: dt.date | None = None,
    income_after: int | None = None,
) -> Match:
    """Create and commit a match of ``household`` (on a new offer of ``organization`` unless given)."""
    if offer is None:
        assert organization is not None
        offer = make_offer(organization, places=5)
    match = Match(household_id=household.id, offer_id=offer.id, status=status, started_on=started_on,
                  income_after=income_after)
    db.session.add(match)
    db.session.commit()
    return match


def assess(household: Household, **fields: Any) -> ReadinessAssessment:
    """Create and commit the facilitator's confirmations for ``household``."""
    assessment = ReadinessAssessment(household_id=household.id, **fields)
    db.session.add(assessment)
    db.session.commit()
    return assessment
