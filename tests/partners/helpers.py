"""Small factories for partner tests."""

from __future__ import annotations

import datetime as dt

from matchmaker.extensions import db
from matchmaker.models import Match, MatchStatus, Offer, OfferKind, OfferStatus, Organization
from tests.conftest import SUKAMAJU, make_household

TODAY = dt.date(2026, 11, 27)


def make_offer(organization: Organization, **fields: object) -> Offer:
    """Create and commit an open offer of ``organization``."""
    values: dict[str, object] = {
        "kind": OfferKind.JOB if organization.kind == "business" else OfferKind.TRAINING,
        "title": "Penjahit borongan",
        "description": "Menjahit gamis di rumah, bahan disediakan.",
        "skills_text": "jahit, obras",
        "desa_code": SUKAMAJU,
        "places": 2,
        "status": OfferStatus.OPEN,
    }
    values.update(fields)
    offer = Offer(organization_id=organization.id, **values)
    db.session.add(offer)
    db.session.commit()
    return offer


def take_places(offer: Offer, count: int, status: str = MatchStatus.STARTED) -> list[Match]:
    """Give ``offer`` ``count`` matches in ``status`` (each with its own household)."""
    matches = []
    for _ in range(count):
        household = make_household(None)
        match = Match(household_id=household.id, offer_id=offer.id, status=status)
        db.session.add(match)
        matches.append(match)
    db.session.commit()
    return matches
