"""The ranking service on database rows, and the life cycle of the process-level index."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.matches.ranking import get_index, rank_households_for_offer, rank_offers_for_household
from matchmaker.models import (
    HouseholdStatus,
    Match,
    MatchStatus,
    OfferKind,
    OfferStatus,
    OrgKind,
    OrgStatus,
    Reach,
    Role,
)
from matchmaker.reference.skills import load_skills
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

OTHER_DESA = "32.01.16.2004"  # Cibatok I, same kecamatan as Sukamaju
DRAMAGA_DESA = "32.01.30.2001"


def test_household_gets_open_offers_and_programs_with_reasons(app):
    """A facilitator would be shown closed, full, expired or suspended partners' offers, or none at all."""
    business = make_organization(OrgKind.BUSINESS)
    village = make_organization(OrgKind.VILLAGE_OFFICE)
    suspended = make_organization(OrgKind.BUSINESS, status=OrgStatus.SUSPENDED)
    job = make_offer(business)
    program = make_offer(village, kind=OfferKind.TRAINING, title="Pelatihan menjahit BUMDes",
                         description="Pelatihan jahit gratis untuk ibu-ibu.", skills_text="jahit")
    make_offer(business, status=OfferStatus.DRAFT, title="Draft penjahit")
    make_offer(business, status=OfferStatus.CLOSED, title="Closed penjahit")
    make_offer(business, end_date=dt.date(2020, 1, 1), title="Expired penjahit")
    make_offer(suspended, title="Penjahit dari mitra ditangguhkan")
    full = make_offer(business, places=1, title="Penjahit satu tempat")
    other = make_household(None)
    db.session.add(Match(household_id=other.id, offer_id=full.id, status=MatchStatus.STARTED))
    db.session.commit()
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator, **SEWER)

    proposals = rank_offers_for_household(household, k=20, lang="en")

    assert {p.offer.id for p in proposals} == {job.id, program.id}
    assert [p.position for p in proposals] == [1, 2]
    assert proposals[0].score >= proposals[1].score
    assert any("same village" in reason for reason in proposals[0].reasons)
    indonesian = rank_offers_for_household(household, k=20)
    assert any("satu desa" in reason for reason in indonesian[0].reasons)


def test_offers_she_already_has_a_match_with_are_left_out(app):
    """The same offer would be proposed again to a woman who already declined it."""
    business = make_organization()
    first = make_offer(business)
    second = make_offer(business, title="Mitra jahit rumahan")
    household = make_household(None, **SEWER)
    db.session.add(Match(household_id=household.id, offer_id=first.id, status=MatchStatus.DECLINED))
    db.session.commit()
    assert [p.offer.id for p in rank_offers_for_household(household)] == [second.id]


def test_canonical_skills_and_missing_skills_come_through(app):
    """A woman whose profile is tagged with the offer's skills would not rank above one who lacks them."""
    load_skills(db.session)
    from matchmaker.models import Skill

    sewing = db.session.query(Skill).filter(Skill.slug == "menjahit").first()
    assert sewing is not None
    business = make_organization()
    offer = make_offer(business, title="Operator konveksi", skills_text="menjahit")
    offer.skills = [sewing]
    tagged = make_household(None, skills_text="biasa bantu-bantu", interests="kerja", work_experience="konveksi",
                            travel_range=Reach.SUBDISTRICT)
    tagged.skills = [sewing]
    untagged = make_household(None, skills_text="biasa bantu-bantu", interests="kerja", work_experience="konveksi",
                              travel_range=Reach.SUBDISTRICT)
    db.session.commit()
    candidates = rank_households_for_offer(offer, k=5)
    assert [c.household.id for c in candidates][:2] == [tagged.id, untagged.id]
    assert candidates[0].score > candidates[1].score
    # Reasons name the vocabulary's skills: the one she is tagged with matches, the other lacks it.
    assert f"keterampilan cocok: {sewing.name_id}" in candidates[0].reasons
    assert candidates[0].missing_skills == [] and candidates[1].missing_skills == [sewing.name_id]


def test_candidates_for_an_offer_within_areas(app):
    """A facilitator would see candidates outside her area, or graduated households."""
    business = make_organization()
    offer = make_offer(business, reach=Reach.DISTRICT)
    here = make_household(None, **{**SEWER, "travel_range": Reach.DISTRICT})
    there = make_household(None, desa_code=DRAMAGA_DESA, **{**SEWER, "travel_range": Reach.DISTRICT})
    make_household(None, status=HouseholdStatus.GRADUATED, **SEWER)
    assert {c.household.id for c in rank_households_for_offer(offer)} == {here.id, there.id}
    within = rank_households_for_offer(offer, within_areas=["32.01.16"])
    assert [c.household.id for c in within] == [here.id]
    assert within[0].position == 1 and within[0].reasons


def test_not_proposable_offer_has_no_candidates(app):
    """A partner's draft would be pushed to households before it is published."""
    draft = make_offer(make_organization(), status=OfferStatus.DRAFT)
    make_household(None, **SEWER)
    assert rank_households_for_offer(draft) == []


def test_edited_offer_is_reflected_without_a_full_rebuild(app):
    """After a partner edits an offer, facilitators would see the old text, or every page would rebuild the index."""
    business = make_organization()
    sewing = make_offer(business)
    cakes = make_offer(business, title="Terima titipan kue basah", description="Titip kue basah tiap pagi.",
                       skills_text="kue basah", kind=OfferKind.SUPPLIER)
    baker = make_household(None, skills_text="bisa bikin kue basah", interests="jualan kue",
                           work_experience="titip kue di warung", travel_range=Reach.SUBDISTRICT)
    index = get_index()
    assert rank_offers_for_household(baker)[0].offer.id == cakes.id
    assert index.builds == 1

    sewing.title = "Terima titipan kue basah dan bolu"
    sewing.description = "Titip kue basah dan bolu tiap pagi."
    sewing.skills_text = "kue basah, bolu"
    cakes.status = OfferStatus.CLOSED
    db.session.commit()

    proposals = rank_offers_for_household(baker)
    assert [p.offer.id for p in proposals] == [sewing.id]
    assert "bolu" in proposals[0].offer.title
    assert index.builds == 1 and index.offer_updates == 1 and index.refits == 0


def test_new_offer_with_new_vocabulary_triggers_a_refit(app):
    """Offers in a vocabulary the index never saw would rank by noise until a restart."""
    business = make_organization()
    make_offer(business)
    household = make_household(None, skills_text="ngurus domba dan kambing", interests="ternak",
                                work_experience="angon domba", travel_range=Reach.SUBDISTRICT)
    index = get_index()
    rank_offers_for_household(household)
    goats = make_offer(business, title="Titip domba garut bagi hasil", description="Pelihara domba garut, ngarit.",
                       skills_text="ngurus domba, ngarit rumput", kind=OfferKind.SUPPLIER)
    assert rank_offers_for_household(household)[0].offer.id == goats.id
    assert index.builds == 1 and index.refits == 1


def test_household_edit_and_graduation_update_candidates_incrementally(app):
    """A household's new skills would not count for partners, or a graduated one would still be proposed."""
    business = make_organization()
    offer = make_offer(business)
    sewer = make_household(None, **SEWER)
    other = make_household(None, skills_text="ngurus domba", interests="ternak", work_experience="angon",
                           travel_range=Reach.SUBDISTRICT)
    index = get_index()
    assert rank_households_for_offer(offer)[0].household.id == sewer.id
    other.skills_text = "jago jahit baju dan obras, punya mesin jahit"
    other.interests = "kerja jahit gamis"
    other.assets = ["mesin jahit"]
    sewer.status = HouseholdStatus.GRADUATED
    db.session.commit()
    assert [c.household.id for c in rank_households_for_offer(offer)] == [other.id]
    assert index.builds == 1 and index.household_updates == 1


def test_writes_from_another_process_are_caught_by_the_watermark(app):
    """An offer closed by another gunicorn worker would still be proposed by this one."""
    business = make_organization()
    offer = make_offer(business)
    household = make_household(None, **SEWER)
    index = get_index()
    index.sync_seconds = 0
    assert rank_offers_for_household(household)
    # A Core UPDATE bypasses the ORM's flush events, as a write in another process would.
    db.session.execute(update(type(offer)).where(type(offer).id == offer.id).values(status=OfferStatus.CLOSED))
    db.session.commit()
    assert rank_offers_for_household(household) == []
    assert index.builds == 1 and index.offer_updates == 1


def test_suspending_a_partner_removes_its_offers(app):
    """A suspended partner's offers would keep being proposed."""
    business = make_organization()
    make_offer(business)
    household = make_household(None, **SEWER)
    assert len(rank_offers_for_household(household)) == 1
    business.status = OrgStatus.SUSPENDED
    db.session.commit()
    assert rank_offers_for_household(household) == []


def test_pages_that_do_not_rank_never_build_the_index(app, client, login_as):
    """Every page (home, login) would wait for the ranking index to be built."""
    make_offer(make_organization())
    make_household(None, **SEWER)
    login_as(Role.FACILITATOR)
    assert client.get("/home").status_code in (200, 302)
    assert client.get("/").status_code in (200, 302)
    assert get_index().is_built is False and get_index().builds == 0
