"""A small world for the workflow tests: a facilitator's household, a business's offer, outsiders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from matchmaker.extensions import db
from matchmaker.models import Household, Match, MatchEvent, MatchStatus, Offer, Organization, Role, User, utcnow
from tests.conftest import DRAMAGA, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

PHONE = "+6281234567890"
ADDRESS = "Kp. Rawa Bebek RT 01/02"
BIRTH = dt.date(1985, 3, 14)


@dataclass
class World:
    """Who and what the tests act on."""

    facilitator: User
    coordinator: User
    household: Household
    organization: Organization
    partner: User
    offer: Offer
    other_facilitator: User
    other_coordinator: User
    other_partner: User


@pytest.fixture
def world(app) -> World:
    """A household of a facilitator in Cibungbulang, a business with an open sewing job, and outsiders."""
    facilitator = make_user(Role.FACILITATOR, name="Bu Nining")
    organization = make_organization(name="Konveksi Bu Ade")
    organization.contact_person = "Ade"
    organization.phone = "+6285711112222"
    partner = make_user(Role.BUSINESS, organization=organization, name="Ade Konveksi")
    household = make_household(facilitator, full_name="Siti Aminah Lestari", nik="3201164503850001",
                               phone=PHONE, address=ADDRESS, birth_date=BIRTH, **SEWER)
    offer = make_offer(organization, places=3)
    other_org = make_organization(name="Warung Lain")
    return World(
        facilitator=facilitator,
        coordinator=make_user(Role.COORDINATOR),
        household=household,
        organization=organization,
        partner=partner,
        offer=offer,
        other_facilitator=make_user(Role.FACILITATOR),
        other_coordinator=make_user(Role.COORDINATOR, areas=[DRAMAGA]),
        other_partner=make_user(Role.BUSINESS, organization=other_org),
    )


def make_match(world: World, status: str, *, consent: bool | None = None, household: Household | None = None,
               offer: Offer | None = None, partner_request: bool = False) -> Match:
    """A match already in ``status`` with the history that leads there (no notifications)."""
    path = [MatchStatus.PROPOSED]
    if status in (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED, MatchStatus.COMPLETED):
        path.append(MatchStatus.INTRODUCED)
    if status in (MatchStatus.ACCEPTED, MatchStatus.STARTED, MatchStatus.COMPLETED):
        path.append(MatchStatus.ACCEPTED)
    if status in (MatchStatus.STARTED, MatchStatus.COMPLETED):
        path.append(MatchStatus.STARTED)
    if status not in path:
        path.append(status)
    if consent is None:
        consent = status != MatchStatus.PROPOSED
    match = Match(household=household or world.household, offer=offer or world.offer, status=status,
                  consent_at=utcnow() if consent else None, partner_request=partner_request,
                  started_on=dt.date(2026, 11, 1) if MatchStatus.STARTED in path else None,
                  created_by_id=world.facilitator.id, score=0.8, shown_position=1)
    previous = None
    for step in path:
        match.events.append(MatchEvent(actor_id=world.facilitator.id, from_status=previous, to_status=step))
        previous = step
    db.session.add(match)
    db.session.commit()
    return match


def event_count() -> int:
    """How many match events exist."""
    return db.session.query(MatchEvent).count()
