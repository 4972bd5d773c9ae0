"""A suspended or rejected partner: its pending matches are withdrawn, its members can do nothing, see no contact."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.admin.services import reject_organization, suspend_organization
from matchmaker.extensions import db
from matchmaker.matches import workflow
from matchmaker.matches.ranking import rank_offers_for_household
from matchmaker.models import (
    AuditEvent,
    Match,
    MatchEvent,
    MatchStatus,
    Notification,
    OrgStatus,
    Role,
)
from matchmaker.notifications import Kind, text_of
from matchmaker.partners.search import OfferFilters, search_offers, search_partners
from matchmaker.partners.services import proposable_offers
from tests.conftest import log_in, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

from .conftest import PHONE, event_count, make_match

TODAY = dt.date(2026, 11, 27)
FACILITATOR_PHONE = "+6281399990001"


def _second_household(world):
    return make_household(world.facilitator, full_name="Euis Komariah Sari", nik="3201164504860002",
                          phone="+6281200000002", **SEWER)


def _suspend(world) -> None:
    suspend_organization(world.coordinator, world.organization, "Penipuan terhadap KPM")
    db.session.expire_all()


def test_suspension_withdraws_pending_introductions_and_requests_and_tells_the_facilitator(world):
    """A suspended business would keep introductions waiting, and her facilitator would not know."""
    accepted = make_match(world, MatchStatus.ACCEPTED)
    introduced = make_match(world, MatchStatus.INTRODUCED, household=_second_household(world))
    third = make_household(world.facilitator, full_name="Neneng Hasanah", nik="3201164505870003", **SEWER)
    requested = make_match(world, MatchStatus.PROPOSED, household=third, partner_request=True)
    _suspend(world)
    assert db.session.get(Match, introduced.id).status == MatchStatus.DROPPED
    assert db.session.get(Match, introduced.id).decline_reason == workflow.WITHDRAWN_REASON
    assert db.session.get(Match, requested.id).status == MatchStatus.DECLINED
    assert db.session.get(Match, accepted.id).status == MatchStatus.ACCEPTED
    last = db.session.query(MatchEvent).filter_by(match_id=introduced.id).order_by(MatchEvent.id.desc()).first()
    assert (last.from_status, last.to_status, last.actor_id) == (
        MatchStatus.INTRODUCED, MatchStatus.DROPPED, world.coordinator.id)
    notes = db.session.query(Notification).filter_by(user_id=world.facilitator.id, kind=Kind.WITHDRAWN).all()
    assert sorted(note.match_id for note in notes) == sorted([introduced.id, requested.id])
    assert "ditangguhkan" in text_of(notes[0], world.facilitator)
    audit = db.session.query(AuditEvent).filter_by(action="organization_suspended").one()
    assert audit.detail == {"withdrawn": 2}


def test_a_failed_suspension_withdraws_nothing(world):
    """A refused suspension (already suspended) could still drop the partner's introductions."""
    introduced = make_match(world, MatchStatus.INTRODUCED)
    world.organization.status = OrgStatus.SUSPENDED
    db.session.commit()
    with pytest.raises(Exception):  # noqa: B017 - AccountError("not_active")
        suspend_organization(world.coordinator, world.organization, "lagi")
    db.session.rollback()
    assert db.session.get(Match, introduced.id).status == MatchStatus.INTRODUCED


PARTNER_STEPS = [(from_status, to_status) for (from_status, to_status), roles in workflow.TRANSITIONS.items()
                 if from_status is not None and Role.BUSINESS in roles]


@pytest.mark.parametrize("status", [OrgStatus.SUSPENDED, OrgStatus.REJECTED])
@pytest.mark.parametrize(("from_status", "to_status"), PARTNER_STEPS)
def test_members_of_an_inactive_organization_take_no_step(world, status, from_status, to_status):
    """A member of a suspended business could still accept an introduction and read her phone."""
    match = make_match(world, from_status)
    world.organization.status = status
    db.session.commit()
    before = event_count()
    data = {"reason": "too_far"} if to_status == MatchStatus.DECLINED else {}
    with pytest.raises(workflow.WorkflowError) as raised:
        workflow.transition(match, to_status, world.partner, today=TODAY, **data)
    assert raised.value.code == "organization_inactive"
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == from_status and event_count() == before
    assert workflow.allowed_steps(world.partner, db.session.get(Match, match.id)) == []


def test_an_inactive_partner_cannot_ask_for_an_introduction(world):
    """A suspended business could still ask facilitators for candidates."""
    world.organization.status = OrgStatus.SUSPENDED
    db.session.commit()
    with pytest.raises(workflow.WorkflowError) as raised:
        workflow.request_introduction(world.partner, _second_household(world), world.offer)
    assert raised.value.code == "organization_inactive"
    assert db.session.query(Match).count() == 0


def test_the_household_side_can_close_but_not_send_her_to_a_suspended_partner(world):
    """A facilitator could introduce her to a suspended business, or could not end a match with it."""
    proposed = make_match(world, MatchStatus.PROPOSED, consent=False)
    accepted = make_match(world, MatchStatus.ACCEPTED, household=_second_household(world))
    _suspend(world)
    for match, action in ((proposed, lambda m: workflow.record_consent(world.facilitator, m)),
                          (proposed, lambda m: workflow.transition(m, MatchStatus.INTRODUCED, world.facilitator,
                                                                   consent=True, today=TODAY)),
                          (accepted, lambda m: workflow.transition(m, MatchStatus.STARTED, world.facilitator,
                                                                   started_on=TODAY, today=TODAY))):
        with pytest.raises(workflow.WorkflowError) as raised:
            action(db.session.get(Match, match.id))
        assert raised.value.code == "organization_inactive"
    workflow.transition(db.session.get(Match, accepted.id), MatchStatus.DROPPED, world.facilitator,
                        reason="partner_ended", today=TODAY)
    workflow.transition(db.session.get(Match, proposed.id), MatchStatus.DECLINED, world.facilitator,
                        reason="not_interested", today=TODAY)
    assert db.session.get(Match, accepted.id).status == MatchStatus.DROPPED
    assert db.session.get(Match, proposed.id).status == MatchStatus.DECLINED


def test_an_accepted_match_hides_her_contact_from_a_suspended_partner(world, client):
    """After a suspension for fraud, its member could still read her name and phone and her facilitator's."""
    world.facilitator.phone = FACILITATOR_PHONE
    db.session.commit()
    accepted = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.partner)
    before = client.get(f"/matches/{accepted.id}").get_data(as_text=True)
    assert "Siti Aminah Lestari" in before and PHONE in before and FACILITATOR_PHONE in before
    _suspend(world)
    page = client.get(f"/matches/{accepted.id}")
    inbox = client.get("/matches/inbox")
    for response in (page, inbox):
        text = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Siti Aminah Lestari" not in text and PHONE not in text and FACILITATOR_PHONE not in text
        assert "3201164503850001" not in text
    assert "ditangguhkan" in page.get_data(as_text=True)
    refused = client.post(f"/matches/{accepted.id}/accept")
    assert refused.status_code in (403, 409)
    assert not db.session.query(AuditEvent).filter_by(action="match.contact_shown", actor_id=world.partner.id,
                                                      target_id=accepted.id).count() > 1


def test_a_suspended_partners_offers_are_never_proposed(world):
    """A facilitator could still be offered, or propose her to, a suspended business's job."""
    other = make_organization(name="Konveksi Aktif")
    make_user(Role.BUSINESS, organization=other)
    active_offer = make_offer(other, title="Penjahit di konveksi aktif")
    assert world.offer in proposable_offers()
    _suspend(world)
    offers = proposable_offers()
    assert world.offer not in offers and active_offer in offers
    ranked = [proposal.offer.id for proposal in rank_offers_for_household(world.household, k=20)]
    assert world.offer.id not in ranked and active_offer.id in ranked
    found = [row.offer.id for row in search_offers(world.facilitator, OfferFilters(open_only=False))]
    assert world.offer.id not in found and active_offer.id in found
    partners = [row.organization.id for row in search_partners(world.facilitator)]
    assert world.organization.id not in partners and other.id in partners
    with pytest.raises(workflow.WorkflowError):
        workflow.propose(world.facilitator, world.household, world.offer)


def test_rejecting_an_organization_withdraws_its_requests(world):
    """A rejected registration's request for an introduction would stay waiting on a facilitator."""
    world.organization.status = OrgStatus.PENDING
    db.session.commit()
    requested = make_match(world, MatchStatus.PROPOSED, partner_request=True)
    reject_organization(world.coordinator, world.organization, "Alamat usaha tidak ditemukan")
    db.session.expire_all()
    assert db.session.get(Match, requested.id).status == MatchStatus.DECLINED
    assert db.session.query(Notification).filter_by(kind=Kind.WITHDRAWN).count() == 1
