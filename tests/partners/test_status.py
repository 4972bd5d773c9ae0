"""Derived offer status: places taken, full, past the end date, what the engine may propose."""

from __future__ import annotations

import datetime as dt

from matchmaker.extensions import db
from matchmaker.models import MatchStatus, OfferStatus, OrgKind, OrgStatus
from matchmaker.partners import services
from tests.conftest import make_organization
from tests.partners.helpers import TODAY, make_offer, take_places


def test_effective_status_rules(app):
    """An offer past its end date or with every place taken would still look open."""
    organization = make_organization()
    offer = make_offer(organization, places=2)
    assert services.effective_status(offer, 1, TODAY) == OfferStatus.OPEN
    assert services.effective_status(offer, 2, TODAY) == OfferStatus.FULL
    offer.end_date = TODAY - dt.timedelta(days=1)
    assert services.effective_status(offer, 0, TODAY) == OfferStatus.CLOSED
    offer.end_date = TODAY
    assert services.effective_status(offer, 0, TODAY) == OfferStatus.OPEN
    offer.status = OfferStatus.DRAFT
    assert services.effective_status(offer, 5, TODAY) == OfferStatus.DRAFT


def test_places_taken_count_only_started_and_completed_matches(app):
    """Proposed or declined matches would eat places, or real hires would not."""
    offer = make_offer(make_organization(), places=3)
    take_places(offer, 1, MatchStatus.STARTED)
    take_places(offer, 1, MatchStatus.COMPLETED)
    take_places(offer, 2, MatchStatus.PROPOSED)
    take_places(offer, 1, MatchStatus.DECLINED)
    row = services.organization_offers(offer.organization, TODAY)[0]
    assert (row.taken, row.status, row.places_left) == (2, OfferStatus.OPEN, 1)
    take_places(offer, 1, MatchStatus.STARTED)
    row = services.organization_offers(offer.organization, TODAY)[0]
    assert (row.taken, row.status, row.places_left) == (3, OfferStatus.FULL, 0)


def test_proposable_offers_exclude_full_expired_draft_and_inactive(app):
    """The engine would propose offers nobody can take up."""
    active = make_organization()
    good = make_offer(active, title="Buka")
    ends_today = make_offer(active, title="Terakhir hari ini", end_date=TODAY)
    full = make_offer(active, title="Penuh", places=1)
    take_places(full, 1)
    make_offer(active, title="Lewat", end_date=TODAY - dt.timedelta(days=1))
    make_offer(active, title="Draf", status=OfferStatus.DRAFT)
    make_offer(active, title="Tutup", status=OfferStatus.CLOSED)
    make_offer(make_organization(status=OrgStatus.SUSPENDED), title="Ditangguhkan")
    make_offer(make_organization(status=OrgStatus.PENDING), title="Menunggu")
    village = make_organization(OrgKind.VILLAGE_OFFICE)
    program = make_offer(village, title="Pelatihan")
    offers = services.proposable_offers(TODAY)
    assert {offer.id for offer in offers} == {good.id, ends_today.id, program.id}
    # Composable: the engine can narrow the query further.
    query = services.proposable_offers_query(TODAY).where(services.Offer.organization_id == village.id)
    assert list(db.session.scalars(query)) == [program]


def test_close_expired_offers_persists_and_cli_runs_it(app):
    """Offers past their end date would stay open in the database and in exports."""
    organization = make_organization()
    expired = make_offer(organization, end_date=TODAY - dt.timedelta(days=3))
    draft_expired = make_offer(organization, status=OfferStatus.DRAFT, end_date=TODAY - dt.timedelta(days=1))
    current = make_offer(organization, end_date=TODAY + dt.timedelta(days=3))
    assert services.close_expired_offers(TODAY) == 2
    assert services.close_expired_offers(TODAY) == 0
    db.session.expire_all()
    assert expired.status == OfferStatus.CLOSED and draft_expired.status == OfferStatus.CLOSED
    assert current.status == OfferStatus.OPEN

    current.end_date = dt.date(2000, 1, 1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["partners", "close-expired"])
    assert result.exit_code == 0 and "Offers closed: 1." in result.output
    db.session.expire_all()
    assert current.status == OfferStatus.CLOSED
