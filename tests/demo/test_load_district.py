"""The load-test district: `flask seed load` builds a large, valid district once."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.demo.load import existing_counts, load_district
from matchmaker.extensions import db
from matchmaker.households.nik import check_nik
from matchmaker.households.services import kecamatan_codes
from matchmaker.models import Household, Match, MatchEvent, MatchStatus, Offer, User
from matchmaker.reference.skills import load_skills


def test_small_load_district_is_valid_and_built_once(app):
    """`make load-test` would log in with accounts that do not exist, or fail on invalid NIKs or a second run."""
    load_skills(db.session)
    summary = load_district(db.session, households=600, offers=120, password="uji-beban-test")
    assert not summary.already_loaded
    assert summary.counts["households"] == 600 and summary.counts["offers"] == 120
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.like("pendamping%"))) == 3
    niks = db.session.scalars(select(Household.nik)).all()
    assert len(set(niks)) == 600
    known = kecamatan_codes()
    assert all(check_nik(nik, kecamatan_codes=known).ok for nik in niks)
    introduced = db.session.scalar(
        select(func.count()).select_from(Match).where(Match.status == MatchStatus.INTRODUCED)
    )
    assert introduced > 0
    # Every match starts with its proposal.
    assert db.session.scalar(select(func.count()).select_from(MatchEvent).where(MatchEvent.from_status.is_(None))) \
        == db.session.scalar(select(func.count()).select_from(Match))
    user = db.session.scalar(select(User).where(User.email == "usaha1@load.test"))
    assert user.check_password("uji-beban-test") and user.organization_id is not None
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 120
    again = load_district(db.session, households=600, offers=120, password="uji-beban-test")
    assert again.already_loaded and again.counts == existing_counts(db.session)
    assert db.session.scalar(select(func.count()).select_from(Household)) == 600
