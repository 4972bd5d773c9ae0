"""A partner starting from its offer: ranked anonymised candidates, a request, the facilitator's answer."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import Match, MatchStatus, Notification, RankingDecision
from matchmaker.notifications import Kind
from tests.conftest import log_in, make_household
from tests.matches.factories import SEWER

from .conftest import ADDRESS, PHONE


def _html(response) -> str:
    return response.get_data(as_text=True)


def _request(world, client) -> Match:
    log_in(client, world.partner)
    page = _html(client.get(f"/matches/offers/{world.offer.id}/candidates"))
    assert "Siti" in page and "Minta perkenalan" in page
    for secret in (world.household.nik, PHONE, ADDRESS, "Aminah Lestari", "1985"):
        assert secret not in page
    response = client.post(f"/matches/offers/{world.offer.id}/request", data={"target": world.household.id})
    assert response.status_code == 302
    match = db.session.query(Match).one()
    assert (match.status, match.partner_request, match.consent_at) == (MatchStatus.PROPOSED, True, None)
    assert db.session.query(Notification).filter_by(user_id=world.facilitator.id, kind=Kind.REQUEST).count() == 1
    client.post("/auth/logout")
    return match


def test_partner_asks_and_the_facilitator_approves_with_consent(world, client):
    """A partner's request could not reach the facilitator, or be approved without her consent."""
    match = _request(world, client)
    log_in(client, world.facilitator)
    page = _html(client.get(f"/matches/{match.id}"))
    assert "minta diperkenalkan" in page and "Setujui dan perkenalkan" in page
    refused = client.post(f"/matches/{match.id}/approve", data={})
    assert refused.status_code == 400 and "Centang kotak ini setelah ibu setuju." in _html(refused)
    assert client.post(f"/matches/{match.id}/approve", data={"consent": "y"}).status_code == 302
    db.session.expire_all()
    match = db.session.get(Match, match.id)
    assert match.status == MatchStatus.INTRODUCED and match.consent_at is not None
    assert [e.to_status for e in match.events] == ["proposed", "introduced"]
    assert db.session.query(RankingDecision).one().decision == "confirmed"
    assert db.session.query(Notification).filter_by(user_id=world.partner.id, kind=Kind.INTRODUCTION).count() == 1
    client.post("/auth/logout")
    log_in(client, world.partner)
    assert client.post(f"/matches/{match.id}/accept", data={}).status_code == 302


def test_facilitator_declines_a_request_and_the_partner_hears_it(world, client):
    """A declined request would leave the partner waiting without an answer."""
    match = _request(world, client)
    log_in(client, world.facilitator)
    response = client.post(f"/matches/{match.id}/refuse", data={"reason": "not_interested", "note": "sibuk"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == MatchStatus.DECLINED
    assert db.session.query(Notification).filter_by(user_id=world.partner.id,
                                                    kind=Kind.REQUEST_DECLINED).count() == 1
    client.post("/auth/logout")
    log_in(client, world.partner)
    page = _html(client.get(f"/matches/{match.id}"))
    assert "Ibu tidak berminat" in page and PHONE not in page


def test_partner_cannot_request_a_household_it_was_not_shown(world, client):
    """A partner could reach any household by typing its id, or one without a facilitator."""
    orphan = make_household(None, **SEWER)
    log_in(client, world.partner)
    assert client.post(f"/matches/offers/{world.offer.id}/request", data={"target": orphan.id}).status_code == 404
    assert client.post(f"/matches/offers/{world.offer.id}/request", data={"target": 999999}).status_code == 404
    client.post("/auth/logout")
    log_in(client, world.other_partner)
    assert client.get(f"/matches/offers/{world.offer.id}/candidates").status_code == 404
    assert db.session.query(Match).count() == 0


def test_partner_cannot_approve_its_own_request(world, client):
    """A partner could skip the facilitator and the woman's consent."""
    match = _request(world, client)
    log_in(client, world.partner)
    response = client.post(f"/matches/{match.id}/approve", data={"consent": "y"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == MatchStatus.PROPOSED
