"""The partner's reach is a hard limit on every app path: a home-based offer waives only her travel."""

from __future__ import annotations

import re

import pytest

from matchmaker.extensions import db
from matchmaker.matches.allocation import plan_batch
from matchmaker.matches.ranking import rank_households_for_offer, rank_offers_for_household
from matchmaker.models import OfferKind, Reach, Role
from tests.conftest import CIBUNGBULANG, DRAMAGA, log_in, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

DRAMAGA_DESA = "32.01.30.2001"
# She cannot travel beyond her desa, so only home-based work from elsewhere can reach her.
STAYS_HOME = {**SEWER, "travel_range": Reach.VILLAGE}


def _home_offers():
    """Two home-based sewing offers in Dramaga: one for its kecamatan only, one for the whole kabupaten."""
    business = make_organization(desa_code=DRAMAGA_DESA)
    local = make_offer(business, home_based=True, reach=Reach.SUBDISTRICT, title="Jahit rumahan warga Dramaga",
                       places=5)
    anywhere = make_offer(business, home_based=True, reach=Reach.DISTRICT, title="Jahit rumahan sekabupaten",
                          places=5)
    return local, anywhere


def test_ranking_service_keeps_a_home_based_offer_within_its_reach(app):
    """A woman of Cibungbulang would be proposed home-based work the partner keeps for Dramaga."""
    local, anywhere = _home_offers()
    hers = make_household(None, **STAYS_HOME)
    neighbour = make_household(None, desa_code="32.01.30.2002", **STAYS_HOME)
    assert [p.offer.id for p in rank_offers_for_household(hers)] == [anywhere.id]
    assert {p.offer.id for p in rank_offers_for_household(neighbour)} == {local.id, anywhere.id}


def test_partner_candidate_list_keeps_to_the_offer_reach(app, client):
    """A partner would be shown (and could ask for) a candidate outside the reach it set itself."""
    local, _ = _home_offers()
    facilitator = make_user(Role.FACILITATOR, areas=[CIBUNGBULANG, DRAMAGA])
    outside = make_household(facilitator, **STAYS_HOME)
    inside = make_household(facilitator, desa_code="32.01.30.2002", **STAYS_HOME)
    assert [c.household.id for c in rank_households_for_offer(local)] == [inside.id]
    owner = make_user(Role.BUSINESS, organization=local.organization)
    log_in(client, owner)
    page = client.get(f"/matches/offers/{local.id}/candidates").get_data(as_text=True)
    targets = {int(t) for t in re.findall(r'name="target" value="(\d+)"', page)}
    assert targets == {inside.id}
    refused = client.post(f"/matches/offers/{local.id}/request", data={"target": outside.id})
    assert refused.status_code == 404


def test_batch_allocation_keeps_a_home_based_offer_within_its_reach(app):
    """The batch would place a Cibungbulang woman in home-based work meant for Dramaga only."""
    local, anywhere = _home_offers()
    db.session.delete(anywhere)
    db.session.commit()
    make_household(None, **STAYS_HOME)
    assert plan_batch(CIBUNGBULANG).assignments == []
    make_household(None, desa_code="32.01.30.2002", **STAYS_HOME)
    assert [a.offer.id for a in plan_batch(DRAMAGA).assignments] == [local.id]


def test_offer_page_says_the_reach_holds_for_home_based_work(app, client):
    """A partner would think its home-based offer goes to the whole kabupaten when it set the kecamatan."""
    local, _ = _home_offers()
    log_in(client, make_user(Role.FACILITATOR))
    page = client.get(f"/partners/offers/{local.id}").get_data(as_text=True)
    assert "Calon dari kecamatan yang sama" in page
    assert "juga untuk kerja dari rumah" in page


def test_find_filters_are_part_of_the_ranking(app, client):
    """A filtered "Cari mitra" page would be empty while a suitable offer of that kind exists."""
    business = make_organization()
    for n in range(3):
        make_offer(business, title=f"Penjahit gamis {n}")
    village = make_organization(kind="village_office")
    training = make_offer(village, kind=OfferKind.TRAINING, title="Pelatihan tata boga", skills_text="masak",
                          description="Belajar masak untuk katering.")
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator, **SEWER)
    only = rank_offers_for_household(household, k=1, kind=OfferKind.TRAINING)
    assert [p.offer.id for p in only] == [training.id] and only[0].position == 1
    log_in(client, facilitator)
    page = client.get(f"/matches/households/{household.id}/find?kind=training").get_data(as_text=True)
    assert "Pelatihan tata boga" in page and "Penjahit gamis" not in page


def test_workflow_refuses_a_proposal_beyond_the_reach(app):
    """A proposal made outside the ranked list (a script, an old page) could still cross the partner's reach."""
    from matchmaker.matches import workflow

    local, anywhere = _home_offers()
    facilitator = make_user(Role.FACILITATOR)
    hers = make_household(facilitator, **STAYS_HOME)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.propose(facilitator, hers, local)
    assert refused.value.code == "out_of_reach"
    assert workflow.propose(facilitator, hers, anywhere).offer_id == anywhere.id
